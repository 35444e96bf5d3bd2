"""JSON API for agreements: a party uploads the terms it signed with its own key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.domain.values import Side
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.agreement import (
    SignatureRejected,
    agreement_view,
    terms_note_text,
    upload_signature,
)
from homeward.services.exchange import NotAllowed
from homeward.web.context import web
from homeward.web.errors import BadInput, Conflict, NotFound
from homeward.web.security import Require

router = APIRouter(prefix="/api/v1", tags=["agreements"])
READ = Require(ResourceKind.AGREEMENT, Action.READ)
SIGN = Require(ResourceKind.AGREEMENT, Action.SIGN)
MAX_NOTE = 64 * 1024
AgreementId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/agreements/{agreement_id}/terms")
async def agreement_terms_text(
    request: Request, agreement_id: AgreementId, _p: Annotated[Principal, Depends(READ)]
) -> dict[str, Any]:
    """The exact text to sign offline with ``homeward cosigner sign``."""
    try:
        text = await run_in_threadpool(terms_note_text, web(request).engine, agreement_id)
    except NoResultFound:
        raise NotFound() from None
    return {"agreement": agreement_id, "text": text}


@router.post("/agreements/{agreement_id}/signatures")
async def upload_agreement_signature(
    request: Request,
    agreement_id: AgreementId,
    principal: Annotated[Principal, Depends(SIGN)],
    signed_note: Annotated[str, Body(media_type="text/plain", max_length=MAX_NOTE)],
) -> dict[str, Any]:
    """Upload the party's signed note over the terms; 409 if it does not verify under the
    party's registered key or the party has signed already."""
    engine, events = web(request).engine, web(request).events
    if principal.party is Side.MEDIATOR:
        raise BadInput(
            "signed_note", "the mediator signs on the agreement page with its server's key"
        )
    try:
        await run_in_threadpool(agreement_view, engine, agreement_id)
    except NoResultFound:
        raise NotFound() from None
    try:
        complete = await run_in_threadpool(
            upload_signature, engine, events, agreement_id, principal.party, signed_note
        )
    except (SignatureRejected, NotAllowed) as exc:
        raise Conflict(str(exc)) from None
    return {
        "agreement": agreement_id,
        "party": principal.party.value,
        "verified": True,
        "complete": complete,
    }
