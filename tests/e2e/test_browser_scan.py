"""At the desk on a phone: the camera scans a person's QR code from the manifest and the
verifier takes them through release with taps, at 390 px; the receiving officer confirms.

Chromium's fake camera plays a Y4M video made from the QR code the manifest prints
(``--use-file-for-fake-video-capture``), so the console's own scanning code decodes it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
import uvicorn
from sqlalchemy import Engine, select

from homeward.adapters.db import create_schema, make_engine
from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.manifest import qr_payload
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.agreement import propose_terms
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import manifest, plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import make_app

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")
PHONE = {"width": 390, "height": 844}
TERMS = """name = "Test: 4 for 4"
total_per_side = 4
parity = "per_tranche_and_category"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = 1
[eligibility.military]
require_acknowledged = true
[eligibility.civilian]
require_acknowledged = true
[[crossing_points]]
name = "test-crossing"
daily_capacity = 10
[[tranches]]
id = "day-1"
day = 2025-05-23
crossing = "test-crossing"
total = 4
"""
SETTLED = "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"
# Nothing on the card is wider than the card, and the card fits the screen.
FITS = """() => {
  const card = document.querySelector('.handover-card');
  const box = card.getBoundingClientRect();
  if (box.right > window.innerWidth + 0.5) return false;
  return [...card.querySelectorAll('dd, button, select, input, h2')]
    .every(e => e.getBoundingClientRect().right <= box.right + 0.5);
}"""


def write_y4m(path: Path, payload: str, width: int = 640, height: int = 480) -> None:
    """A few frames of a white picture with the QR code in the middle (YUV 4:2:0)."""
    qr = segno.make(payload, error="m", micro=False)
    rows = [list(r) for r in qr.matrix_iter(scale=1, border=4)]
    scale = min(width, height) * 4 // 5 // len(rows)
    side = scale * len(rows)
    top, left = (height - side) // 2, (width - side) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * width + left + x * scale
                    luma[start : start + scale] = b"\x10" * scale
    chroma = b"\x80" * (width * height // 4)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Engine]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    create_schema(engine)
    app, passwords = make_app(engine, tmp_path)
    events = MemoryEventSink()
    paths = write_scenario(generate_scenario("small", 5), tmp_path / "scenario")
    for key in ("ua_holdings", "ru_holdings", "ua_sought", "ru_sought"):
        party, kind = key.split("_")
        import_person_file(
            ImportPersonFile(Side(party.upper()), RegistryKind(kind), paths[key]),
            SqlUnitOfWork(engine),
        )
    for side in (Side.UA, Side.RU):
        submit_registry(SubmitRegistry(side, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events))
    agreement = propose_terms(engine, events, parse_terms_toml(TERMS))
    for side in Side:
        sign_agreement(SignAgreement(agreement, side), SqlUnitOfWork(engine, events))
    plan_agreement(engine, events, agreement)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # generous: a busy machine starts slowly
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", passwords, engine
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _login(browser: object, base: str, user: str, password: str) -> object:
    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)  # type: ignore[attr-defined]
    context.grant_permissions(["camera"], origin=base)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/dashboard")
    return page


def test_a_scanned_manifest_qr_takes_a_person_through_release_on_a_390px_phone(
    site: tuple[str, dict[str, str], Engine], tmp_path: Path
) -> None:
    base, passwords, engine = site
    with engine.connect() as conn:
        tranche_id = conn.execute(select(tranches.c.id)).scalar_one()
    rows, header = manifest(engine, tranche_id, Side.RU)
    person = rows[0]
    payload = qr_payload(header, person)
    assert payload.startswith("HW1:")
    assert payload.endswith(person.code)
    video = tmp_path / "qr.y4m"
    write_y4m(video, payload)
    with engine.connect() as conn:
        handover_id = conn.execute(
            select(handovers.c.id).where(handovers.c.checkin_code == person.code)
        ).scalar_one()

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = _login(browser, base, "med.verifier", passwords["med.verifier"])
        page.goto(f"{base}/handover")
        page.click("#scan")
        page.wait_for_selector(f"#handover-{handover_id}", timeout=120_000)
        assert page.input_value("#code") == payload
        assert page.evaluate(FITS), "the card spills out of a 390 px screen"
        for expected in ("checked_in", "identity_confirmed", "free_will_confirmed", "released"):
            page.wait_for_function(SETTLED)
            page.tap("#next-step")
            page.wait_for_selector(f"#state[data-state={expected}]")
            assert page.evaluate(FITS), f"the card spills out at {expected}"
        # The verifier cannot confirm receipt: no button for it.
        page.wait_for_function(SETTLED)
        assert page.locator("#next-step").count() == 0

        officer = _login(browser, base, "ua.officer", passwords["ua.officer"])
        officer.goto(f"{base}/handover")
        officer.fill("#code", payload)
        officer.press("#code", "Enter")
        officer.wait_for_selector("#next-step")
        assert officer.evaluate(FITS)
        officer.tap("#next-step")
        officer.wait_for_selector("#state[data-state=received]")
        browser.close()


def test_steps_taken_offline_wait_survive_a_reload_and_replay_once_with_conflicts_shown(
    site: tuple[str, dict[str, str], Engine],
) -> None:
    from homeward.adapters.tables_exchange import queued_steps

    base, passwords, engine = site
    with engine.connect() as conn:
        (first_id, first), (second_id, second) = conn.execute(
            select(handovers.c.id, handovers.c.checkin_code).order_by(handovers.c.id).limit(2)
        ).all()
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = _login(browser, base, "med.verifier", passwords["med.verifier"])
        context = page.context  # type: ignore[attr-defined]
        page.goto(f"{base}/handover")
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")

        # The link drops with a person on screen: two steps are kept on the device.
        page.fill("#code", first)
        page.press("#code", "Enter")
        page.wait_for_selector(f"#handover-{first_id}")
        page.wait_for_function(SETTLED)
        context.set_offline(True)
        page.tap("#next-step")
        page.wait_for_selector("#outbox li.waiting")
        page.tap("#next-step")
        page.wait_for_function("document.querySelectorAll('#outbox li.waiting').length === 2")
        # Still offline, the console reloads from the service worker with its queue.
        page.reload()
        page.wait_for_function("document.querySelectorAll('#outbox li.waiting').length === 2")
        with engine.connect() as conn:
            state = conn.execute(select(handovers.c.state).where(handovers.c.id == first_id))
            assert state.scalar_one() == "planned"  # nothing reached the server
        context.set_offline(False)
        page.wait_for_function("document.querySelectorAll('#outbox li').length === 0")
        with engine.connect() as conn:
            state = conn.execute(select(handovers.c.state).where(handovers.c.id == first_id))
            assert state.scalar_one() == "identity_confirmed"

        # A step kept offline while another device took it: a conflict, never applied twice.
        page.fill("#code", second)
        page.press("#code", "Enter")
        page.wait_for_selector(f"#handover-{second_id}")
        page.wait_for_function(SETTLED)
        context.set_offline(True)
        page.tap("#next-step")
        page.wait_for_selector("#outbox li.waiting")
        other = _login(browser, base, "med.verifier", passwords["med.verifier"])
        other.goto(f"{base}/handover")
        other.fill("#code", second)
        other.press("#code", "Enter")
        other.wait_for_selector("#next-step")
        other.tap("#next-step")
        other.wait_for_selector("#state[data-state=checked_in]")
        context.set_offline(False)
        page.wait_for_selector("#outbox li.conflict")
        assert "checked_in" in page.inner_text("#outbox li.conflict")
        page.click("#outbox li.conflict button")
        page.wait_for_function("document.querySelectorAll('#outbox li').length === 0")
        browser.close()
    with engine.connect() as conn:
        outcomes = conn.execute(
            select(queued_steps.c.handover_id, queued_steps.c.outcome).order_by(queued_steps.c.seq)
        ).all()
        state = conn.execute(select(handovers.c.state).where(handovers.c.id == second_id))
        assert state.scalar_one() == "checked_in"
    assert [tuple(o) for o in outcomes] == [
        (first_id, "applied"),
        (first_id, "applied"),
        (second_id, "conflict"),
    ]


@pytest.mark.parametrize("width", [360, 414])
def test_the_card_and_its_actions_fit_a_phone(
    site: tuple[str, dict[str, str], Engine], width: int
) -> None:
    base, passwords, engine = site
    with engine.connect() as conn:
        code = (
            conn.execute(select(handovers.c.checkin_code).order_by(handovers.c.id))
            .scalars()
            .first()
        )
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": width, "height": 800}, has_touch=True)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "med.verifier")
        page.fill("input[name=password]", passwords["med.verifier"])
        page.click("button.primary")
        page.wait_for_url(f"{base}/dashboard")
        page.goto(f"{base}/handover")
        page.fill("#code", code or "")
        page.press("#code", "Enter")
        page.wait_for_selector("#record-exception")
        assert page.evaluate(FITS)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert not page.is_visible(".key-hint")
        browser.close()
