"""The ledger: checkpoints and their cosigners, verification, inclusion proofs.

The log holds commitments, never personal data, so every account may read it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from homeward.adapters.tables_ledger import ledger_checkpoints, ledger_cosigners
from homeward.domain.values import Side
from homeward.ledger.keys import KeyFileError, verifier_keys
from homeward.ledger.note import VerifierKey
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.ledger import LedgerError, audit, leaf_payload, prove
from homeward.services.signing import checkpoint_and_cosign, ensure_keys, load_signers, signer_name
from homeward.settings import Settings
from homeward.web.context import render, web
from homeward.web.params import LogIndex
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.LEDGER, Action.READ)
WRITE = Require(ResourceKind.LEDGER, Action.WRITE)
# The demo's passphrase, as `homeward demo` uses it when HOMEWARD_KEY_PASSPHRASE is unset.


def _keys(settings: Settings) -> list[VerifierKey]:
    keys: list[VerifierKey] = []
    for side in Side:
        try:
            keys.extend(verifier_keys(settings.keys_dir, signer_name(side)))
        except KeyFileError:
            continue  # a signer without a key yet: its signatures cannot be checked
    return keys


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
    }


def verify(engine: Engine) -> tuple[bool, str]:
    with engine.connect() as conn:
        try:
            size = audit(conn)
        except LedgerError as exc:
            return False, str(exc)
    return True, f"{size}"


@router.get("/ledger")
async def ledger_page(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    state = await run_in_threadpool(ledger_state, web(request).engine)
    return render(request, "ledger.html", state)


@router.get("/ledger/verify")
async def ledger_verify(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    ok, detail = await run_in_threadpool(verify, web(request).engine)
    return render(request, "_ledger_verify.html", {"ok": ok, "detail": detail})


@router.get("/ledger/entries/{index}")
async def ledger_entry(
    request: Request, index: LogIndex, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    def load() -> tuple[dict[str, Any] | None, bytes | None, str]:
        with web(request).engine.connect() as conn:
            payload = leaf_payload(conn, index)
            try:
                return payload, prove(conn, index, _keys(web(request).settings)), ""
            except LedgerError as exc:
                return payload, None, str(exc)

    payload, bundle, problem = await run_in_threadpool(load)
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
                return prove(conn, index, _keys(web(request).settings))
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
    settings = web(request).settings
    passphrase = settings.passphrase

    def work() -> None:
        ensure_keys(settings.keys_dir, passphrase)
        signers = load_signers(settings.keys_dir, passphrase)
        with web(request).engine.begin() as conn:
            checkpoint_and_cosign(conn, signers, settings.ledger_origin)

    await run_in_threadpool(work)
    return RedirectResponse("/ledger", status_code=303)
