"""The administrator's pages: accounts (create, disable, reset, role, delete) and the
access log searched by who read whose data and whether they were refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.domain.values import Side
from homeward.services.access import Action, Decision, Principal, Resource, ResourceKind, Role
from homeward.services.accounts import user_id_of
from homeward.web.testing import bearer, log_in, make_app


@pytest.fixture
def admin(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        csrf = log_in(client, "admin", passwords["admin"])
        yield client, passwords, csrf


def _shown_password(html: str) -> str:
    found = re.search(r'id="shown-password">[^<]*<code>([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def test_an_account_made_without_a_password_gets_one_shown_once_that_logs_in(admin) -> None:
    client, _, csrf = admin
    made = client.post(
        "/admin/accounts",
        data={"csrf_token": csrf, "username": "ru.clerk", "party": "RU",
              "role": "party_viewer", "language": "ru"},
    )  # fmt: skip
    assert made.status_code == 200
    password = _shown_password(made.text)
    assert "ru.clerk" in client.get("/admin/accounts").text
    assert password not in client.get("/admin/accounts").text  # once
    other = TestClient(client.app)
    me = other.get("/api/v1/me", headers=bearer(other, "RU.Clerk", password)).json()
    assert (me["party"], me["role"], me["language"]) == ("RU", "party_viewer", "ru")


def test_the_form_refuses_a_taken_name_in_another_case_and_a_role_of_the_wrong_side(
    admin,
) -> None:
    client, _, csrf = admin
    taken = client.post(
        "/admin/accounts",
        data={"csrf_token": csrf, "username": "UA.OFFICER", "party": "UA",
              "role": "party_viewer", "language": "en"},
    )  # fmt: skip
    assert taken.status_code == 422
    assert "The username UA.OFFICER is taken." in taken.text
    wrong = client.post(
        "/admin/accounts",
        data={"csrf_token": csrf, "username": "med.x", "party": "MED",
              "role": "party_officer", "language": "en"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert "Party roles belong to UA or RU" in wrong.text


def test_disabling_and_resetting_end_the_accounts_sessions_and_enable_restores_it(
    admin, engine: Engine
) -> None:
    client, passwords, csrf = admin
    target = user_id_of(engine, "ua.viewer")
    other = TestClient(client.app)
    token = bearer(other, "ua.viewer", passwords["ua.viewer"])
    off = client.post(f"/admin/accounts/{target}", data={"csrf_token": csrf, "action": "disable"})
    assert off.status_code == 200
    assert other.get("/api/v1/me", headers=token).status_code == 401
    on = client.post(f"/admin/accounts/{target}", data={"csrf_token": csrf, "action": "enable"})
    assert on.status_code == 200
    token = bearer(other, "ua.viewer", passwords["ua.viewer"])
    reset = client.post(f"/admin/accounts/{target}", data={"csrf_token": csrf, "action": "reset"})
    new_password = _shown_password(reset.text)
    assert other.get("/api/v1/me", headers=token).status_code == 401
    old = other.post(
        "/api/v1/token", data={"username": "ua.viewer", "password": passwords["ua.viewer"]}
    )
    assert old.status_code == 401
    assert other.get("/api/v1/me", headers=bearer(other, "ua.viewer", new_password)).is_success


def test_the_administrator_cannot_lock_themselves_out(admin, engine: Engine) -> None:
    client, _, csrf = admin
    me = user_id_of(engine, "admin")
    for action in ("disable", "delete"):
        answer = client.post(f"/admin/accounts/{me}", data={"csrf_token": csrf, "action": action})
        assert answer.status_code == 422
    demote = client.post(
        f"/admin/accounts/{me}",
        data={"csrf_token": csrf, "action": "role", "party": "MED",
              "role": "mediator_coordinator"},
    )  # fmt: skip
    assert demote.status_code == 422
    assert "last administrator" in demote.text
    assert client.get("/admin/accounts").status_code == 200


def test_the_access_log_finds_who_read_whose_data_and_who_was_refused(admin) -> None:
    client, passwords, _ = admin
    other = TestClient(client.app)
    ua = bearer(other, "ua.officer", passwords["ua.officer"])
    ru = bearer(other, "ru.viewer", passwords["ru.viewer"])
    assert other.get("/api/v1/parties/UA/holdings", headers=ua).status_code == 200
    assert other.get("/api/v1/parties/RU/holdings", headers=ua).status_code == 404
    assert other.get("/api/v1/parties/RU/sought", headers=ru).status_code == 200

    def rows(query: str) -> list[str]:
        page = client.get(f"/admin/access-log?{query}")
        assert page.status_code == 200
        table = page.text.split('id="access-log"', 1)[1].split("</table>", 1)[0]
        return re.findall(r"<tr[^>]*>\s*<td>[^<]+</td><td>([^<]+)</td>", table)

    assert len(rows("")) == 3
    assert rows("who=UA.OFF") == ["ua.officer (UA)", "ua.officer (UA)"]
    assert rows("outcome=refused") == ["ua.officer (UA)"]
    assert rows("whose=RU&outcome=allowed") == ["ru.viewer (RU)"]
    assert rows("who=nobody") == []
    log = client.app.state.web.access_log  # type: ignore[attr-defined]
    who = Principal(0, "med.verifier", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    log.record(
        who, Action.READ, Resource(ResourceKind.HANDOVER, Side.UA, "42"), Decision(True, "ok")
    )
    assert rows("ident=42") == ["med.verifier (MED)"]
    assert rows("ident=4") == []
    assert client.get("/admin/access-log?outcome=maybe").status_code == 422


def test_the_admin_pages_speak_ukrainian_and_russian(admin) -> None:
    client, _, csrf = admin
    client.post("/language", data={"language": "uk", "csrf_token": csrf, "back": "/"})
    assert "Облікові записи" in client.get("/admin/accounts").text
    assert "Журнал доступу" in client.get("/admin/access-log").text
    client.post("/language", data={"language": "ru", "csrf_token": csrf, "back": "/"})
    assert "Учётные записи" in client.get("/admin/accounts").text
    assert "Журнал доступа" in client.get("/admin/access-log").text


def test_every_change_to_an_account_is_in_the_access_log(admin, engine: Engine) -> None:
    client, _, csrf = admin
    target = user_id_of(engine, "ru.viewer")
    client.post(f"/admin/accounts/{target}", data={"csrf_token": csrf, "action": "disable"})
    client.post(
        f"/admin/accounts/{target}",
        data={"csrf_token": csrf, "action": "role", "party": "RU", "role": "party_officer"},
    )
    page = client.get("/admin/access-log?kind=users").text
    table = page.split('id="access-log"', 1)[1].split("</table>", 1)[0]
    assert table.count("<td>admin (MED)</td>") == 2
    assert "ru.viewer" in table
    assert "role changed: party_officer (RU)" in table
    assert "disabled" in table
