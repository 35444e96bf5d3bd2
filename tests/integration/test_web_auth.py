"""Logging in, CSRF, throttling, bearer tokens, languages and the access log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homeward.adapters.tables_web import access_log, users
from homeward.web.testing import bearer, csrf_of, log_in, make_app


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, engine


def test_a_wrong_password_keeps_the_username_typed_and_says_why(site) -> None:
    client, _, _ = site
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "ua.officer",
            "password": "wrong-password",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 401
    assert 'value="ua.officer"' in response.text
    assert "Wrong username or password" in response.text


def test_an_empty_password_is_a_field_error(site) -> None:
    client, _, _ = site
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": "ua.officer", "password": "", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 422
    assert "Enter your password" in response.text
    assert 'value="ua.officer"' in response.text


def test_a_form_post_without_the_csrf_token_is_refused(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    response = client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF" in response.text
    forged = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403


def test_a_login_form_without_its_token_does_not_log_in(site) -> None:
    client, passwords, _ = site
    response = client.post(
        "/login",
        data={"username": "ua.officer", "password": passwords["ua.officer"]},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_logging_in_and_out_through_the_forms(site) -> None:
    client, passwords, _ = site
    csrf = log_in(client, "ua.officer", passwords["ua.officer"])
    assert client.get("/dashboard").status_code == 200
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_five_failed_logins_in_a_minute_then_429_even_with_the_right_password(site) -> None:
    client, passwords, _ = site
    for _ in range(5):
        r = client.post("/api/v1/token", data={"username": "ru.viewer", "password": "nope-nope"})
        assert r.status_code == 401
    r = client.post(
        "/api/v1/token", data={"username": "ru.viewer", "password": passwords["ru.viewer"]}
    )
    assert r.status_code == 429
    # another user from another... the same client is not yet over its own limit
    assert (
        client.post(
            "/api/v1/token", data={"username": "ru.officer", "password": passwords["ru.officer"]}
        ).status_code
        == 200
    )


def test_a_bearer_token_identifies_the_user_and_a_forged_one_does_not(site) -> None:
    client, passwords, _ = site
    headers = bearer(client, "med.verifier", passwords["med.verifier"])
    me = client.get("/api/v1/me", headers=headers).json()
    assert me == {
        "username": "med.verifier",
        "party": "MED",
        "role": "mediator_field_verifier",
        "language": "en",
    }
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401


def test_the_api_ignores_the_session_cookie(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    assert client.get("/api/v1/me").status_code == 401


def test_the_other_partys_registry_answers_404_and_the_refusal_is_logged(site) -> None:
    client, passwords, engine = site
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    assert client.get("/api/v1/parties/UA/holdings", headers=headers).status_code == 200
    refused = client.get("/api/v1/parties/RU/holdings", headers=headers)
    assert refused.status_code == 404
    client.app.state.web.access_log.flush()  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(select(access_log).order_by(access_log.c.id)).all()
    assert [(r.username, r.resource_party, r.allowed) for r in rows] == [
        ("ua.officer", "UA", True),
        ("ua.officer", "RU", False),
    ]


def test_the_language_is_kept_on_the_user_and_the_pages_follow_it(site) -> None:
    client, passwords, engine = site
    csrf = log_in(client, "ru.officer", passwords["ru.officer"])
    response = client.post(
        "/language", data={"language": "ru", "csrf_token": csrf, "back": "/dashboard"}
    )
    assert response.status_code == 200
    assert "Панель" in response.text
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.language).where(users.c.username == "ru.officer"))
        assert stored.scalar_one() == "ru"
    client.cookies.clear()
    log_in(client, "ru.officer", passwords["ru.officer"])
    assert "Панель" in client.get("/dashboard").text
