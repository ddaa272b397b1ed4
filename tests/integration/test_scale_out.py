"""Two API processes on one loopback Chroma server: a knowledge change made through one reaches the other."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import copilot_serve

pytestmark = pytest.mark.integration

STANDARD = """营业厅夜间服务规范
一、夜间服务
1.夜间值班坐席应在铃响三声内接听来电。
2.无法当场处理的问题，应登记联系方式，告知客户次日上午十点前回复。
"""


def test_a_reindex_through_one_replica_is_picked_up_by_the_other(chroma_server: str, tmp_path: Path) -> None:
    common = {"COPILOT_VECTOR_STORE__MODE": "http", "COPILOT_VECTOR_STORE__URL": chroma_server,
              "COPILOT_KNOWLEDGE_ADMIN__POLL_INTERVAL_S": "1"}
    with copilot_serve({**common, "COPILOT_PATHS__DATA_DIR": str(tmp_path / "a")}) as first, \
            copilot_serve({**common, "COPILOT_PATHS__DATA_DIR": str(tmp_path / "b")}) as second:
        before = httpx.get(f"{second}/readyz").json()["knowledge_version"]
        assert httpx.get(f"{first}/readyz").json()["knowledge_version"] == before
        files = {"file": ("night.txt", STANDARD.encode("utf-8"), "text/plain")}
        report = httpx.post(f"{first}/v1/knowledge/documents", files=files, timeout=120)
        assert report.status_code == 200, report.text
        version = report.json()["version"]
        deadline = time.monotonic() + 60
        while httpx.get(f"{second}/readyz").json()["knowledge_version"] != version:
            assert time.monotonic() < deadline, "the second replica never switched"
            time.sleep(0.5)
        documents = {d["id"] for d in httpx.get(f"{second}/v1/knowledge").json()["documents"]}
        assert "night" in documents
        answer = httpx.post(f"{second}/v1/suggest", json={"transcript": "你们电话太难打了"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["suggestions"]
