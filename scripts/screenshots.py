"""Screenshots of every page, with the demo's data, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--workspace demo]

Builds the demo workspace if it is missing, serves it on a free loopback port, logs in as
each role and photographs the pages with Debian's Chromium (`playwright install` cannot
download here). The browser test in tests/e2e makes its own screenshots in a scratch folder.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
HOMEWARD = str(Path(sys.executable).with_name("homeward"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def logins(workspace: Path) -> dict[str, str]:
    """username -> password from the demo's login file."""
    out = {}
    for line in (workspace / "demo-logins.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out[parts[-2]] = parts[-1]
    return out


def login(browser: Browser, base: str, user: str, password: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/dashboard")
    return page


def shot(page: Page, name: str, *, full: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"docs/screenshots/{name}.png")


def a_received_code(workspace: Path) -> str:
    with sqlite3.connect(workspace / "homeward.db") as db:
        row = db.execute(
            "select checkin_code from handovers where state = 'received' order by id limit 1"
        ).fetchone()
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", type=Path, default=ROOT / "demo")
    args = parser.parse_args()
    workspace: Path = args.workspace
    if not (workspace / "summary.json").exists():
        subprocess.run([HOMEWARD, "demo", "--seed", "1", "--out", str(workspace)], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [HOMEWARD, "serve", "--workspace", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bulletin", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        OUT.mkdir(parents=True, exist_ok=True)
        passwords = logins(workspace)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            med = login(browser, base, "med.coordinator", passwords["med.coordinator"])
            shot(med, "01-dashboard")
            med.goto(f"{base}/review")
            shot(med, "05-review", full=False)
            med.goto(f"{base}/agreement")
            shot(med, "06-agreement")
            med.goto(f"{base}/plan")
            shot(med, "07-plan")
            med.goto(f"{base}/ledger")
            shot(med, "09-ledger")
            ua = login(browser, base, "ua.officer", passwords["ua.officer"])
            ua.goto(f"{base}/parties/UA/registries")
            ua.fill("input[name=q]", "Олександр")
            ua.wait_for_timeout(800)
            shot(ua, "02-registry-search", full=False)
            ua.goto(f"{base}/parties/UA/quarantine")
            shot(ua, "03-quarantine")
            ua.goto(f"{base}/lists")
            shot(ua, "04-lists")
            verifier = login(browser, base, "med.verifier", passwords["med.verifier"])
            verifier.goto(f"{base}/handover")
            verifier.fill("input[name=code]", a_received_code(workspace))
            verifier.keyboard.press("Enter")
            verifier.wait_for_timeout(800)
            shot(verifier, "08-handover", full=False)
            public = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
            public.goto(f"{base}/bulletin")
            shot(public, "10-bulletin")
            ua.goto(f"{base}/dashboard")
            ua.select_option("select[name=language]", "uk")
            ua.wait_for_selector("html[lang=uk]")
            shot(ua, "11-dashboard-uk")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
