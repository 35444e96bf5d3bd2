"""An upload over the limit is refused while it streams in, never read whole."""

from __future__ import annotations

import asyncio
from typing import Any

from homeward.web.uploads import UploadLimit

MIB = 1 << 20


class _Body:
    """A request body of ``chunks`` MiB handed out one chunk per receive()."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.sent = 0

    async def receive(self) -> dict[str, Any]:
        self.sent += 1
        more = self.sent < self.chunks
        return {"type": "http.request", "body": b"x" * MIB, "more_body": more}


async def _reads_everything(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Like Starlette's form parser: read to the end, then answer."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(headers: list[tuple[bytes, bytes]], body: _Body) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/v1/parties/UA/holdings"}
    limit = UploadLimit(_reads_everything, lambda: 2 * MIB)
    asyncio.run(limit({**scope, "headers": headers}, body.receive, send))
    return sent


def test_a_300_mib_upload_without_a_length_is_refused_after_about_the_limit() -> None:
    body = _Body(300)
    sent = _call([], body)
    assert sent[0]["status"] == 413
    assert body.sent <= 3
    assert b"larger than 2 MB" in sent[1]["body"]


def test_a_declared_length_over_the_limit_is_refused_before_any_byte_is_read() -> None:
    body = _Body(300)
    sent = _call([(b"content-length", str(300 * MIB).encode())], body)
    assert sent[0]["status"] == 413
    assert body.sent == 0


def test_an_upload_under_the_limit_goes_through() -> None:
    body = _Body(1)
    sent = _call([(b"content-length", str(MIB).encode())], body)
    assert sent[0]["status"] == 200
