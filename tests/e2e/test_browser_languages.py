"""Every page in Ukrainian and Russian, as each role sees it, holds no English sentence.

The demo's workspace (a whole exchange: registries, lists, review, agreement, plan, handovers,
ledger) is served on loopback; each role logs in with a Ukrainian or Russian browser and
walks every GET page of the app's router, path parameters filled from the workspace. The
visible text (body, title, placeholders, labels, button values) may hold Latin-script words
only from a short allow-list of names and codes.

Chromium comes from Debian (/usr/bin/chromium); `playwright install` cannot download here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select
from test_browser_exchange import CHROMIUM, CHROMIUM_ARGS, _free_port

from homeward.adapters.db import make_engine
from homeward.adapters.personfile import ENCODINGS
from homeward.adapters.tables_exchange import agreements, handovers, tranches
from homeward.adapters.tables_ledger import ledger_entries
from homeward.adapters.tables_registry import import_batches, persons, quarantine
from homeward.cli import main
from homeward.settings import DEFAULT_LEDGER_ORIGIN
from homeward.web.app import create_app
from homeward.web.testing import TEST_SECRET, cheap_workspace

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}"),
]

ROOT = Path(__file__).resolve().parents[2]


def _screenshots_script() -> Any:
    """scripts/screenshots.py, for its reader of the demo's login file."""
    spec = importlib.util.spec_from_file_location(
        "screenshots", ROOT / "scripts" / "screenshots.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Latin-script words a Ukrainian or Russian page may show, each a name or a code:
ALLOWED = {
    "homeward",  # the product's name
    "UA",  # the parties' and the mediator's codes
    "RU",
    "MED",
    "QR",  # formats and protocols, written so in Ukrainian and Russian too
    "CSV",
    "XLSX",
    "JSON",
    "PDF",
    "API",
    "TXT",
    "HTML",
    "SHA",
    "htmx",
    "RFC",  # the transparency log's standards, named by their codes
    "C2SP",
    "Ed25519",
    "TOML",  # the terms file's format
    "UTC",  # the time zone of the access log
    "English",  # the language picker names each language in itself
    "Enter",  # written on the key the console's hint names
    "Oleksandr",  # the search box's example of a name written in Latin
    *ENCODINGS,  # names of text encodings a registry may be saved in (utf-8, koi8-u, ...)
}
# Login names of the demo's accounts (ua.officer, med.coordinator, admin) are names.
USERNAME = re.compile(r"^(ua|ru|med)\.[a-z]+$|^admin$|^mediator-demo$")
# Codes: upper-case letters with digits (record ids UA-H-000123, check-in codes ABC234).
CODE = re.compile(r"^(?=.*[0-9])[A-Z0-9:_-]+$")
# The names of imported files (ua_holdings.csv).
FILE_NAME = re.compile(r"^[\w.-]+\.(csv|xlsx|json|txt|pdf)$")
TOKEN = re.compile(r"[A-Za-z0-9_.:/@+=-]+")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Opaque codes: hexadecimal hashes, and base64 keys and signatures (digits and both cases).
HEX = re.compile(r"^[0-9a-fA-F]{16,}$")
BASE64 = re.compile(r"^(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9+/=_-]{16,}$")

VISIBLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
    for (const name of ['title', 'placeholder', 'aria-label']) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) {
    if (el.value) parts.push(el.value);
  }
  let text = parts.join('\\n');
  // Log entries, proofs and keys are shown as code, exactly as signed: not words.
  for (const el of document.querySelectorAll('pre, code')) {
    if (el.innerText) text = text.split(el.innerText).join(' ');
  }
  return text;
}"""


def english_words(text: str, data: frozenset[str] = frozenset()) -> list[str]:
    """The Latin-script words of ``text`` that are not names or codes; ``data`` holds the
    words of the registries' own values (names written in Latin, places of internment)."""
    found = []
    for token in TOKEN.findall(text):
        token = token.strip(".:,;/-+=")
        if not token or token in ALLOWED or token in data or USERNAME.match(token):
            continue
        if HEX.match(token) or BASE64.match(token) or CODE.match(token) or FILE_NAME.match(token):
            continue
        if token == DEFAULT_LEDGER_ORIGIN or token.startswith(("http://", "https://")):
            continue
        for word in LATIN_WORD.findall(token):
            if word not in ALLOWED and word not in data:
                found.append(token)
                break
    return found


