"""Every authorization decision is in the access log before its answer leaves: a real
server process killed with SIGKILL right after answering has lost none of them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

from homeward.adapters.tables_web import access_log
from homeward.services.accounts import create_demo_users
from homeward.web.testing import CHEAP_HASHER

SERVER = """
import sys
import uvicorn
from pathlib import Path
from homeward.adapters.db import make_engine
from homeward.bootstrap import workspace_on
from homeward.settings import Settings
from homeward.web.app import create_app
from homeward.web.testing import CHEAP_HASHER

url, workspace, fd = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
engine = make_engine(url)
opened = workspace_on(Settings(database_url=url, workspace=workspace), engine, hasher=CHEAP_HASHER)
app = create_app(opened, secret=b"k" * 32)
uvicorn.run(app, fd=fd, log_level="warning", proxy_headers=False)
"""


def _serve(db_url: str, workspace: Path) -> tuple[subprocess.Popen[bytes], str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # loopback, a free port, handed to the child bound
    listener.listen(16)
    port = listener.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER, db_url, str(workspace), str(listener.fileno())],
        pass_fds=(listener.fileno(),),
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    listener.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/bulletin", timeout=2).status_code == 200:
                return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise AssertionError("the server did not start")


def _logged(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(access_log)).scalar_one())


def test_sigkill_right_after_answered_decisions_loses_none_of_them(
    engine: Engine, tmp_path: Path
) -> None:
    db_url = engine.url.render_as_string(hide_password=False)  # the same database
    passwords = {user: password for _, user, password in create_demo_users(engine, CHEAP_HASHER)}
    answered = 0
    for trial in range(3):
        child, base = _serve(db_url, tmp_path)
        try:
            with httpx.Client(base_url=base, timeout=10) as http:
                token = http.post(
                    "/api/v1/token",
                    data={"username": "ua.officer", "password": passwords["ua.officer"]},
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                for n in range(5):
                    party = "UA" if (n + trial) % 2 else "RU"  # allowed and refused alike
                    answer = http.get(f"/api/v1/parties/{party}/holdings", headers=headers)
                    assert answer.status_code == (200 if party == "UA" else 404)
                    answered += 1
        finally:
            child.send_signal(signal.SIGKILL)  # at once, no shutdown hook runs
            child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        assert _logged(engine) == answered, f"trial {trial}: decisions lost"
    with engine.connect() as conn:
        refused = conn.execute(
            select(func.count()).select_from(access_log).where(access_log.c.allowed.is_(False))
        ).scalar_one()
    assert 0 < refused < answered
