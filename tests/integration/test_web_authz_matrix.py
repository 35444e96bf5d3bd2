"""The authorisation matrix: every route, every role, own party and the other party.

Generated from ``app.routes``: a route without a ``Require`` rule fails, and so does a
rule this table does not know. The expected answers are written out here, independently
of ``services/access.py``, so a change to the policy must be made in both places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.web.app import DENIED_HEADER, FRAMEWORK_ROUTES
from homeward.web.security import rule_of
from homeward.web.testing import bearer, make_app

OFFICER, VIEWER = "party_officer", "party_viewer"
COORD, VERIFIER, ADMIN = "mediator_coordinator", "mediator_field_verifier", "administrator"
ALL = {OFFICER, VIEWER, COORD, VERIFIER, ADMIN}
USERS = {
    OFFICER: "ua.officer",
    VIEWER: "ua.viewer",
    COORD: "med.coordinator",
    VERIFIER: "med.verifier",
    ADMIN: "admin",
}

# rule -> relation -> roles allowed. "own": {party} is the user's party (UA); "other": RU;
# "none": the route has no {party}. Anonymous users get only "public".
EXPECTED: dict[str, dict[str, set[str]]] = {
    "public:read": {"own": ALL, "other": ALL, "none": ALL},
    "account:read": {"none": ALL},
    "account:write": {"none": ALL},
    "report:read": {"none": ALL},
    "report:write": {"none": {COORD}},
    "ledger:read": {"none": ALL},
    "ledger:write": {"none": {COORD}},
    "users:read": {"none": {ADMIN}},
    "users:write": {"none": {ADMIN}},
    "registry:read": {"own": {OFFICER, VIEWER}, "other": set()},
    "registry:write": {"own": {OFFICER}, "other": set()},
    "quarantine:read": {"own": {OFFICER, VIEWER}, "other": set()},
    "draft:read": {"own": {OFFICER, VIEWER}, "other": set()},
    "draft:write": {"own": {OFFICER}, "other": set(), "none": {OFFICER}},
    "list:read": {
        "own": {OFFICER, VIEWER, COORD, VERIFIER},
        "other": {COORD, VERIFIER},
        "none": {OFFICER, VIEWER, COORD, VERIFIER},
    },
    "list:write": {"own": {OFFICER, COORD}, "other": {COORD}, "none": {OFFICER, COORD}},
    "match:read": {
        "own": {OFFICER, VIEWER, COORD, VERIFIER},
        "other": {COORD, VERIFIER},
        "none": {OFFICER, VIEWER, COORD, VERIFIER},
    },
    "match:write": {"own": {OFFICER, COORD}, "other": {COORD}, "none": {OFFICER, COORD}},
    "agreement:read": {"none": {OFFICER, VIEWER, COORD, VERIFIER}},
    "agreement:write": {"none": {COORD}},
    "agreement:sign": {"none": {OFFICER, COORD}},
    "plan:read": {"none": {OFFICER, VIEWER, COORD, VERIFIER}},
    "plan:write": {"none": {COORD}},
    "handover:read": {"none": {OFFICER, VIEWER, COORD, VERIFIER}},
    "handover:write": {"none": {VERIFIER}},
    "proposal:read": {"none": {COORD, VERIFIER}},
    "proposal:write": {"none": {COORD, VERIFIER}},
    "interview:read": {"none": {COORD, VERIFIER}},
    "interview:write": {"none": {VERIFIER}},
    "exchange:read": {"none": {OFFICER, VIEWER, COORD, VERIFIER}},
    "exchange:write": {"none": {COORD}},
}


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        headers = {role: bearer(client, name, passwords[name]) for role, name in USERS.items()}
        client.app.state.passwords = passwords  # type: ignore[attr-defined]
        yield client, headers


def _routes(client: TestClient) -> list[APIRoute]:
    routes = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path in FRAMEWORK_ROUTES:
            continue
        assert isinstance(route, APIRoute), f"{path} is not an API route and has no rule"
        routes.append(route)
    return routes


def _url(path: str, party: str) -> str:
    path = path.replace("{party}", party)
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_declares_an_access_rule_the_matrix_knows(
    world: tuple[TestClient, dict],
) -> None:
    client, _ = world
    for route in _routes(client):
        rule = rule_of(route)
        assert rule is not None, f"{sorted(route.methods)} {route.path} declares no Require rule"
        key = f"{rule.kind.value}:{rule.action.value}"
        assert key in EXPECTED, f"{route.path}: rule {key} is missing from the matrix"
        relation_needed = "own" if "{party}" in route.path else "none"
        assert relation_needed in EXPECTED[key], f"{route.path}: {key} has no {relation_needed}"


def test_each_role_gets_exactly_what_the_matrix_says_on_every_route(
    world: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = world
    failures = []
    checked = 0
    for route in _routes(client):
        rule = rule_of(route)
        assert rule is not None
        key = f"{rule.kind.value}:{rule.action.value}"
        relations = ["own", "other"] if "{party}" in route.path else ["none"]
        for method in sorted(route.methods - {"HEAD"}):
            for relation in relations:
                url = _url(route.path, "UA" if relation in ("own", "none") else "RU")
                for role in ALL:
                    response = client.request(
                        method, url, headers=headers[role], follow_redirects=False
                    )
                    if route.path.endswith("/logout") and response.status_code < 400:
                        # Logging out ends every token of the account: take a fresh one.
                        name = USERS[role]
                        passwords = client.app.state.passwords  # type: ignore[attr-defined]
                        headers[role] = bearer(client, name, passwords[name])
                    allowed = role in EXPECTED[key][relation]
                    denied = DENIED_HEADER.lower() in response.headers
                    checked += 1
                    if allowed and (denied or response.status_code == 401):
                        failures.append(f"{role} refused {method} {url}: {response.status_code}")
                    if not allowed and not (denied and response.status_code in (403, 404)):
                        failures.append(
                            f"{role} let through {method} {url}: {response.status_code}"
                        )
                client.cookies.clear()
                anonymous = client.request(method, url, follow_redirects=False)
                if key == "public:read":
                    continue
                if url.startswith("/api/"):
                    ok = anonymous.status_code == 401
                else:
                    ok = anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
                if not ok:
                    failures.append(f"anonymous {method} {url}: {anonymous.status_code}")
    assert checked > 100
    assert not failures, "\n".join(failures)


def test_a_route_without_a_rule_makes_the_matrix_fail(world: tuple[TestClient, dict]) -> None:
    client, _ = world
    app = client.app

    @app.get("/unguarded")  # type: ignore[attr-defined]
    def unguarded() -> dict[str, str]:
        return {"secret": "data"}

    route = next(r for r in app.routes if getattr(r, "path", "") == "/unguarded")  # type: ignore[attr-defined]
    assert rule_of(route) is None
