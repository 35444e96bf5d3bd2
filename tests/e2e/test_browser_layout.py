"""Pages keep their tables inside their cards in Ukrainian and Russian at a laptop's width
(1366 px), where the words are longer than in English."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from homeward.adapters.db import create_schema, make_engine
from homeward.web import routes_public
from homeward.web.testing import make_app

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("HOMEWARD_SCREENSHOTS", "/tmp/homeward-screenshots"))
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")


def _day(day: int, date: str, military: int, civilian: int) -> dict[str, Any]:
    cell = {"military": military, "civilian": civilian, "total": military + civilian}
    return {"day": day, "date": date, "returned_home": {"UA": cell, "RU": dict(cell)}}


BULLETIN = {
    "exchange": "Istanbul 2025: 1000 for 1000",
    "days": [
        _day(1, "2025-05-23", 270, 120),
        _day(2, "2025-05-24", 307, 0),
        _day(3, "2025-05-25", 303, 0),
    ],
    "totals": {"UA": {"total": 1000}, "RU": {"total": 1000}},
}


PASSWORDS: dict[str, str] = {}


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    create_schema(engine)
    app, passwords = make_app(engine, tmp_path)
    PASSWORDS.update(passwords)
    monkeypatch.setattr(routes_public, "bulletin_data", lambda _engine: BULLETIN)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # generous: a busy machine starts slowly
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.mark.parametrize("language", ["uk", "ru", "en"])
def test_the_bulletin_table_stays_inside_its_card_at_1366_px(base: str, language: str) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(
                viewport={"width": 1366, "height": 768},
                extra_http_headers={"Accept-Language": language},
            )
            page = context.new_page()
            page.goto(f"{base}/bulletin")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"bulletin-1366-{language}.png"), full_page=True)
            card, table = page.evaluate(
                """() => {
                    const card = document.querySelector('article.bulletin');
                    const table = card.querySelector('table');
                    const c = card.getBoundingClientRect(), t = table.getBoundingClientRect();
                    return [[c.left, c.right], [t.left, t.right]];
                }"""
            )
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth"
            )
        finally:
            browser.close()
    assert table[0] >= card[0]
    assert table[1] <= card[1], f"{language}: table ends at {table[1]}, card at {card[1]}"
    assert not overflow


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_the_accounts_page_fits_a_laptop_screen_in_ukrainian_and_russian(
    base: str, language: str
) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(
                viewport={"width": 1366, "height": 768},
                extra_http_headers={"Accept-Language": language},
            )
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORDS["admin"])
            page.click("button.primary")
            page.wait_for_url(f"{base}/dashboard")
            page.goto(f"{base}/admin/accounts")
            with page.expect_navigation():
                page.select_option("header select[name=language]", language)
            heading = page.inner_text("h1")
            page.screenshot(path=str(SHOTS / f"accounts-1366-{language}.png"), full_page=True)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth"
            )
            rows = page.locator("#accounts tr").count()
        finally:
            browser.close()
    assert heading == {"uk": "Облікові записи", "ru": "Учётные записи"}[language]
    assert rows == 1 + 7  # the heading and the seven demo accounts
    assert not overflow
