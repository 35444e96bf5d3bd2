"""Web benchmark: handover confirmations from concurrent clients over loopback, PostgreSQL.

Builds a fresh PostgreSQL database with the Istanbul 2025 exchange planned (synthetic
people), serves the app with uvicorn in a separate process on 127.0.0.1, and has N clients
(default 50) take handovers through their five steps with bearer tokens:
POST /api/v1/handovers/{id}/steps. Prints throughput and latency percentiles.

    python bench/bench_web.py [--clients 50] [--seconds 30] [--admin-url URL]

Targets loopback only, stops by itself (bounded by --seconds and by the planned handovers).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.services.exchange import SignAgreement
from homeward.services.lists import SubmitRegistry

STEPS = ("check_in", "confirm_identity", "confirm_free_will", "release", "receive")
ADMIN_URL = os.environ.get(
    "HOMEWARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def build(db_url: str, workspace: Path) -> dict[str, str]:
    """The exchange up to the crossing: registries, lists, terms signed, tranches planned."""
    from homeward.adapters.db import create_schema, make_engine
    from homeward.domain.lists import ListKind
    from homeward.domain.values import RegistryKind, Side
    from homeward.planning.istanbul import istanbul_2025_terms
    from homeward.scenario import generate_scenario, write_scenario
    from homeward.services.accounts import create_demo_users
    from homeward.services.agreement import propose_terms
    from homeward.services.exchange import sign_agreement
    from homeward.services.ledger_events import LedgerEventSink
    from homeward.services.lists import submit_registry
    from homeward.services.planning_bridge import plan_agreement
    from homeward.services.registry import ImportPersonFile, import_person_file

    engine = make_engine(db_url)
    create_schema(engine)
    events = LedgerEventSink()
    paths = write_scenario(generate_scenario("istanbul-2025", 1), workspace / "scenario")
    for key, party, kind in [
        ("ua_holdings", Side.UA, RegistryKind.HOLDINGS),
        ("ru_holdings", Side.RU, RegistryKind.HOLDINGS),
        ("ua_sought", Side.UA, RegistryKind.SOUGHT),
        ("ru_sought", Side.RU, RegistryKind.SOUGHT),
    ]:
        import_person_file(ImportPersonFile(party, kind, paths[key]), SqlUnitOfWork(engine))
    for side in (Side.UA, Side.RU):
        for kind in (ListKind.SOUGHT, ListKind.HOLDINGS_ACK):
            submit_registry(SubmitRegistry(side, kind), SqlUnitOfWork(engine, events))
    agreement_id = propose_terms(engine, events, istanbul_2025_terms())
    for side in Side:
        sign_agreement(SignAgreement(agreement_id, side), SqlUnitOfWork(engine, events))
    plan_agreement(engine, events, agreement_id)
    passwords = {u: p for _, u, p in create_demo_users(engine)}
    engine.dispose()
    return passwords


def app_from_env() -> object:
    """The app for one uvicorn worker process, from the bench's environment."""
    from homeward.adapters.db import make_engine
    from homeward.bootstrap import workspace_on
    from homeward.settings import Settings
    from homeward.web.app import create_app

    db_url = os.environ["HOMEWARD_BENCH_DB"]
    engine = make_engine(db_url, pool_size=20, max_overflow=10)
    workspace = Path(os.environ["HOMEWARD_BENCH_WORKSPACE"])
    app = create_app(workspace_on(Settings(database_url=db_url, workspace=workspace), engine))
    # Long-lived objects made at start-up leave the collector's view, and young
    # collections run less often: fewer pauses in the latency tail (docs/web.md).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return app


