"""OAuth2 password flow: POST /api/v1/token, who am I, and logging out (revoking)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.accounts import LoginFailed, LoginThrottled, authenticate, end_sessions
from homeward.web.context import web
from homeward.web.security import TOKEN_MAX_AGE, Require, client_of

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
        login = await run_in_threadpool(
            authenticate,
            form.username,
            form.password,
            client_of(request),
            web(request).engine,
            hasher=web(request).hasher,
        )
    except LoginThrottled:
        raise HTTPException(429, "too many failed logins; wait a minute") from None
    except LoginFailed:
        raise HTTPException(
            401, "wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        ) from None
    return Token(
        access_token=web(request).signer.token((login.principal.user_id, login.generation))
    )


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


@router.post("/logout", status_code=204, responses={401: {"description": "not authenticated"}})
async def logout(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ResourceKind.ACCOUNT, Action.WRITE))],
) -> Response:
    """Revoke every token and session of the account at once (the token sent included)."""
    await run_in_threadpool(end_sessions, web(request).engine, principal.user_id)
    return Response(status_code=204)
