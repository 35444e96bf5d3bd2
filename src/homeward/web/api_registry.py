"""JSON API for a party's registries: holdings and sought, search, import, quarantine."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from homeward.adapters.personfile import PersonFileError
from homeward.domain.values import RegistryKind, Side
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.registry import list_quarantine
from homeward.web.context import web
from homeward.web.queries import PersonRow, list_persons
from homeward.web.security import Require
from homeward.web.uploads import UploadRefused, run_import, save_upload

router = APIRouter(prefix="/api/v1", tags=["registries"])
READ = Require(ResourceKind.REGISTRY, Action.READ)
WRITE = Require(ResourceKind.REGISTRY, Action.WRITE)
QUARANTINE = Require(ResourceKind.QUARANTINE, Action.READ)
PartyCode = Literal["UA", "RU"]
DENIED: dict[int | str, dict[str, Any]] = {
    403: {"description": "not allowed"},
    404: {"description": "not found or not yours"},
}


class PersonPage(BaseModel):
    total: int
    offset: int
    items: list[PersonRow]  # the query's own row type: one definition of the shape


class ImportOutcome(BaseModel):
    batch_id: int
    imported: int
    quarantined: int
    unchanged: int
    held: int = 0  # changes to people already in a tranche, held for the mediator


class QuarantineRow(BaseModel):
    file_name: str
    line: int
    field: str
    reason: str
    kind: str


async def _page(
    request: Request, party: str, kind: RegistryKind, q: str, limit: int, offset: int
) -> PersonPage:
    rows, total = await run_in_threadpool(
        list_persons, web(request).engine, Side(party), kind, q, limit, offset
    )
    return PersonPage(total=total, offset=offset, items=list(rows))


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Search = Annotated[str, Query(max_length=200, description="A name in any script")]


@router.get("/parties/{party}/holdings", responses=DENIED)
async def holdings(
    request: Request,
    party: PartyCode,
    _p: Annotated[Principal, Depends(READ)],
    q: Search = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> PersonPage:
    """People the party holds; ``q`` searches names across Cyrillic and Latin."""
    return await _page(request, party, RegistryKind.HOLDINGS, q, limit, offset)


@router.get("/parties/{party}/sought", responses=DENIED)
async def sought(
    request: Request,
    party: PartyCode,
    _p: Annotated[Principal, Depends(READ)],
    q: Search = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> PersonPage:
    """The party's own people it seeks (families' claims and missing-person reports)."""
    return await _page(request, party, RegistryKind.SOUGHT, q, limit, offset)


async def _import(
    request: Request, party: str, kind: RegistryKind, file: UploadFile
) -> ImportOutcome:
    try:
        path = await save_upload(file, web(request).max_upload_bytes)
    except UploadRefused as exc:
        raise HTTPException(422, [{"loc": ["body", exc.field], "msg": str(exc)}]) from None
    try:
        result = await run_in_threadpool(
            run_import,
            web(request).unit_of_work,
            Side(party),
            kind,
            path,
            file.filename or "upload",
        )
    except PersonFileError as exc:
        raise HTTPException(422, [{"loc": ["body", "file"], "msg": exc.reason}]) from None
    return ImportOutcome(
        batch_id=result.batch_id,
        imported=result.imported,
        quarantined=result.quarantined,
        unchanged=result.unchanged,
        held=result.held,
    )


@router.post("/parties/{party}/holdings", responses=DENIED)
async def import_holdings(
    request: Request,
    party: PartyCode,
    file: Annotated[UploadFile, File()],
    _p: Annotated[Principal, Depends(WRITE)],
) -> ImportOutcome:
    """Import a person file (CSV, XLSX or JSON) into holdings; bad rows are quarantined,
    a file that cannot be read at all is refused whole (422)."""
    return await _import(request, party, RegistryKind.HOLDINGS, file)


@router.post("/parties/{party}/sought", responses=DENIED)
async def import_sought(
    request: Request,
    party: PartyCode,
    file: Annotated[UploadFile, File()],
    _p: Annotated[Principal, Depends(WRITE)],
) -> ImportOutcome:
    """Import a person file into the sought registry."""
    return await _import(request, party, RegistryKind.SOUGHT, file)


@router.get("/parties/{party}/quarantine", responses=DENIED)
async def quarantine(
    request: Request, party: PartyCode, _p: Annotated[Principal, Depends(QUARANTINE)]
) -> list[QuarantineRow]:
    """Rows that could not be imported, with file, line, field and reason."""
    rows = await run_in_threadpool(list_quarantine, Side(party), web(request).unit_of_work())
    return [
        QuarantineRow(
            file_name=r.file_name.rsplit("/", 1)[-1],
            line=r.line,
            field=r.field,
            reason=r.reason,
            kind=r.kind,
        )
        for r in rows
    ]
