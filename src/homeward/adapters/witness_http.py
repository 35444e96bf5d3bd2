"""tlog-witness over HTTP: the party's server (stdlib ``http.server``) and the mediator's
client (``urllib``).

The server answers ``POST /add-checkpoint`` and ``GET /<sha256(origin)>/checkpoint``; any
other path is 404. Every refusal is the status the specification prescribes with a one-line
reason; nothing a client sends produces a 500.
"""

from __future__ import annotations

import base64
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from homeward.adapters.cosigner_dir import CosignerDir, CosignerDirError
from homeward.ledger.note import NoteError, Signer, VerifierKey, open_note, split_note
from homeward.ledger.witness import (
    MAX_BODY,
    SIZE_CONTENT_TYPE,
    WitnessRefusal,
    format_request,
    origin_hash,
    parse_request,
    parse_size_body,
)

__all__ = [
    "WitnessAnswer",
    "WitnessServer",
    "make_server",
    "request_cosignature",
]

log = logging.getLogger(__name__)
_TIMEOUT = 10.0


class _Handler(BaseHTTPRequestHandler):
    server: WitnessServer
    protocol_version = "HTTP/1.1"
    timeout = _TIMEOUT

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, refusal: WitnessRefusal) -> None:
        self._send(refusal.status, refusal.body(), refusal.content_type)

    def do_POST(self) -> None:
        if self.path != "/add-checkpoint":
            self._refuse(WitnessRefusal(404, f"no such endpoint {self.path[:80]}"))
            return
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            self.close_connection = True
            self._refuse(WitnessRefusal(411, "a Content-Length header is required"))
            return
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True
            self._refuse(WitnessRefusal(413, f"request body is larger than {MAX_BODY} bytes"))
            return
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            self._refuse(WitnessRefusal(400, "request body is shorter than its Content-Length"))
            return
        try:
            request = parse_request(body)
            line = self.server.cosigner.add_checkpoint(request, self.server.signer)
        except WitnessRefusal as refusal:
            self._refuse(refusal)
            return
        except CosignerDirError as exc:
            log.error("cosigner state: %s", exc)
            self._send(500, b"the witness's own state is damaged\n", "text/plain; charset=utf-8")
            return
        self._send(200, line.encode("utf-8"), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[1] == "checkpoint":
            try:
                for origin in self.server.cosigner.trusted():
                    if origin_hash(origin) == parts[0]:
                        state = self.server.cosigner.last_cosigned(origin)
                        if state is not None:
                            self._send(200, state.note.encode(), "text/plain; charset=utf-8")
                            return
            except CosignerDirError as exc:
                log.error("cosigner state: %s", exc)
        self._refuse(WitnessRefusal(404, "no checkpoint cosigned for that log"))


class WitnessServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], cosigner: CosignerDir, signer: Signer) -> None:
        super().__init__(address, _Handler)
        self.cosigner = cosigner
        self.signer = signer

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="witness", daemon=True)
        thread.start()
        return thread


def make_server(cosigner: CosignerDir, signer: Signer, host: str, port: int) -> WitnessServer:
    return WitnessServer((host, port), cosigner, signer)


@dataclass(frozen=True)
class WitnessAnswer:
    """What one add-checkpoint call gave: cosignature lines, or a refusal and why."""

    status: int
    lines: tuple[str, ...] = ()
    size: int | None = None  # a 409's reported size
    problem: str = ""


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    request = urllib.request.Request(
        url.rstrip("/") + "/add-checkpoint",
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read(MAX_BODY)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read(MAX_BODY)


def request_cosignature(  # noqa: PLR0911 (one return per kind of answer)
    url: str,
    witness: VerifierKey,
    note: str,
    old_size: int,
    proof: Sequence[bytes],
    timeout: float = _TIMEOUT,
) -> WitnessAnswer:
    """POST one add-checkpoint; a malformed or unverifiable answer is a refusal."""
    try:
        status, content_type, body = _post(url, format_request(old_size, proof, note), timeout)
    except (OSError, ValueError) as exc:  # refused, timed out, bad URL
        return WitnessAnswer(0, problem=f"unreachable: {exc}")
    if status == 409:
        if content_type != SIZE_CONTENT_TYPE:
            return WitnessAnswer(409, problem=f"409 with Content-Type {content_type}")
        try:
            return WitnessAnswer(409, size=parse_size_body(body), problem="old size conflict")
        except ValueError as exc:
            return WitnessAnswer(409, problem=f"malformed 409 answer: {exc}")
    reason = body[:200].decode("utf-8", errors="replace").strip().split("\n")[0]
    if status != 200:
        return WitnessAnswer(status, problem=f"HTTP {status}: {reason}")
    try:
        text = body.decode("utf-8")
        text_part, _, _ = split_note(note)
        opened = open_note(text_part + "\n" + text, [witness])
    except (UnicodeDecodeError, NoteError) as exc:
        return WitnessAnswer(200, problem=f"malformed cosignature answer: {exc}")
    kid = witness.key_id
    lines = tuple(
        line
        for line in opened.signature_lines
        if line.startswith(f"\u2014 {witness.name} ") and _line_key_id(line) == kid
    )
    if not any(s.timestamp for s in opened.verified):
        return WitnessAnswer(200, problem="cosignature carries no timestamp")
    return WitnessAnswer(200, lines=lines)


def _line_key_id(line: str) -> bytes:
    return base64.b64decode(line.rstrip("\n").split(" ")[2])[:4]
