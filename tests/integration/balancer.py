"""A TCP load balancer for the browser tests, as nginx or Caddy would be configured with a backup: every new
connection goes to the first replica that accepts it, so while the primary lives the sidebar talks to it, and once
it is gone the sidebar's reconnect lands on the next. Bytes are relayed untouched (HTTP and WebSocket alike)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from copilot.bench.server import free_port


async def _relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with suppress(OSError):
        writer.close()


async def _serve(port: int, upstreams: list[int], started: threading.Event, stop: asyncio.Event) -> None:
    relays: set[asyncio.Task[None]] = set()
    writers: set[asyncio.StreamWriter] = set()

    async def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for upstream in upstreams:
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
            except OSError:
                continue
            writers.update((writer, up_writer))
            relay = asyncio.ensure_future(asyncio.gather(_relay(reader, up_writer), _relay(up_reader, writer)))
            relays.add(relay)  # type: ignore[arg-type]
            await relay
            return
        writer.close()

    server = await asyncio.start_server(connect, "127.0.0.1", port)
    started.set()
    async with server:
        await stop.wait()
        for writer in writers:  # every relay sees its end and returns
            writer.close()
        await asyncio.wait(relays, timeout=5) if relays else None


@contextmanager
def balancer(*upstream_urls: str) -> Iterator[str]:
    """Yields the balancer's URL; upstreams in order of preference."""
    port = free_port()
    upstreams = [int(url.rsplit(":", 1)[1]) for url in upstream_urls]
    loop = asyncio.new_event_loop()
    started, stop = threading.Event(), asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(_serve(port, upstreams, started, stop),),
                              daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
