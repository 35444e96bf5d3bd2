"""Schemathesis against /openapi.json: every API operation, generated inputs, in-process.

Bounded (a few examples per operation) so the whole run stays well under two minutes, and
derandomized by the default Hypothesis profile (tests/conftest.py): `make test` sends the
same requests every run. `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws new ones, many more.
A failing operation is reported with schemathesis' reproducer (a curl command). Checks: no
server errors, responses conform to the schema, and bad input is a 4xx.
"""

from __future__ import annotations

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine

from homeward.adapters.db import create_schema, make_engine
from homeward.web.testing import make_app

MAX_EXAMPLES = 15 if os.environ.get("HYPOTHESIS_PROFILE", "default") == "default" else 200


def _app(tmp: Path) -> tuple[object, dict[str, str], Engine]:
    engine = make_engine(f"sqlite:///{tmp / 'schema.db'}")
    create_schema(engine)
    app, passwords = make_app(engine, tmp)
    return app, passwords, engine


def test_the_api_answers_generated_requests_without_server_errors(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app, passwords, engine = _app(tmp_path)
    with TestClient(app) as client:  # type: ignore[arg-type]
        token = client.post(
            "/api/v1/token",
            data={"username": "ua.officer", "password": passwords["ua.officer"]},
        ).json()["access_token"]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if operation.path == "/api/v1/token":
            continue  # generated passwords would only trip the login throttle
        if operation.path == "/api/v1/logout":
            continue  # it ends the token every other operation uses (test_web_sessions.py)

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: object) -> None:
            response = case.call(headers=headers)  # type: ignore[attr-defined]
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])  # type: ignore[attr-defined]

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    engine.dispose()
    assert operations >= 10
    assert len(statuses) >= 3 * operations  # every operation really was exercised
    assert any(200 <= s < 300 for s in statuses)
    assert any(s == 422 for s in statuses)
    assert not failures, "\n\n".join(failures)


def test_a_bad_body_is_a_422_that_names_the_field(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app, passwords, engine = _app(tmp_path)
    with TestClient(app) as client:  # type: ignore[arg-type]
        token = client.post(
            "/api/v1/token",
            data={"username": "ua.officer", "password": passwords["ua.officer"]},
        ).json()["access_token"]
        response = client.post(
            "/api/v1/parties/UA/lists",
            json={"kind": "everyone"},
            headers={"Authorization": f"Bearer {token}"},
        )
    engine.dispose()
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]
