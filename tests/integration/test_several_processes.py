"""Several processes start safely: migrations under a lock, one shared secret made 0600
from the first byte, `serve --workers`, the importable ASGI app, and a server that refuses
a schema that is behind instead of migrating it concurrently."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect

from homeward.adapters.db import create_schema, make_engine
from homeward.adapters.migrate import current_revision, head_revision
from homeward.settings import Settings
from homeward.web.app import SECRET_FILE, load_secret

SRC = Path(__file__).resolve().parents[2] / "src"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env["PYTHONPATH"] = str(SRC)
    env.update(extra)
    return env


def _homeward(*args: str) -> list[str]:
    return [sys.executable, "-c", "from homeward.cli import main; main()", *args]


def _run_together(commands: list[list[str]], env: dict[str, str]) -> list[tuple[int, str]]:
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for cmd in commands
    ]
    return [(p.wait(timeout=300), p.stdout.read() if p.stdout else "") for p in procs]


def test_two_db_upgrades_started_together_on_a_fresh_database_both_succeed(
    db_url: str, tmp_path: Path
) -> None:
    env = _env(HOMEWARD_DATABASE_URL=db_url, HOMEWARD_WORKSPACE=str(tmp_path))
    outcomes = _run_together([_homeward("db", "upgrade"), _homeward("db", "upgrade")], env)
    for code, output in outcomes:
        assert code == 0, output
        assert "is up to date" in output
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
        assert "persons" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_database_made_by_the_test_helpers_is_stamped_with_the_newest_migration(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    env = _env(HOMEWARD_DATABASE_URL=db_url, HOMEWARD_WORKSPACE=str(tmp_path))
    [(code, output)] = _run_together([_homeward("db", "upgrade")], env)
    assert code == 0, output


def test_serve_refuses_a_postgresql_schema_that_is_behind_and_names_the_command(
    postgres_url: str, tmp_path: Path
) -> None:
    env = _env(HOMEWARD_DATABASE_URL=postgres_url)
    command = _homeward("serve", "--workspace", str(tmp_path), "--port", str(_free_port()))
    [(code, output)] = _run_together([command], env)
    assert code == 1
    assert "homeward db upgrade" in output
    engine = make_engine(postgres_url)
    try:
        assert inspect(engine).get_table_names() == []  # it did not migrate on its own
    finally:
        engine.dispose()


def test_serve_with_several_workers_refuses_a_fresh_sqlite_workspace(tmp_path: Path) -> None:
    command = _homeward(
        "serve", "--workspace", str(tmp_path), "--workers", "2", "--port", str(_free_port())
    )
    [(code, output)] = _run_together([command], _env())
    assert code == 1
    assert "homeward db upgrade" in output


def _race_for_the_secret(keys_dir: str, start: float) -> str:
    while time.time() < start:
        pass
    settings = Settings(workspace=Path(keys_dir).parent)
    return load_secret(settings).hex()


def test_processes_creating_the_secret_at_once_all_get_the_same_one_made_0600(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        for round_ in range(5):
            keys = tmp_path / f"w{round_}" / "keys"
            start = time.time() + 1.5
            secrets = pool.starmap(_race_for_the_secret, [(str(keys), start)] * 6)
            assert len(set(secrets)) == 1
            path = keys / SECRET_FILE
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert len(path.read_bytes()) == 32
            assert sorted(p.name for p in keys.iterdir()) == [SECRET_FILE]  # no leftovers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def _token(url: str, username: str, password: str) -> str:
    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    with urllib.request.urlopen(url + "/api/v1/token", data=body, timeout=10) as response:
        token: str = json.load(response)["access_token"]
        return token


def _me(url: str, token: str) -> dict[str, str]:
    request = urllib.request.Request(
        url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        me: dict[str, str] = json.load(response)
        return me


@pytest.fixture
def upgraded_workspace(tmp_path: Path) -> Path:
    env = _env(HOMEWARD_WORKSPACE=str(tmp_path))
    create = _homeward(
        "users", "create", "--party", "UA", "--role", "party_officer",
        "--username", "ua.one", "--password", "long-enough-1",
    )  # fmt: skip
    db_file = f"sqlite:///{tmp_path / 'homeward.db'}"
    for command in (_homeward("db", "upgrade"), create):
        [(code, output)] = _run_together([command], env | {"HOMEWARD_DATABASE_URL": db_file})
        assert code == 0, output
    return tmp_path


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_two_serve_processes_started_together_share_one_secret(upgraded_workspace: Path) -> None:
    ports = [_free_port(), _free_port()]
    procs = [
        _start(_homeward("serve", "--workspace", str(upgraded_workspace), "--port", str(p)), _env())
        for p in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url, proc in zip(urls, procs, strict=True):
            _wait_until_up(url, proc)
        token = _token(urls[0], "ua.one", "long-enough-1")
        assert _me(urls[1], token)["username"] == "ua.one"  # signed by one, trusted by the other
    finally:
        _stop(procs)
    secret = upgraded_workspace / "keys" / SECRET_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


@pytest.mark.slow
def test_serve_with_two_workers_runs_the_importable_asgi_app(upgraded_workspace: Path) -> None:
    port = _free_port()
    command = _homeward(
        "serve", "--workspace", str(upgraded_workspace), "--workers", "2", "--port", str(port)
    )
    proc = _start(command, _env())
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, proc)
        token = _token(url, "ua.one", "long-enough-1")
        for _ in range(6):  # whichever worker answers knows the secret
            assert _me(url, token)["party"] == "UA"
    finally:
        _stop([proc])


def test_the_asgi_app_reads_its_workspace_from_the_environment(upgraded_workspace: Path) -> None:
    program = (
        "from homeward.web.asgi import app; "
        "print(type(app).__name__, app.state.web.settings.workspace)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=_env(HOMEWARD_WORKSPACE=str(upgraded_workspace)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["FastAPI", str(upgraded_workspace)]


def test_the_asgi_app_will_not_start_on_a_workspace_never_migrated(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import homeward.web.asgi"],
        env=_env(HOMEWARD_WORKSPACE=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "run `homeward db upgrade`" in done.stderr


def test_a_server_refuses_a_database_migrated_by_a_newer_release(tmp_path: Path) -> None:
    from sqlalchemy import text

    from homeward.adapters.migrate import SchemaBehind, require_current_schema

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        create_schema(engine)
        require_current_schema(engine)  # current: no complaint
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaBehind, match="revision 9999, which this version"):
            require_current_schema(engine)
    finally:
        engine.dispose()
