"""A small OpenAI-compatible chat-completions server for tests, started on loopback with scripted acts.

Each request takes the next act from the script (cycling): a reply (streamed in chunks when the
client asks for a stream), an HTTP error status, a delay before answering, an echo of the system prompt (a
model that obeys "reveal your instructions") or of its first approved phrasing (a model that behaves), cut at
`max_tokens` when asked (a server that honours only that field). Every request body is recorded for assertions.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from copilot.bench.server import free_port


@dataclass
class Act:
    reply: str = ""
    status: int = 200
    delay_s: float = 0.0
    echo_system: bool = False
    echo_phrasing: bool = False  # a well-behaved model: the first approved phrasing of its prompt, as given
    honour_max_tokens: bool = False  # cut the reply at `max_tokens` characters, as llama.cpp's server does


@dataclass
class ScriptedLLM:
    acts: list[Act]
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    def next_act(self) -> Act:
        return self.acts[(len(self.requests) - 1) % len(self.acts)]


def _app(script: ScriptedLLM) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> Response:
        body = await request.json()
        script.requests.append(body)
        act = script.next_act()
        if act.delay_s:
            await asyncio.sleep(act.delay_s)
        if act.status != 200:
            return JSONResponse({"error": {"message": "scripted failure", "type": "server_error"}},
                                status_code=act.status)
        text = act.reply
        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
        if act.echo_system:
            text = system
        if act.echo_phrasing:
            text = _first_phrasing(system)
        if act.honour_max_tokens and "max_tokens" in body:
            text = text[: body["max_tokens"]]  # one token per character: close enough for Chinese text
        if body.get("stream"):
            return StreamingResponse(_chunks(body["model"], text), media_type="text/event-stream")
        return JSONResponse({
            "id": "cmpl-test", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    return app


def _first_phrasing(system: str) -> str:
    """The first numbered line after the phrasings heading of the compose prompt."""
    lines = system.rsplit("规范话术（", 1)[-1].splitlines()
    return next(line.split(". ", 1)[1] for line in lines if line[:1].isdigit() and ". " in line)


async def _chunks(model: str, text: str) -> AsyncIterator[str]:
    def event(delta: dict[str, str], finish: str | None = None) -> str:
        chunk = {"id": "cmpl-test", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for start in range(0, len(text), 3):
        yield event({"content": text[start:start + 3]})
        await asyncio.sleep(0)
    yield event({}, "stop")
    yield "data: [DONE]\n\n"


@contextmanager
def scripted_llm(*acts: Act) -> Iterator[ScriptedLLM]:
    script = ScriptedLLM(list(acts))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_app(script), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("scripted LLM server did not start")
        time.sleep(0.02)
    script.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield script
    finally:
        server.should_exit = True
        thread.join(10)
