"""Sessions and tokens end when they should: logout, a password change, a reset, disabling
or deleting the account; usernames are one account in any case; the admin's pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homeward.adapters.tables_web import users
from homeward.domain.values import Side
from homeward.services.access import Role
from homeward.services.accounts import (
    AccountError,
    CreateUser,
    create_user,
    delete_user,
    set_active,
    user_id_of,
)
from homeward.web.testing import bearer, csrf_of, log_in, make_app


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, engine


def _held(client: TestClient, username: str, password: str) -> tuple[dict[str, str], str]:
    """A logged-in browser session (its cookie kept aside) and a bearer token."""
    log_in(client, username, password)
    cookie = client.cookies.get("homeward_session")
    assert cookie
    return bearer(client, username, password), cookie


def _cookie_works(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set("homeward_session", cookie)
    answer = client.get("/dashboard", follow_redirects=False)
    client.cookies.clear()
    return answer.status_code == 200


def _token_works(client: TestClient, headers: dict[str, str]) -> bool:
    return client.get("/api/v1/me", headers=headers).status_code == 200


def test_after_logout_the_old_cookie_and_token_are_refused(site) -> None:
    client, passwords, _ = site
    token, cookie = _held(client, "ua.officer", passwords["ua.officer"])
    assert _cookie_works(client, cookie)
    assert _token_works(client, token)
    client.cookies.set("homeward_session", cookie)
    csrf = csrf_of(client.get("/dashboard").text)
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert not _cookie_works(client, cookie)
    assert not _token_works(client, token)
    # a new login works again
    assert _token_works(client, bearer(client, "ua.officer", passwords["ua.officer"]))


def test_logging_out_through_the_api_revokes_the_token_and_the_cookie(site) -> None:
    client, passwords, _ = site
    token, cookie = _held(client, "ru.viewer", passwords["ru.viewer"])
    assert client.post("/api/v1/logout", headers=token).status_code == 204
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert not _cookie_works(client, cookie)


def test_after_a_password_change_old_cookies_and_tokens_are_refused_but_this_browser_stays(
    site,
) -> None:
    client, passwords, _ = site
    old_password = passwords["ua.viewer"]
    token, old_cookie = _held(client, "ua.viewer", old_password)
    client.cookies.set("homeward_session", old_cookie)
    csrf = csrf_of(client.get("/account/password").text)
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": old_password,
            "new_password": "a-new-long-password",
            "repeat_password": "a-new-long-password",
        },
    )
    assert changed.status_code == 200
    assert 'id="password-changed"' in changed.text
    new_cookie = changed.cookies.get("homeward_session")
    assert new_cookie
    assert new_cookie != old_cookie
    assert _cookie_works(client, new_cookie)
    assert not _cookie_works(client, old_cookie)
    assert not _token_works(client, token)
    refused = client.post("/api/v1/token", data={"username": "ua.viewer", "password": old_password})
    assert refused.status_code == 401
    assert _token_works(client, bearer(client, "ua.viewer", "a-new-long-password"))


def test_a_wrong_current_password_changes_nothing_and_says_so(site) -> None:
    client, passwords, _ = site
    log_in(client, "ru.officer", passwords["ru.officer"])
    csrf = csrf_of(client.get("/account/password").text)
    answer = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "not-the-password",
            "new_password": "a-new-long-password",
            "repeat_password": "a-new-long-password",
        },
    )
    assert answer.status_code == 422
    assert "The current password is wrong." in answer.text
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    assert _token_works(client, bearer(client, "ru.officer", passwords["ru.officer"]))


@pytest.mark.parametrize("how", ["disabled", "deleted"])
def test_a_disabled_or_deleted_account_loses_its_cookie_and_token_at_once(site, how) -> None:
    client, passwords, engine = site
    token, cookie = _held(client, "ru.officer", passwords["ru.officer"])
    user_id = user_id_of(engine, "ru.officer")
    assert user_id is not None
    if how == "disabled":
        set_active(engine, user_id, False)
    else:
        delete_user(engine, user_id)
    assert not _cookie_works(client, cookie)
    assert not _token_works(client, token)
    again = client.post(
        "/api/v1/token", data={"username": "ru.officer", "password": passwords["ru.officer"]}
    )
    assert again.status_code == 401


def test_a_role_changed_by_the_administrator_applies_to_the_next_request(site) -> None:
    client, passwords, engine = site
    token = bearer(client, "ua.viewer", passwords["ua.viewer"])
    admin = bearer(client, "admin", passwords["admin"])
    user_id = user_id_of(engine, "ua.viewer")
    log_in(client, "admin", passwords["admin"])
    csrf = csrf_of(client.get("/admin/accounts").text)
    answer = client.post(
        f"/admin/accounts/{user_id}",
        data={"csrf_token": csrf, "action": "role", "party": "UA", "role": "party_officer"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert client.get("/api/v1/me", headers=token).json()["role"] == "party_officer"


def test_usernames_differing_only_in_case_are_one_account(site) -> None:
    client, _, engine = site
    create_user(CreateUser(Side.UA, Role.PARTY_VIEWER, "ua.tester", "tester-password"), engine)
    with pytest.raises(AccountError) as refused:
        create_user(CreateUser(Side.UA, Role.PARTY_VIEWER, "UA.TESTER", "other-password"), engine)
    assert refused.value.field == "username"
    # a login in any case finds the one account, spelt as it was created
    token = bearer(client, "UA.Tester", "tester-password")
    assert client.get("/api/v1/me", headers=token).json()["username"] == "ua.tester"
    with engine.connect() as conn:
        names = conn.execute(select(users.c.username).where(users.c.party == "UA")).scalars()
        assert sorted(n.casefold() for n in names).count("ua.tester") == 1


def test_failed_logins_in_another_case_count_against_the_same_account(site) -> None:
    client, passwords, _ = site
    for name in ("ru.viewer", "RU.VIEWER", "Ru.Viewer", "RU.viewer", "ru.VIEWER"):
        assert (
            client.post("/api/v1/token", data={"username": name, "password": "x" * 9}).status_code
            == 401
        )
    right = client.post(
        "/api/v1/token", data={"username": "ru.viewer", "password": passwords["ru.viewer"]}
    )
    assert right.status_code == 429


def test_guessing_the_current_password_from_a_session_is_throttled_like_a_login(site) -> None:
    client, passwords, _ = site
    csrf = log_in(client, "ua.officer", passwords["ua.officer"])
    statuses = []
    for n in range(6):
        answer = client.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": f"guess-number-{n}",
                "new_password": "a-new-long-password",
                "repeat_password": "a-new-long-password",
            },
        )
        statuses.append(answer.status_code)
    assert statuses == [422] * 5 + [429]
    refused = client.post(
        "/api/v1/token", data={"username": "ua.officer", "password": passwords["ua.officer"]}
    )
    assert refused.status_code == 429


@pytest.mark.parametrize("how", ["logged_out", "disabled"])
def test_a_confirmation_with_a_revoked_token_is_refused_at_once(site, how) -> None:
    client, passwords, engine = site
    token = bearer(client, "med.verifier", passwords["med.verifier"])

    def confirm() -> int:
        return client.post(
            "/api/v1/handovers/999999/steps", json={"step": "check_in"}, headers=token
        ).status_code

    assert confirm() == 404  # the account is read and the route reached: no such handover
    if how == "logged_out":
        assert client.post("/api/v1/logout", headers=token).status_code == 204
    else:
        user_id = user_id_of(engine, "med.verifier")
        assert user_id is not None
        set_active(engine, user_id, False)
    assert confirm() == 401