def test_the_checker_flags_english_words_and_passes_names_and_codes() -> None:
    assert english_words("Завантажити CSV · UA-H-000123 · homeward · ua.officer") == []
    assert english_words("Список (submitted-holdings_ack-v2)") == ["submitted-holdings_ack-v2"]
    assert english_words("Транш day-1 на ua-by-border") == ["day-1", "ua-by-border"]
    assert english_words("viewers cannot change data") == ["viewers", "cannot", "change", "data"]
    assert english_words("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c") == []


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("languages")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    runner = CliRunner(env={**env, "HOMEWARD_DATABASE_URL": f"sqlite:///{out / 'homeward.db'}"})
    result = runner.invoke(main, ["demo", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # A registry with damaged rows, so that the quarantine has reasons to show.
    bad = out / "ua_holdings_late.csv"
    bad.write_text(
        "record_id,surname,given_name,date_of_birth,sex\n"
        "UA-H-LATE-1,Вигаданий,Петро,1990-02-31,ч\n"
        "UA-H-LATE-2,,Олег,1988-01-01,ч\n"
        "UA-H-LATE-3,Зразковий,Ярема,1979,x\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["import", "--party", "UA", "--kind", "holdings", str(bad)])
    assert result.exit_code in (0, 1), result.output
    return out


@pytest.fixture(scope="module")
def site(workspace: Path) -> Iterator[tuple[str, Any, Engine]]:
    engine = make_engine(f"sqlite:///{workspace / 'homeward.db'}")
    app = create_app(cheap_workspace(engine, workspace), secret=TEST_SECRET)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # generous: a busy machine starts slowly
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app, engine
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def page_paths(app: Any, engine: Engine, party: str) -> list[str]:
    """Every GET page of the router (not the API, assets or downloads), parameters filled."""
    with engine.connect() as conn:
        agreement_id = conn.execute(select(agreements.c.id).limit(1)).scalar()
        tranche_id = conn.execute(select(tranches.c.id).limit(1)).scalar()
        entry = conn.execute(select(ledger_entries.c.idx).limit(1)).scalar() or 0
        batch = conn.execute(select(import_batches.c.id).limit(1)).scalar() or 1
        assert conn.execute(select(quarantine.c.id).limit(1)).scalar() is not None
        codes = {
            state: conn.execute(
                select(handovers.c.checkin_code).where(handovers.c.state == state).limit(1)
            ).scalar()
            for state in ("received", "planned")
        }
    values = {
        "party": party,
        "agreement_id": agreement_id,
        "tranche_id": tranche_id,
        "index": entry,
        "job_id": batch,
    }
    paths = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        path = route.path
        if path.startswith(("/api/", "/static", "/docs", "/redoc", "/openapi")):
            continue
        if re.search(r"\.(json|txt|js|\{fmt\})$", path) or path.endswith(".{fmt}"):
            continue
        for name in re.findall(r"\{(\w+)\}", path):
            path = path.replace("{" + name + "}", str(values[name]))
        paths.append(path)
    # States a page reaches only with a query: a notice, a search, a card, a difference.
    paths += [
        "/lists?notice=submitted-holdings_ack-v2",
        f"/lists/diff?party={party}&kind=sought&recipient={party}&old=1&new=2",
        f"/parties/{party}/registries/search?q=Олександр",
        *(f"/handover/card?code={code}" for code in codes.values() if code),
        "/handover/card?code=NOSUCH1",
    ]
    return sorted(set(paths))


def data_words(engine: Engine) -> frozenset[str]:
    """Every word of the people's own values: what a registry holds is data, not interface."""
    columns = (persons.c.surname, persons.c.given_name, persons.c.patronymic, persons.c.held_at)
    words: set[str] = set()
    with engine.connect() as conn:
        for row in conn.execute(select(*columns)):
            for value in row:
                words.update(LATIN_WORD.findall(value or ""))
    return frozenset(words)


ROLES = ("ua.officer", "ua.viewer", "ru.officer", "med.coordinator", "med.verifier", "admin")


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_page_reads_in_the_users_language_for_every_role(site, workspace, language) -> None:
    base, app, engine = site
    passwords = _screenshots_script().logins(workspace)
    data = data_words(engine)
    english: dict[str, list[str]] = {}
    slow: list[str] = []
    broken: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for user in (None, *ROLES):
            context = browser.new_context(
                viewport={"width": 1280, "height": 860},
                locale=f"{language}-{'UA' if language == 'uk' else 'RU'}",
            )
            page = context.new_page()
            paths = ["/bulletin", "/login"]
            if user is not None:
                page.goto(f"{base}/login")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", passwords[user])
                page.click("button.primary")
                page.wait_for_url(f"{base}/dashboard")
                if page.get_attribute("html", "lang") != language:  # chosen before: choose again
                    page.select_option("select[name=language]", language)
                    page.wait_for_selector(f"html[lang={language}]")
                party = "RU" if user.startswith("ru") else "UA"
                paths = page_paths(app, engine, party)
            for path in paths:
                try:
                    response = page.goto(f"{base}{path}", timeout=120_000)
                except playwright_api.TimeoutError:
                    slow.append(f"{user} {path}")
                    continue
                assert response is not None, path
                if response.status >= 500:
                    broken.append(f"{user} {path} {response.status}")
                if "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                assert page.get_attribute("html", "lang") in (language, None), (user, path)
                page.wait_for_load_state("networkidle")
                words = english_words(page.evaluate(VISIBLE_TEXT), data)
                if words:
                    english[f"{user} {path}"] = sorted(set(words))
            context.close()
        browser.close()
    assert not english, "\n".join(f"{where}: {' '.join(w)}" for where, w in english.items())
    assert not broken, f"pages that failed: {broken}"
    assert not slow, f"pages that did not load in two minutes: {slow}"
