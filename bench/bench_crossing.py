"""Crossing benchmark: a network outage replayed, and a person taken through release by keys.

1. Outage: 300 steps taken offline on one device (75 people, check-in to release) and 50
   conflicting ones on a second device, replayed through the crossing service (the code
   behind POST /api/v1/handovers/queue), then resent: counts lost, applied twice and
   conflicts shown.
2. Keys only: a scripted Chromium run (Debian's /usr/bin/chromium) takes people from
   check-in to release at the console with the keyboard; the median time per person is
   the software's share of the operator's time.

SQLite in a temporary folder; the small scenario (100 for 100 in one tranche).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import machine_line, write_section
from sqlalchemy import Engine, func, select

from homeward.adapters.db import create_schema, make_engine
from homeward.adapters.tables_exchange import handovers, queued_steps
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.access import MemoryAccessLog, Principal, Role
from homeward.services.agreement import propose_terms
from homeward.services.crossing import Desk, QueuedStep, apply_queued
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.handover import Step
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file

TERMS = """name = "Bench: 100 for 100"
total_per_side = 100
parity = "per_tranche"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = 5
[eligibility.military]
require_acknowledged = true
[eligibility.civilian]
require_acknowledged = true
[[crossing_points]]
name = "bench-crossing"
daily_capacity = 200
[[tranches]]
id = "day-1"
day = 2025-05-23
crossing = "bench-crossing"
total = 100
"""
WALK = [
    (Step.CHECK_IN, "planned"),
    (Step.CONFIRM_IDENTITY, "checked_in"),
    (Step.CONFIRM_FREE_WILL, "identity_confirmed"),
    (Step.RELEASE, "free_will_confirmed"),
]
VERIFIER = Principal(1, "med.verifier", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)


def build(folder: Path) -> Engine:
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    create_schema(engine)
    events = MemoryEventSink()
    paths = write_scenario(generate_scenario("small", 7), folder / "scenario")
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
    return engine


def outage(engine: Engine) -> dict[str, float]:
    events = MemoryEventSink()
    desk = Desk(engine, events, MemoryAccessLog())
    with engine.connect() as conn:
        ids = list(conn.execute(select(handovers.c.id).order_by(handovers.c.id)).scalars())
    people = ids[:75]
    device_a = [
        QueuedStep(str(uuid.uuid4()), "device-a", n, hid, step, seen)
        for n, (hid, (step, seen)) in enumerate(((h, w) for h in people for w in WALK), 1)
    ]
    device_b = [
        QueuedStep(str(uuid.uuid4()), "device-b", n, hid, Step.CHECK_IN, "planned")
        for n, hid in enumerate(people[:50], 1)
    ]
    started = time.perf_counter()
    first = apply_queued(desk, VERIFIER, device_a) + apply_queued(desk, VERIFIER, device_b)
    seconds = time.perf_counter() - started
    again = apply_queued(desk, VERIFIER, device_a + device_b)  # the link dropped: resent
    with engine.connect() as conn:
        recorded = conn.execute(select(func.count()).select_from(queued_steps)).scalar_one()
        released = conn.execute(
            select(func.count()).where(handovers.c.id.in_(people), handovers.c.state == "released")
        ).scalar_one()
    kinds = [(k, p["handover"]) for k, p in events.events]
    return {
        "sent": len(device_a) + len(device_b),
        "recorded": recorded,
        "lost": len(device_a) + len(device_b) - recorded,
        "applied": sum(o.outcome == "applied" for o in first),
        "applied_twice": len(kinds) - len(set(kinds)),
        "conflicts": sum(o.outcome == "conflict" for o in first),
        "resent_duplicates": sum(o.outcome == "duplicate" for o in again),
        "released": released,
        "seconds": seconds,
    }


def keys_only(engine: Engine, folder: Path, people: int) -> float:
    """Median seconds per person, check-in to release, keyboard only, in Chromium."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from homeward.web.testing import make_app

    app, passwords = make_app(engine, folder)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with engine.connect() as conn:
        codes = list(
            conn.execute(
                select(handovers.c.checkin_code)
                .where(handovers.c.state == "planned")
                .order_by(handovers.c.id)
                .limit(people)
            ).scalars()
        )
    settled = "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
    times = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "med.verifier")
            page.fill("input[name=password]", passwords["med.verifier"])
            page.click("button.primary")
            page.wait_for_url(f"{base}/dashboard")
            page.goto(f"{base}/handover")
            for code in codes:
                started = time.perf_counter()
                page.fill("#code", code)  # as a scanner types it
                page.press("#code", "Enter")
                page.wait_for_selector("#state[data-state=planned]")
                for expected in ("checked_in", "identity_confirmed", "free_will_confirmed"):
                    page.wait_for_function(settled)
                    page.evaluate("document.activeElement.blur()")
                    page.keyboard.press("n")
                    page.wait_for_selector(f"#state[data-state={expected}]")
                page.wait_for_function(settled)
                page.evaluate("document.activeElement.blur()")
                page.keyboard.press("n")
                page.wait_for_selector("#state[data-state=released]")
                times.append(time.perf_counter() - started)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20, help="people taken through by keys")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = build(Path(folder))
        o = outage(engine)
        print(
            f"outage: {o['sent']} steps sent, {o['lost']} lost, {o['applied']} applied, "
            f"{o['applied_twice']} applied twice, {o['conflicts']} conflicts shown, "
            f"resent: {o['resent_duplicates']} duplicates, in {o['seconds']:.2f} s"
        )
        median = keys_only(engine, Path(folder), args.people)
        print(f"keys only: median {median:.2f} s per person, check-in to release")
        engine.dispose()
    if args.no_write:
        return
    outage_row = (
        "| outage: 300 steps offline on one device, 50 conflicting on a second, replayed and "
        "resent | 0 lost, 0 applied twice, every conflict shown | "
        f"{o['lost']} lost, {o['applied_twice']} applied twice, {o['conflicts']} of 50 "
        f"conflicts answered, {o['resent_duplicates']} of {o['sent']} resent steps answered "
        f"as duplicates ({o['seconds']:.2f} s to replay) |"
    )
    keys_row = (
        "| a person from check-in to release by keys at the console (Chromium, median of "
        f"{args.people}) | the software's share of <= 45 s | {median:.2f} s |"
    )
    rows = f"{outage_row}\n{keys_row}"
    body = f"""
`python bench/bench_crossing.py --people {args.people}`, {machine_line()}; SQLite.

| Measurement | Target | Figure |
|-------------|--------|--------|
{rows}
"""
    write_section("Crossing", body)


if __name__ == "__main__":
    main()
