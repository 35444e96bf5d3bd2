"""Every number in a path or query string is range-checked: huge and negative ids, log
indices, offsets and list versions answer 404 or 422 on every route, never 500, on SQLite
and on PostgreSQL (where a number past bigint used to fail inside the database)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Le
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.web.app import FRAMEWORK_ROUTES
from homeward.web.testing import bearer, make_app

USERS = ("ua.officer", "ua.viewer", "med.coordinator", "med.verifier", "admin")
OUT_OF_RANGE = ("99999999999999999999", str(2**63), str(2**31), "-1", "-99999999999999999999")
# Plausible values for the parameters that are not numbers.
TEXT_VALUES = {
    "party": "UA",
    "recipient": "RU",
    "side": "UA",
    "kind": "holdings",
    "fmt": "csv",
    "code": "ABCD-1234",
    "job_id": "none",
    "q": "",
}


def _routes(app: Any) -> list[APIRoute]:
    return [
        r for r in app.routes if getattr(r, "path", "") not in FRAMEWORK_ROUTES and
        isinstance(r, APIRoute)
    ]  # fmt: skip


def _number_params(route: APIRoute) -> list[tuple[str, str, Any]]:
    """(where, name, field) of every integer path or query parameter of ``route``."""
    found = []
    for where, params in (("path", route.dependant.path_params),
                          ("query", route.dependant.query_params)):  # fmt: skip
        for field in params:
            if field.field_info.annotation is int:
                found.append((where, field.alias, field))
    return found


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, list[dict[str, str]]]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, [bearer(client, name, passwords[name]) for name in USERS]


def test_every_integer_in_a_path_or_query_declares_its_range(
    world: tuple[TestClient, list[dict[str, str]]],
) -> None:
    client, _ = world
    unbounded = []
    checked = 0
    for route in _routes(client.app):
        for where, name, field in _number_params(route):
            checked += 1
            metadata = field.field_info.metadata
            if not any(isinstance(m, Ge) for m in metadata) or not any(
                isinstance(m, Le) for m in metadata
            ):
                unbounded.append(f"{route.path} {where} {name}")
    assert checked >= 10
    assert not unbounded, "integers without a range: " + ", ".join(unbounded)


def _url(route: APIRoute, target: str, value: str) -> str:
    numbers = {name for _, name, _ in _number_params(route)}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == target:
            return value
        return "1" if name in numbers else TEXT_VALUES.get(name, "x")

    path = re.sub(r"\{([^}]+)\}", fill, route.path)
    query = [
        f"{field.alias}={value if field.alias == target else 1}"
        for field in route.dependant.query_params
        if field.field_info.annotation is int
        and (field.alias == target or field.field_info.is_required())
    ]
    query += [
        f"{field.alias}={TEXT_VALUES.get(field.alias, 'x')}"
        for field in route.dependant.query_params
        if field.field_info.annotation is not int and field.field_info.is_required()
    ]
    return path + ("?" + "&".join(query) if query else "")


def test_out_of_range_numbers_answer_404_or_422_on_every_route(
    world: tuple[TestClient, list[dict[str, str]]],
) -> None:
    client, headers = world
    failures = []
    answered = set()
    for route in _routes(client.app):
        for _, name, _ in _number_params(route):
            for value in OUT_OF_RANGE:
                url = _url(route, name, value)
                for method in sorted(route.methods - {"HEAD"}):
                    for header in headers:
                        response = client.request(method, url, headers=header)
                        if response.status_code >= 500:
                            failures.append(f"{method} {url}: {response.status_code}")
                        answered.add(response.status_code)
    assert not failures, "\n".join(sorted(set(failures)))
    assert 422 in answered


def test_the_ledger_proof_of_a_huge_index_is_refused_as_invalid(
    world: tuple[TestClient, list[dict[str, str]]],
) -> None:
    client, headers = world
    for path in (
        "/ledger/proofs/99999999999999999999.json",
        "/ledger/entries/99999999999999999999",
    ):
        assert client.get(path, headers=headers[2]).status_code == 422
    assert client.get("/ledger/proofs/123456.json", headers=headers[2]).status_code == 404
