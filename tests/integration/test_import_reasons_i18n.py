"""Why a row or a file was refused, in the reader's language: every reason template is in
the Ukrainian and Russian catalogues, and the quarantine page shows it translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.personfile_errors import FILE_MESSAGES
from homeward.domain.validation import MESSAGES
from homeward.web.i18n import load_catalogue
from homeward.web.reasons import FIELD_LABELS
from homeward.web.testing import bearer, log_in, make_app


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_import_reason_and_field_label_is_translated(language: str) -> None:
    catalogue = load_catalogue(language)
    wanted = {*MESSAGES, *FILE_MESSAGES, *FIELD_LABELS.values()}
    missing = sorted(m for m in wanted if m not in catalogue)
    assert not missing, missing
    untranslated = sorted(m for m in wanted if catalogue[m] == m and "%" in m)
    assert not untranslated


def test_the_quarantine_page_gives_the_reason_in_ukrainian(engine: Engine, tmp_path: Path) -> None:
    app, passwords = make_app(engine, tmp_path)
    body = "record_id,surname,given_name,status\nQ-1,Тестенко,Іван,у розшуку\nQ-2,,Ганна,\n"
    with TestClient(app) as client:
        headers = bearer(client, "ua.officer", passwords["ua.officer"])
        response = client.post(
            "/api/v1/parties/UA/holdings",
            headers=headers,
            files={"file": ("список.csv", body.encode())},
        )
        assert response.json()["quarantined"] == 2
        csrf = log_in(client, "ua.officer", passwords["ua.officer"])
        client.post("/language", data={"language": "uk", "csrf_token": csrf})
        page = client.get("/parties/UA/quarantine").text
    assert "правовий статус" in page
    assert "значення, якого homeward тут не розпізнає" in page
    assert "обов&#39;язкове поле порожнє" in page or "обов'язкове поле порожнє" in page
    assert "is not a value homeward reads" not in page
