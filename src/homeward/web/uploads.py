"""Uploaded person files: checked for type and size, imported in a worker thread whose
progress the page polls. The import itself is one transaction: nothing half-saved."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import UploadFile
from sqlalchemy import Engine

from homeward.adapters.personfile import SUPPORTED_SUFFIXES, PersonFileError
from homeward.domain.values import RegistryKind, Side
from homeward.services.registry import ImportPersonFile, ImportResult, import_person_file


class UploadRefused(ValueError):
    """The upload is refused before anything is read; ``field`` names the form field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


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
    engine: Engine, party: Side, kind: RegistryKind, path: Path, original: str
) -> ImportResult:
    """Import a saved upload under its original file name, then remove it."""
    folder = Path(tempfile.mkdtemp(prefix="homeward-import-"))
    target = folder / Path(original).name
    try:
        shutil.move(str(path), target)
        return import_person_file(ImportPersonFile(party, kind, target), engine)
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
    lock: threading.Lock = field(default_factory=threading.Lock)


class ImportJobs:
    """Imports running in worker threads, by id, for the progress bar."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}

    def get(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)

    def start(
        self, engine: Engine, party: Side, kind: RegistryKind, path: Path, original: str
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
                job.result = import_person_file(
                    ImportPersonFile(party, kind, target), engine, progress
                )
            except PersonFileError as exc:
                job.error = exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}"
            except Exception:
                job.error = "the import failed; nothing was saved"
                raise
            finally:
                shutil.rmtree(folder, ignore_errors=True)
                path.unlink(missing_ok=True)
                job.done = True

        threading.Thread(target=work, name=f"import-{job.id[:8]}", daemon=True).start()
        return job
