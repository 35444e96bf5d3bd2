"""Small defects a user meets at once: error pages with the right title and format, huge
numbers in addresses, an empty log, and the import result box."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.web.testing import csrf_of, log_in, make_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TITLE = re.compile(r"<title>(.*?) · homeward</title>", re.S)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Engine]]:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, engine


def _title(html: str) -> str:
    found = TITLE.search(html)
    assert found, html[:300]
    return found.group(1).strip()


def test_a_huge_offset_in_the_registry_search_is_a_422_page_not_a_500(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    answer = client.get("/parties/UA/registries/search?offset=99999999999999999999", headers=HTML)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert _title(answer.text) == "Check what you entered"
    assert "not valid" in answer.text


def test_a_missing_page_is_titled_not_found_in_each_language(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    answer = client.get("/parties/UA/imports/no-such-job", headers=HTML)
    assert answer.status_code == 404
    assert _title(answer.text) == "Not found"
    assert "Not allowed" not in answer.text
    csrf = csrf_of(client.get("/dashboard").text)
    client.post("/language", data={"language": "uk", "csrf_token": csrf, "back": "/"})
    answer = client.get("/parties/UA/imports/no-such-job", headers=HTML)
    assert _title(answer.text) == "Не знайдено"
    assert "Такого імпорту немає." in answer.text


def test_a_refusal_is_still_titled_not_allowed(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.viewer", passwords["ua.viewer"])
    answer = client.get("/admin/accounts", headers=HTML)
    assert answer.status_code == 403
    assert _title(answer.text) == "Not allowed"


def test_a_ledger_entry_that_is_not_a_number_answers_a_page_to_a_browser_and_json_to_scripts(
    site,
) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    page = client.get("/ledger/entries/abc", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert _title(page.text) == "Not found"
    script = client.get("/ledger/entries/abc", headers={"Accept": "application/json"})
    assert script.status_code == 422
    assert script.json()["detail"][0]["loc"] == ["path", "index"]


def test_verifying_a_log_without_a_checkpoint_says_there_is_nothing_to_verify_yet(site) -> None:
    client, passwords, _ = site
    log_in(client, "ua.officer", passwords["ua.officer"])
    answer = client.get("/ledger/verify")
    assert answer.status_code == 200
    assert 'id="verify-nothing"' in answer.text
    assert "every checkpoint matches" not in answer.text


def test_a_checkpoint_of_an_empty_ledger_is_refused_with_a_reason_not_a_500(site) -> None:
    client, passwords, _ = site
    csrf = log_in(client, "med.coordinator", passwords["med.coordinator"])
    answer = client.post("/ledger/checkpoint", data={"csrf_token": csrf}, headers=HTML)
    assert answer.status_code == 409
    assert "nothing to checkpoint yet" in answer.text


def _import(client: TestClient, csrf: str, body: str) -> str:
    started = client.post(
        "/parties/UA/registries/import",
        data={"csrf_token": csrf, "kind": "holdings"},
        files={"file": ("holdings.csv", body.encode())},
        headers={"HX-Request": "true"},
    )
    assert started.status_code == 202, started.text
    poll = re.search(r'hx-get="(/parties/UA/imports/[^"]+)"', started.text)
    assert poll
    for _ in range(2400):  # up to two minutes on a busy machine; done sooner
        status = client.get(poll.group(1), headers={"HX-Request": "true"})
        if 'id="import-done"' in status.text:
            return status.text
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_the_import_result_is_amber_with_quarantined_rows_and_brings_the_counters_along(
    site,
) -> None:
    client, passwords, _ = site
    csrf = log_in(client, "ua.officer", passwords["ua.officer"])
    clean = _import(
        client,
        csrf,
        "record_id,surname,given_name,date_of_birth\nUA-1,Тестенко,Іван,1990-01-02\n",
    )
    assert re.search(r'<p class="notice" id="import-done"', clean)
    damaged = _import(
        client,
        csrf,
        "record_id,surname,given_name,date_of_birth\n"
        "UA-2,Тестенко,Петро,1991-01-02\nUA-3,Тестенко,Олег,1990-02-31\n",
    )
    assert re.search(r'<p class="warning" id="import-done"', damaged)
    counts = re.search(
        r'<div class="grid" id="registry-counts" hx-swap-oob="true">(.*?)</div>\s*$',
        damaged,
        re.S | re.M,
    )
    assert counts, damaged
    figures = re.findall(r'<div class="figure">(\d+)</div>', damaged)
    assert figures[:3] == ["2", "0", "1"]  # held, sought, quarantined: no refresh needed
    assert 'id="recent-imports" hx-swap-oob="true"' in damaged
