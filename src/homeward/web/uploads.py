"""Uploaded person files: checked for type and size, imported in a worker thread whose
progress the page polls. The import itself is one transaction: nothing half-saved."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from fastapi import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeward.adapters.personfile import SUPPORTED_SUFFIXES, PersonFileError
from homeward.domain.values import RegistryKind, Side
from homeward.services.registry import ImportPersonFile, ImportResult, import_person_file
from homeward.services.unit_of_work import UnitOfWorkFactory


class UploadRefused(ValueError):
    """The upload is refused before anything is read; ``field`` names the form field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


UPLOAD_SLACK = 64 * 1024  # multipart boundaries and form fields around the file


class _TooLarge(Exception):
    """The request body passed the limit; raised from receive() to stop the parser."""


class UploadLimit:
    """Refuse a request body over the upload limit while it streams in (413).

    Starlette parses a multipart form, spooling the whole file, before a route runs, so the
    size check in ``save_upload`` alone would come after a 300 MiB upload was stored. A
    declared Content-Length over the limit is refused before one byte is read; a body
    without one is counted as it arrives and refused at the limit.
    """

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limit() + UPLOAD_SLACK
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send)
            return
        seen = 0
        tripped = False
        started = False

        async def counting() -> Message:
            nonlocal seen, tripped
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    tripped = True
                    raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if tripped:
                return  # whatever the app answers about the broken body, the answer is 413
            started = True
            await send(message)

        try:
            await self.app(scope, counting, sending)
        except Exception:  # the parser may wrap _TooLarge in its own error
            if not tripped:
                raise
        if tripped and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        from starlette.requests import Request

        from homeward.web.context import gettext_for

        megabytes = self.limit() // (1024 * 1024)
        message = f"The file is larger than {megabytes} MB."
        if "app" in scope:  # mounted in the application: answer in the reader's language
            _ = gettext_for(Request(scope))
            message = _("The file is larger than %(n)s MB.", n=megabytes)
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"detail": [{"loc": ["body", "file"], "msg": message}]})
            kind = b"application/json"
        else:
            body = f'<p class="field-error" role="alert" data-field="file">{escape(message)}</p>'
            kind = b"text/html; charset=utf-8"
        data = body.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


async def save_upload(upload: UploadFile, max_bytes: int) -> Path:
    """Copy an upload to a temporary file with its suffix; refuse a wrong type or size."""
    name = Path(upload.filename or "")
    suffix = name.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused(
            "file",
            f"{name.name or 'the file'}: only {', '.join(SUPPORTED_SUFFIXES)} files are accepted",
        )
    size = 0
    descriptor, saved = tempfile.mkstemp(suffix=suffix, prefix="homeward-upload-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(
                        "file", f"{name.name}: larger than {max_bytes // (1024 * 1024)} MB"
                    )
                out.write(chunk)
        if size == 0:
            raise UploadRefused("file", f"{name.name}: the file is empty")
    except BaseException:
        Path(saved).unlink(missing_ok=True)
        raise
    return Path(saved)


def run_import(
    new_uow: UnitOfWorkFactory, party: Side, kind: RegistryKind, path: Path, original: str
) -> ImportResult:
    """Import a saved upload under its original file name, then remove it."""
    folder = Path(tempfile.mkdtemp(prefix="homeward-import-"))
    target = folder / Path(original).name
    try:
        shutil.move(str(path), target)
        command = ImportPersonFile(party, kind, target, file_name=Path(original).name)
        return import_person_file(command, new_uow())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        path.unlink(missing_ok=True)


@dataclass
class ImportJob:
    id: str
    party: Side
    kind: RegistryKind
    file_name: str
    rows_read: int = 0
    done: bool = False
    result: ImportResult | None = None
    error: str | None = None
    # The refusal as a message template and its values, shown in the reader's language.
    error_template: str | None = None
    error_values: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ImportJobs:
    """Imports running in worker threads, by id, for the progress bar."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}

    def get(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)

    def start(
        self,
        new_uow: UnitOfWorkFactory,
        party: Side,
        kind: RegistryKind,
        path: Path,
        original: str,
        encoding: str | None = None,
    ) -> ImportJob:
        job = ImportJob(uuid.uuid4().hex, party, kind, Path(original).name)
        self._jobs[job.id] = job

        def progress(count: int) -> None:
            job.rows_read = count

        def work() -> None:
            folder = Path(tempfile.mkdtemp(prefix="homeward-import-"))
            target = folder / job.file_name
            try:
                shutil.move(str(path), target)
                command = ImportPersonFile(party, kind, target, encoding, job.file_name)
                job.result = import_person_file(command, new_uow(), progress)
            except PersonFileError as exc:
                job.error = exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}"
                job.error_template, job.error_values = exc.template, exc.values
                if exc.line is not None:
                    job.error_values = {**exc.values, "line": str(exc.line)}
            except Exception:
                job.error = "the import failed; nothing was saved"
                raise
            finally:
                shutil.rmtree(folder, ignore_errors=True)
                path.unlink(missing_ok=True)
                job.done = True

        threading.Thread(target=work, name=f"import-{job.id[:8]}", daemon=True).start()
        return job
