"""OAuth2 password flow: POST /api/v1/token, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.accounts import LoginFailed, LoginThrottled, authenticate
from homeward.web.context import web
from homeward.web.routes_auth import client_of
from homeward.web.security import TOKEN_MAX_AGE, Require

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = TOKEN_MAX_AGE


class Me(BaseModel):
    username: str
    party: str
    role: str
    language: str


@router.post(
    "/token",
    responses={401: {"description": "wrong credentials"}, 429: {"description": "throttled"}},
)
async def issue_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    _p: Annotated[Principal | None, Depends(Require(ResourceKind.PUBLIC))],
) -> Token:
    """Exchange a username and password for a bearer token (OAuth2 password flow)."""
    try:
        principal = await run_in_threadpool(
            authenticate, form.username, form.password, client_of(request), web(request).engine
        )
    except LoginThrottled:
        raise HTTPException(429, "too many failed logins; wait a minute") from None
    except LoginFailed:
        raise HTTPException(
            401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        ) from None
    return Token(access_token=web(request).signer.token(principal))


@router.get("/me")
async def me(
    principal: Annotated[Principal, Depends(Require(ResourceKind.ACCOUNT, Action.READ))],
) -> Me:
    """The account the token belongs to."""
    return Me(
        username=principal.username,
        party=principal.party.value,
        role=principal.role.value,
        language=principal.language,
    )
