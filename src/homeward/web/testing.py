"""Helpers for driving the app in-process (tests, the benchmark, the e2e drive)."""

from __future__ import annotations

import re
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.bootstrap import Workspace, workspace_on
from homeward.services.accounts import create_demo_users
from homeward.services.exchange import RecordLinks, record_identity_links
from homeward.settings import Settings
from homeward.web.app import create_app

# The tests are about access, not about the cost of guessing a password.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
TEST_SECRET = b"homeward-test-secret-not-for-production"


def cheap_workspace(engine: Engine, folder: Path) -> Workspace:
    """A workspace on ``engine`` (already migrated) in ``folder``, hashing passwords with
    cheap argon2 parameters."""
    settings = Settings(database_url=str(engine.url), workspace=folder)
    return workspace_on(settings, engine, hasher=CHEAP_HASHER)


def make_app(engine: Engine, workspace: Path) -> tuple[FastAPI, dict[str, str]]:
    """An app on ``engine`` with the demo accounts; returns it and username -> password."""
    app = create_app(cheap_workspace(engine, workspace), secret=TEST_SECRET)
    passwords = {
        username: password for _, username, password in create_demo_users(engine, CHEAP_HASHER)
    }
    return app, passwords


def csrf_of(html: str) -> str:
    found = CSRF_PATTERN.search(html)
    if found is None:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


def log_in(client: TestClient, username: str, password: str) -> str:
    """Log in through the form; return the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise AssertionError(f"login of {username} failed: {response.status_code}")
    return csrf_of(client.get("/dashboard").text)


def bearer(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/token", data={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def seed_review_pairs(engine: Engine, limit: int = 3) -> int:
    """Put up to ``limit`` doubtful pairs in the review queue, as a fuzzy matcher would:
    a sought person nobody matched, against the other side's held person with the same
    surname (read across scripts) who agrees on most fields. For tests and screenshots."""
    from collections import defaultdict

    from sqlalchemy import select

    from homeward.adapters.tables_exchange import identity_links
    from homeward.adapters.tables_registry import persons
    from homeward.services.events import MemoryEventSink
    from homeward.services.exchange import IdentityLink
    from homeward.web.search import skeleton

    fields = ("surname", "given_name", "patronymic", "date_of_birth", "sex", "rank")
    with engine.connect() as conn:
        linked = set(conn.execute(select(identity_links.c.sought_person_id)).scalars())
        rows = conn.execute(select(persons).order_by(persons.c.id)).all()
    held: dict[tuple[str, str], list[object]] = defaultdict(list)
    for r in rows:
        if r.kind == "holdings":
            held[(r.party, skeleton(r.surname))].append(r)

    def agreement(a: object, b: object) -> dict[str, str]:
        return {
            f: ("same" if (getattr(a, f) or "") == (getattr(b, f) or "") else "differ")
            for f in fields
            if getattr(a, f) or getattr(b, f)
        }

    links = []
    for sought in rows:
        if sought.kind != "sought" or sought.id in linked:
            continue
        other = "RU" if sought.party == "UA" else "UA"
        candidates = held.get((other, skeleton(sought.surname)), [])
        if not candidates:
            continue
        best = max(candidates, key=lambda h: list(agreement(sought, h).values()).count("same"))
        reasons = agreement(sought, best)
        if list(reasons.values()).count("same") < 2:
            continue
        links.append(IdentityLink(sought.id, best.id, 0.55, "review", reasons))  # type: ignore[attr-defined]
        if len(links) >= limit:
            break
    record_identity_links(RecordLinks(links), SqlUnitOfWork(engine, MemoryEventSink()))
    return len(links)
