"""The ledger: checkpoints and their cosigners, verification, inclusion proofs.

The log holds commitments, never personal data, so every account may read it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine, func, select
from starlette.concurrency import run_in_threadpool

from homeward.adapters.ledger_store import LedgerStore
from homeward.adapters.tables_ledger import ledger_checkpoints, ledger_cosigners
from homeward.bootstrap import KeysUnavailable
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.disclosure import entry_seen_by
from homeward.services.ledger import LedgerError, audit, leaf_payload, prove
from homeward.services.witnessing import witness_status
from homeward.web.context import gettext_for, render, web
from homeward.web.errors import Conflict
from homeward.web.params import LogIndex
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.LEDGER, Action.READ)
WRITE = Require(ResourceKind.LEDGER, Action.WRITE)


def ledger_state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        checkpoints = conn.execute(
            select(
                ledger_checkpoints.c.size,
                ledger_checkpoints.c.root,
                ledger_checkpoints.c.created_at,
            )
            .order_by(ledger_checkpoints.c.size.desc())
            .limit(20)
        ).all()
        cosigners = conn.execute(select(ledger_cosigners)).all()
    return {
        "checkpoints": [
            {"size": c.size, "root": c.root.hex(), "at": c.created_at} for c in checkpoints
        ],
        "cosigners": [{"name": c.name, "size": c.size, "root": c.root.hex()} for c in cosigners],
        "witnessing": witness_status(engine),
    }


def verify(engine: Engine) -> tuple[bool, str, int]:
    """(verifies, entries or the problem, how many checkpoints there were to check)."""
    with engine.connect() as conn:
        try:
            size = audit(conn)
        except LedgerError as exc:
            return False, str(exc), 0
        checkpoints = conn.execute(select(func.count()).select_from(ledger_checkpoints))
        return True, f"{size}", int(checkpoints.scalar_one())


@router.get("/ledger")
async def ledger_page(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    state = await run_in_threadpool(ledger_state, web(request).engine)
    return render(request, "ledger.html", state)


@router.get("/ledger/verify")
async def ledger_verify(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    ok, detail, checkpoints = await run_in_threadpool(verify, web(request).engine)
    return render(
        request, "_ledger_verify.html", {"ok": ok, "detail": detail, "checkpoints": checkpoints}
    )


@router.get("/ledger/entries/{index}")
async def ledger_entry(
    request: Request, index: LogIndex, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    def load() -> tuple[dict[str, Any] | None, bytes | None, str]:
        with web(request).engine.connect() as conn:
            payload = leaf_payload(conn, index)
            try:
                return (
                    payload,
                    prove(conn, index, web(request).workspace.verifier_keys(required=False)),
                    "",
                )
            except LedgerError as exc:
                return payload, None, str(exc)

    payload, bundle, problem = await run_in_threadpool(load)
    if payload is not None:
        payload = entry_seen_by(payload, _p.party)
    return render(
        request,
        "_ledger_entry.html",
        {"index": index, "payload": payload, "has_proof": bundle is not None, "problem": problem},
    )


@router.get("/ledger/proofs/{index}.json")
async def ledger_proof(
    request: Request, index: LogIndex, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    """The inclusion proof bundle of one entry, to check offline with `homeward verify`."""

    def load() -> bytes | None:
        with web(request).engine.connect() as conn:
            try:
                return prove(conn, index, web(request).workspace.verifier_keys(required=False))
            except LedgerError:
                return None

    bundle = await run_in_threadpool(load)
    if bundle is None:
        return Response(
            "no proof: the entry is not covered by a checkpoint yet",
            status_code=404,
            media_type="text/plain",
        )
    return Response(
        bundle,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="proof-{index}.json"'},
    )


@router.post("/ledger/checkpoint")
async def ledger_checkpoint(request: Request, _p: Annotated[Principal, Depends(WRITE)]) -> Response:
    """Sign a checkpoint and ask the witnesses; a pending one shows who is missing and why."""
    workspace = web(request).workspace

    def work() -> str | None:
        try:
            # A web workspace makes the mediator's key on its first checkpoint.
            workspace.checkpoint(create_key=True)
        except (KeysUnavailable, LedgerError) as exc:
            return str(exc)
        return None

    if await run_in_threadpool(_is_empty, web(request).engine):
        raise Conflict(
            gettext_for(request)("The log is empty: there is nothing to checkpoint yet.")
        )
    problem = await run_in_threadpool(work)
    if problem is not None:
        state = await run_in_threadpool(ledger_state, web(request).engine)
        state["problem"] = problem
        return render(request, "ledger.html", state, status=409)
    return RedirectResponse("/ledger", status_code=303)


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return LedgerStore(conn).size() == 0