def serve(db_url: str, workspace: str, port: int, workers: int) -> None:
    """The server process: uvicorn with ``workers`` processes on the bench database."""
    import uvicorn

    os.environ["HOMEWARD_BENCH_DB"] = db_url
    os.environ["HOMEWARD_BENCH_WORKSPACE"] = workspace
    uvicorn.run(
        "bench_web:app_from_env",
        factory=True,
        app_dir=str(Path(__file__).parent),
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: the load generator shares
    two cores with the server, so it must cost little (httpx costs more per request than
    the handler being measured)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def drive(
    port: int,
    token: str,
    ids: list[int],
    clients: int,
    seconds: float,
    rate: float,
    receivers: dict[int, str] | None = None,
) -> list[float]:
    """``receivers``: handover id -> the bearer token of the receiving party's officer,
    who alone confirms receipt."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for handover_id in ids:
        queue.put_nowait(handover_id)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    deadline = time.perf_counter() + seconds
    # Open loop, as at a crossing: each desk confirms at its own pace (rate / clients per
    # second) whatever the server's speed; latency counts from when the confirmation was
    # due, so a server that falls behind shows up in the percentiles.
    interval = clients / rate

    async def worker(offset: float) -> None:
        connection = Connection("127.0.0.1", port)
        due = time.perf_counter() + offset
        try:
            while time.perf_counter() < deadline:
                try:
                    handover_id = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                for step in STEPS:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    started = due
                    due += interval
                    receiver = (receivers or {}).get(handover_id)
                    status, payload = await connection.post(
                        f"/api/v1/handovers/{handover_id}/steps",
                        json.dumps({"step": step}).encode(),
                        {**headers, "Authorization": f"Bearer {receiver}"}
                        if step == "receive" and receiver
                        else headers,
                    )
                    latencies.append(time.perf_counter() - started)
                    if status != 200:
                        raise RuntimeError(f"{handover_id} {step}: {status} {payload[:200]!r}")
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i * interval / clients) for i in range(clients)))
    latencies.append(-(time.perf_counter() - started))  # wall time, marked negative
    return latencies


def _token(port: int, password: str, username: str = "med.verifier") -> str:
    import httpx

    response = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/token",
        data={"username": username, "password": password},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--rate",
        type=float,
        default=250.0,
        help="confirmations per second offered by all clients together",
    )
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--serve",
        nargs=4,
        metavar=("DB_URL", "WORKSPACE", "PORT", "WORKERS"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]), int(args.serve[3]))
        return

    from sqlalchemy import create_engine, select, text

    from homeward.adapters.db import make_engine
    from homeward.adapters.tables_exchange import handovers

    name = f"homeward_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = f"{args.admin_url.rsplit('/', 1)[0]}/{name}"
    server = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            t0 = time.perf_counter()
            passwords = build(db_url, Path(folder))
            print(f"built the Istanbul 2025 exchange in {time.perf_counter() - t0:.1f} s")
            engine = make_engine(db_url)
            with engine.connect() as conn:
                rows = conn.execute(
                    select(handovers.c.id, handovers.c.from_party).order_by(handovers.c.id)
                ).all()
            ids = [r.id for r in rows]
            engine.dispose()
            port = _free_port()
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve", db_url, folder, str(port), str(args.workers)]
            )
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            time.sleep(2)  # let every worker finish starting
            token = _token(port, passwords["med.verifier"])
            officers = {
                side: _token(port, passwords[f"{side.lower()}.officer"], f"{side.lower()}.officer")
                for side in ("UA", "RU")
            }
            receivers = {r.id: officers["UA" if r.from_party == "RU" else "RU"] for r in rows}
            latencies = asyncio.run(
                drive(port, token, ids, args.clients, args.seconds, args.rate, receivers)
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    wall = -latencies.pop()
    latencies.sort()
    count = len(latencies)

    def pct(p: float) -> float:
        return 1000 * latencies[min(count - 1, int(p * count))]

    print(
        f"workers {args.workers}  clients {args.clients}  offered {args.rate:.0f}/s  "
        f"confirmations {count}  in {wall:.1f} s  = {count / wall:.0f}/s"
    )
    print(
        f"latency ms: p50 {pct(0.50):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  "
        f"max {1000 * latencies[-1]:.1f}  mean {1000 * statistics.mean(latencies):.1f}"
    )


if __name__ == "__main__":
    main()
