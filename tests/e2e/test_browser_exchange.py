"""A whole exchange driven in the browser: import, lists, review, agree, plan, hand over,
verify the ledger, and the public bulletin. Screenshots go to $HOMEWARD_SCREENSHOTS.

Chromium comes from Debian (/usr/bin/chromium); `playwright install` cannot download here.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, select

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.adapters.db import create_schema, make_engine
from homeward.adapters.tables_exchange import handovers, identity_links
from homeward.adapters.witness_http import make_server
from homeward.ledger.note import sign_note
from homeward.matching.engine import Matcher
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.match_model import train_workspace_model
from homeward.services.signing import ensure_mediator_key, load_mediator
from homeward.services.witnessing import add_witness
from homeward.settings import DEFAULT_LEDGER_ORIGIN, DEMO_PASSPHRASE
from homeward.web.testing import make_app, seed_review_pairs

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots of this run go to a scratch folder (the documented ones, with the demo's
# data, are made by scripts/screenshots.py): a test must not rewrite tracked files.
SHOTS = Path(os.environ.get("HOMEWARD_SCREENSHOTS", Path(tempfile.gettempdir()) / "homeward-shots"))
TERMS = """name = "Test exchange: 12 for 12"
total_per_side = 12
parity = "per_tranche_and_category"
priority_groups = ["seriously_ill"]
seriously_ill_outside_parity = false
reserve_size = 4

[eligibility.military]
require_acknowledged = true

[eligibility.civilian]
require_acknowledged = true

[[crossing_points]]
name = "test-crossing"
daily_capacity = 40

[[tranches]]
id = "day-1"
day = 2025-05-23
crossing = "test-crossing"
total = 6

