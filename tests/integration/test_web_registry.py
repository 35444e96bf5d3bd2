"""Registry pages and API: uploads checked for type and size, nothing half-saved, search
across scripts, the quarantine, and what another party may not see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from homeward.adapters.tables_registry import import_batches, persons
from homeward.web.testing import bearer, csrf_of, log_in, make_app

GOOD = (
    "record_id,surname,given_name,patronymic,date_of_birth\n"
    "UA-H-1,Александров,Александр,Петрович,1990-01-02\n"
    "UA-H-2,Шевченко,Олександр,,1985\n"
    "UA-H-3,Тестов,Иван,,1990-02-31\n"
)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, engine


def _upload(
    client: TestClient, headers: dict[str, str], name: str, body: bytes, kind: str = "holdings"
):
    return client.post(f"/api/v1/parties/UA/{kind}", headers=headers, files={"file": (name, body)})


def test_an_upload_imports_good_rows_and_quarantines_bad_ones(site) -> None:
    client, passwords, _ = site
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    result = _upload(client, headers, "holdings.csv", GOOD.encode()).json()
    assert (result["imported"], result["quarantined"]) == (2, 1)
    quarantined = client.get("/api/v1/parties/UA/quarantine", headers=headers).json()
    assert [(q["line"], q["field"]) for q in quarantined] == [(4, "date_of_birth")]


def test_a_file_of_the_wrong_type_is_refused_with_a_reason_and_nothing_saved(site) -> None:
    client, passwords, engine = site
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    response = _upload(client, headers, "holdings.exe", b"MZ\x90\x00")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert "only .csv, .xlsx, .json" in response.json()["detail"][0]["msg"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(import_batches)).scalar_one() == 0


def test_a_file_too_large_is_refused(site) -> None:
    client, passwords, engine = site
    client.app.state.web.max_upload_bytes = 1024  # type: ignore[attr-defined]
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    response = _upload(client, headers, "holdings.csv", GOOD.encode() * 40)
    assert response.status_code == 422
    assert "larger than" in response.json()["detail"][0]["msg"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 0


def test_an_unreadable_file_is_refused_whole(site) -> None:
    client, passwords, engine = site
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    response = _upload(client, headers, "holdings.json", b"{not json")
    assert response.status_code == 422
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(import_batches)).scalar_one() == 0


def test_a_name_typed_in_latin_finds_it_written_in_cyrillic(site) -> None:
    client, passwords, _ = site
    headers = bearer(client, "ua.officer", passwords["ua.officer"])
    _upload(client, headers, "holdings.csv", GOOD.encode())
    found = client.get(
        "/api/v1/parties/UA/holdings", params={"q": "Oleksandr Shevchenko"}, headers=headers
    ).json()
    assert [p["record_id"] for p in found["items"]] == ["UA-H-2"]
    found = client.get(
        "/api/v1/parties/UA/holdings", params={"q": "Alexandrov"}, headers=headers
    ).json()
    assert [p["record_id"] for p in found["items"]] == ["UA-H-1"]


def test_a_viewer_cannot_import_and_the_other_side_cannot_even_see(site) -> None:
    client, passwords, _ = site
    viewer = bearer(client, "ua.viewer", passwords["ua.viewer"])
    assert _upload(client, viewer, "holdings.csv", GOOD.encode()).status_code == 403
    other = bearer(client, "ru.officer", passwords["ru.officer"])
    assert client.get("/api/v1/parties/UA/holdings", headers=other).status_code == 404
    assert client.get("/api/v1/parties/UA/quarantine", headers=other).status_code == 404


def test_the_import_form_shows_field_errors_and_keeps_the_choice(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    page = client.get("/parties/UA/registries")
    response = client.post(
        "/parties/UA/registries/import",
        data={"csrf_token": csrf_of(page.text), "kind": "sought"},
        files={"file": ("list.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 422
    assert "only .csv, .xlsx, .json" in response.text
    assert '<option value="sought" selected>' in response.text
