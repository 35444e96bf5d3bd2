"""Registry pages: counts, search across scripts, import with progress, the quarantine."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from homeward.adapters.personfile import ENCODINGS
from homeward.domain.values import RegistryKind, Side
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.registry import list_quarantine
from homeward.web.context import gettext_for, render, web
from homeward.web.params import Offset
from homeward.web.queries import list_persons, recent_batches, registry_counts
from homeward.web.reasons import explainer, field_label
from homeward.web.security import Require
from homeward.web.uploads import UploadRefused, save_upload

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.REGISTRY, Action.READ)
WRITE = Require(ResourceKind.REGISTRY, Action.WRITE)
QUARANTINE = Require(ResourceKind.QUARANTINE, Action.READ)
PAGE = 50


def _kind(value: str) -> RegistryKind:
    return (
        RegistryKind(value) if value in {k.value for k in RegistryKind} else RegistryKind.HOLDINGS
    )


async def _registry_page(
    request: Request,
    party: Side,
    errors: dict[str, str] | None = None,
    kind: str = "holdings",
    status: int = 200,
) -> HTMLResponse:
    engine = web(request).engine
    counts = await run_in_threadpool(registry_counts, engine, party)
    batches = await run_in_threadpool(recent_batches, engine, party)
    rows, total = await run_in_threadpool(list_persons, engine, party, _kind(kind), "", PAGE, 0)
    return render(
        request,
        "registries.html",
        {
            "party": party.value,
            "counts": counts,
            "batches": batches,
            "rows": rows,
            "total": total,
            "kind": _kind(kind).value,
            "q": "",
            "errors": errors or {},
            "offset": 0,
            "page": PAGE,
            "encodings": ENCODINGS,
        },
        status=status,
    )


@router.get("/parties/{party}/registries")
async def registries(
    request: Request, party: str, _p: Annotated[Principal, Depends(READ)], kind: str = "holdings"
) -> Response:
    return await _registry_page(request, Side(party.upper()), kind=kind)


@router.get("/parties/{party}/registries/search")
async def search(
    request: Request,
    party: str,
    _p: Annotated[Principal, Depends(READ)],
    q: str = "",
    kind: str = "holdings",
    offset: Offset = 0,
) -> Response:
    """The registry table (an htmx fragment): names typed in either script or in Latin."""
    rows, total = await run_in_threadpool(
        list_persons,
        web(request).engine,
        Side(party.upper()),
        _kind(kind),
        q[:200],
        PAGE,
        max(offset, 0),
    )
    return render(
        request,
        "_persons.html",
        {
            "party": party.upper(),
            "rows": rows,
            "total": total,
            "q": q,
            "kind": _kind(kind).value,
            "offset": max(offset, 0),
            "page": PAGE,
        },
    )


@router.post("/parties/{party}/registries/import")
async def import_file(
    request: Request,
    party: str,
    _p: Annotated[Principal, Depends(WRITE)],
    kind: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    encoding: Annotated[str, Form()] = "",
) -> Response:
    """Start an import; the answer is a progress fragment that polls until done."""
    _ = gettext_for(request)
    side = Side(party.upper())
    errors: dict[str, str] = {}
    if kind not in {k.value for k in RegistryKind}:
        errors["kind"] = _("Choose holdings or sought.")
    if file is None or not file.filename:
        errors["file"] = _("Choose a CSV, XLSX or JSON file.")
    if encoding and encoding not in ENCODINGS:
        errors["encoding"] = _("Choose an encoding from the list.")
    path = None
    if not errors and file is not None:
        try:
            path = await save_upload(file, web(request).max_upload_bytes)
        except UploadRefused as exc:
            errors[exc.field] = str(exc)
    if errors or path is None or file is None:
        if request.headers.get("hx-request"):
            return render(
                request, "_import_status.html", {"errors": errors, "job": None}, status=422
            )
        return await _registry_page(request, side, errors, kind=kind or "holdings", status=422)
    job = web(request).jobs.start(
        web(request).unit_of_work,
        side,
        RegistryKind(kind),
        path,
        file.filename or "upload",
        encoding or None,
    )
    context: dict[str, object] = {
        "job": job,
        "party": side.value,
        "errors": {},
        "explain": explainer(_),
    }
    return render(request, "_import_status.html", context, status=202)


@router.get("/parties/{party}/imports/{job_id}")
async def import_status(
    request: Request, party: str, job_id: str, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    job = web(request).jobs.get(job_id)
    if job is None or job.party.value != party.upper():
        message = gettext_for(request)("There is no such import.")
        return render(request, "error.html", {"message": message}, status=404)
    context: dict[str, Any] = {
        "job": job,
        "party": job.party.value,
        "errors": {},
        "explain": explainer(gettext_for(request)),
    }
    if job.done and not job.error:
        # The page's counters and recent imports follow the import (htmx out-of-band).
        engine = web(request).engine
        context["counts"] = await run_in_threadpool(registry_counts, engine, job.party)
        context["batches"] = await run_in_threadpool(recent_batches, engine, job.party)
    return render(request, "_import_status.html", context)


@router.get("/parties/{party}/quarantine")
async def quarantine(
    request: Request, party: str, _p: Annotated[Principal, Depends(QUARANTINE)]
) -> Response:
    rows = await run_in_threadpool(
        list_quarantine, Side(party.upper()), web(request).unit_of_work()
    )
    explain = explainer(gettext_for(request))
    return render(
        request,
        "quarantine.html",
        {"party": party.upper(), "rows": rows, "explain": explain, "field_label": field_label},
    )