[[tranches]]
id = "day-2"
day = 2025-05-24
crossing = "test-crossing"
total = 6
"""

# htmx has finished swapping and has bound the new content's forms.
SETTLED = "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Engine, dict[str, Path]]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    create_schema(engine)
    app, passwords = make_app(engine, tmp_path)
    paths = write_scenario(generate_scenario("small", 3), tmp_path / "scenario")
    bad = tmp_path / "scenario" / "ua_holdings_late.csv"
    bad.write_text(
        "record_id,surname,given_name,date_of_birth\n"
        "UA-H-LATE-1,Вигаданий,Петро,1990-02-31\n"
        "UA-H-LATE-2,,Олег,1988-01-01\n"
        "UA-H-LATE-3,Зразковий,Ярема,1979\n",
        encoding="utf-8",
    )
    paths["ua_late"] = bad
    paths["workspace"] = tmp_path
    # The parties' own cosigners, on their own "machines" (folders), serving on loopback.
    ensure_mediator_key(tmp_path / "keys", DEMO_PASSPHRASE)
    mediator_key = load_mediator(tmp_path / "keys", DEMO_PASSPHRASE).verifier
    witnesses = []
    for party in ("UA", "RU"):
        folder = tmp_path / "parties" / party
        signer = init_cosigner(folder, party, "synthetic cosigner passphrase")
        CosignerDir.open(folder).trust(DEFAULT_LEDGER_ORIGIN, mediator_key)
        witness = make_server(CosignerDir.open(folder), signer, "127.0.0.1", 0)
        witness.start_in_thread()
        witnesses.append(witness)
        add_witness(engine, party, witness.url, signer.verifier.text())
        paths[f"{party}_cosigner"] = folder
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # generous: a busy machine starts slowly
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", passwords, engine, paths
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for witness in witnesses:
            witness.shutdown()
            witness.server_close()
        engine.dispose()


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    assert path.stat().st_size < 300_000, f"{path.name} is {path.stat().st_size} bytes"


def _login(browser: object, base: str, user: str, password: str) -> object:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/dashboard")
    return page


def _import(page: object, base: str, party: str, kind: str, file: Path) -> str:
    page.goto(f"{base}/parties/{party}/registries")  # type: ignore[attr-defined]
    page.select_option("#import-form select[name=kind]", kind)  # type: ignore[attr-defined]
    page.set_input_files("#import-form input[name=file]", str(file))  # type: ignore[attr-defined]
    page.click("#import-form button.primary")  # type: ignore[attr-defined]
    done = page.wait_for_selector("#import-done, #import-status .error", timeout=120_000)  # type: ignore[attr-defined]
    return str(done.inner_text())


def test_a_whole_exchange_in_the_browser(site) -> None:
    base, passwords, engine, paths = site
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ua = _login(browser, base, "ua.officer", passwords["ua.officer"])
        ru = _login(browser, base, "ru.officer", passwords["ru.officer"])

        # Import: both registries of both sides, one file with bad rows, one wrong file.
        assert "imported 120" in _import(ua, base, "UA", "holdings", paths["ua_holdings"])
        assert "imported 400" in _import(ua, base, "UA", "sought", paths["ua_sought"])
        assert "quarantined 2" in _import(ua, base, "UA", "holdings", paths["ua_late"])
        assert "imported 260" in _import(ru, base, "RU", "holdings", paths["ru_holdings"])
        assert "imported 140" in _import(ru, base, "RU", "sought", paths["ru_sought"])
        wrong = paths["truth"].with_name("notes.txt")
        wrong.write_text("not a person file", encoding="utf-8")
        ua.goto(f"{base}/parties/UA/registries")
        ua.set_input_files("#import-form input[name=file]", str(wrong))
        ua.click("#import-form button.primary")
        ua.wait_for_selector("#import-status [data-field=file]")
        assert "only .csv, .xlsx, .json" in ua.inner_text("#import-status")
        ua.fill("#q", "Artym")
        ua.wait_for_selector("#persons >> text=«Artym»")
        _shot(ua, "01-registries")
        ua.goto(f"{base}/parties/UA/quarantine")
        assert "1990-02-31" in ua.content() or "date_of_birth" in ua.content()
        _shot(ua, "02-quarantine")
        ua.goto(f"{base}/parties/RU/registries")
        assert ua.locator("text=not shared").count() == 1  # the other side's registry

        # Lists: each side submits what it seeks and whom it acknowledges holding.
        for page in (ua, ru):
            for kind in ("sought", "holdings_ack"):
                page.goto(f"{base}/lists")
                page.select_option("select[name=kind]", kind)
                page.click("#submit-list")
                page.wait_for_selector("#notice")
        ua.goto(f"{base}/lists")
        _shot(ua, "03-lists")

        # The mediator trains the workspace's model once the lists are in (`homeward match
        # train`): the web app only loads it.
        train_workspace_model(engine, Matcher(paths["workspace"] / "match-model.json"))
        # Review: the mediator matches, then decides the doubtful pairs by keyboard.
        med = _login(browser, base, "med.coordinator", passwords["med.coordinator"])
        med.goto(f"{base}/review")
        med.click("#run-matching")
        med.wait_for_url(f"{base}/review?ran=*")
        # The matcher's own doubtful pairs come first: the mediator rejects them by key.
        med.goto(f"{base}/review")
        found = med.locator(".review-item").count()
        for left in range(found - 1, -1, -1):
            med.keyboard.press("r")
            med.wait_for_function(f"document.querySelectorAll('.review-item').length === {left}")
        assert seed_review_pairs(engine, 3) == 3
        med.goto(f"{base}/review")
        assert med.locator(".review-item").count() == 3
        _shot(med, "04-review")
        med.keyboard.press("a")
        med.wait_for_load_state()
        med.wait_for_function("document.querySelectorAll('.review-item').length === 2")
        med.keyboard.press("r")
        med.wait_for_function("document.querySelectorAll('.review-item').length === 1")
        med.keyboard.press("d")
        med.wait_for_function("document.querySelectorAll('.review-item').length === 0")
        with engine.connect() as conn:
            seeded = identity_links.c.probability == "0.550000"  # seed_review_pairs' pairs
            verdicts = conn.execute(select(identity_links.c.decision).where(seeded)).scalars()
            assert sorted(verdicts) == ["different_people", "match", "non_match"]

        # Agreement: terms with a typo first (field error, text kept), then right; three sign.
        med.goto(f"{base}/agreement")
        med.fill(
            "textarea[name=terms_toml]", TERMS.replace("total_per_side = 12", "total_per_sid = 12")
        )
        med.click("#propose")
        assert med.locator(".field-error").count() == 1
        assert "total_per_sid" in med.input_value("textarea[name=terms_toml]")
        med.fill("textarea[name=terms_toml]", TERMS)
        med.click("#propose")
        med.wait_for_selector("#sign")
        med.click("#sign")
        for page in (ua, ru):
            party = "UA" if page is ua else "RU"
            page.goto(f"{base}/agreement")
            # Offline, on the party's machine: `homeward cosigner sign --dir DIR terms.txt`.
            terms = page.request.get(f"{base}/agreement/1/terms.txt").text()
            signer = CosignerDir.open(paths[f"{party}_cosigner"]).note_signer(
                "synthetic cosigner passphrase"
            )
            page.fill("#signed-note", sign_note(terms, [signer]))
            page.click("#sign")
            page.wait_for_selector("#signed-" + ("UA" if page is ua else "RU") + " >> text=✔")
        med.goto(f"{base}/agreement")
        med.wait_for_selector("#eligibility table")
        _shot(med, "05-agreement")

        # Plan: the planner makes two tranches; manifests download as PDF and CSV.
        med.goto(f"{base}/plan")
        med.click("#make-plan")
        med.wait_for_selector("text=test-crossing")
        with med.expect_download() as download:
            med.click("a[href$='/manifest/UA.pdf'] >> nth=0")
        assert download.value.suggested_filename == "manifest-day1-UA.pdf"
        _shot(med, "06-plan")

        # Handover console: one person all the way by keyboard, one refusal rebalanced.
        verifier = _login(browser, base, "med.verifier", passwords["med.verifier"])
        with engine.connect() as conn:
            first = conn.execute(
                select(handovers.c.checkin_code, handovers.c.from_party).order_by(
                    handovers.c.tranche_id, handovers.c.position
                )
            ).all()
        codes = [code for code, _ in first]
        verifier.goto(f"{base}/handover")
        verifier.fill("#code", codes[0].lower())
        verifier.press("#code", "Enter")
        verifier.wait_for_selector("#next-step")
        for expected in ("checked_in", "identity_confirmed", "free_will_confirmed", "released"):
            if expected == "free_will_confirmed":
                verifier.fill("textarea[name=note]", "Wishes to go home; fit to travel.")
                verifier.evaluate("document.activeElement.blur()")
            verifier.wait_for_selector("#next-step")
            verifier.wait_for_function(SETTLED)
            verifier.keyboard.press("n")
            verifier.wait_for_selector(f"#state[data-state={expected}]")
        # Receipt is the receiving party's own act: its officer confirms it.
        receiving = "ua" if first[0][1] == "RU" else "ru"
        officer = _login(browser, base, f"{receiving}.officer", passwords[f"{receiving}.officer"])
        officer.goto(f"{base}/handover")
        officer.fill("#code", codes[0])
        officer.press("#code", "Enter")
        officer.wait_for_selector("#next-step")
        officer.click("#next-step")
        officer.wait_for_selector("#state[data-state=received]")
        _shot(officer, "07-handover-received")
        verifier.fill("#code", codes[1])
        verifier.press("#code", "Enter")
        verifier.wait_for_selector("#exception-kind")
        verifier.select_option("#exception-kind", "refuses_repatriation")
        verifier.fill("input[name=note]", "Declines to return; confirmed in private.")
        verifier.click("#record-exception")
        verifier.wait_for_selector(".accept-proposal")
        verifier.wait_for_function(SETTLED)
        _shot(verifier, "08-handover-exception")
        verifier.evaluate("document.activeElement.blur()")
        verifier.keyboard.press("y")
        verifier.wait_for_selector("text=Rebalanced")

        # Finish the day through the console's API, as a scanner at the desk would.
        token = verifier.request.post(
            f"{base}/api/v1/token",
            form={"username": "med.verifier", "password": passwords["med.verifier"]},
        ).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        officers = {}
        for party in ("ua", "ru"):
            token = verifier.request.post(
                f"{base}/api/v1/token",
                form={"username": f"{party}.officer", "password": passwords[f"{party}.officer"]},
            ).json()
            officers[party.upper()] = {"Authorization": f"Bearer {token['access_token']}"}
        with engine.connect() as conn:
            waiting = list(
                conn.execute(
                    select(handovers.c.id, handovers.c.state, handovers.c.from_party).where(
                        handovers.c.state.not_in(["received", "failed", "withdrawn"])
                    )
                )
            )
        steps = ["check_in", "confirm_identity", "confirm_free_will", "release", "receive"]
        order = ["planned", "checked_in", "identity_confirmed", "free_will_confirmed", "released"]
        for handover_id, state, from_party in waiting:
            for step in steps[order.index(state) :]:
                receiver = officers["UA" if from_party == "RU" else "RU"]
                r = verifier.request.post(
                    f"{base}/api/v1/handovers/{handover_id}/steps",
                    data={"step": step},
                    headers=receiver if step == "receive" else auth,
                )
                assert r.status == 200, r.text()

        # Ledger: checkpoint, verify, a proof.
        med.goto(f"{base}/ledger")
        med.click("#checkpoint")
        med.wait_for_selector("#published-checkpoint")
        med.wait_for_selector("#cosigners tr.cosigner")
        assert med.locator("#cosigners tr.cosigner").count() == 2
        med.click("#verify-button")
        med.wait_for_selector("#verify-ok")
        med.fill("#entry-index", "3")
        med.click("#show-entry")
        med.wait_for_selector("#proof-link")
        _shot(med, "09-ledger")

        # Dashboard and the public bulletin; the interface in Ukrainian.
        med.goto(f"{base}/dashboard")
        assert med.locator("svg.chart").count() == 4
        _shot(med, "10-dashboard")
        public = browser.new_context(viewport={"width": 1280, "height": 700}).new_page()
        public.goto(f"{base}/bulletin")
        assert "Test exchange" in public.content()
        assert "UA-" not in public.content()  # no record ids, no names
        _shot(public, "11-bulletin")
        ua.goto(f"{base}/dashboard")
        ua.select_option("select[name=language]", "uk")
        ua.wait_for_selector("html[lang=uk]")
        _shot(ua, "12-dashboard-uk")
        browser.close()
