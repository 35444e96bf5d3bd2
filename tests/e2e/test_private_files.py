"""Files holding personal data or keys are created 0600, `homeward match --out` writes ids
as text a spreadsheet will not run, `homeward demo` refuses a workspace already in use,
and `homeward users` manages accounts. The CLI runs as a real process, as a clerk runs it."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.factories import person_rows, write_rows

from homeward.adapters.db import make_engine
from homeward.adapters.tables_registry import persons


def homeward(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env |= {
        "HOMEWARD_WORKSPACE": str(workspace),
        "HOMEWARD_DATABASE_URL": f"sqlite:///{workspace / 'homeward.db'}",
        "HOMEWARD_KEY_PASSPHRASE": "test-passphrase",
    }
    return subprocess.run(
        [sys.executable, "-c", "from homeward.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    """Run as a careless shell would (umask 022): the program itself must close files."""
    old = os.umask(0o022)
    yield None
    os.umask(old)


def test_the_database_keys_and_exports_are_readable_by_their_owner_only(
    tmp_path: Path, loose_umask: object
) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    registry = write_rows(tmp_path / "holdings.csv", person_rows("UAH", 6, seed=3))
    imported = homeward(workspace, "import", "--party", "UA", "--kind", "holdings", str(registry))
    assert imported.returncode == 0, imported.stderr
    assert homeward(workspace, "keys", "generate").returncode == 0
    matched = homeward(
        workspace, "match", "--registry", str(registry), "--requests", str(registry),
        "--out", str(workspace / "matches.csv"),
    )  # fmt: skip
    assert matched.returncode == 0, matched.stderr
    files = [p for p in workspace.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "homeward.db" in names
    assert "matches.csv" in names
    assert any(p.parent.name == "keys" for p in files)
    loose = {str(p.relative_to(workspace)): oct(_mode(p)) for p in files if _mode(p) != 0o600}
    assert loose == {}


def test_match_writes_formula_like_ids_as_text(tmp_path: Path) -> None:
    rows = person_rows("UAH", 6, seed=3)
    rows[0]["record_id"] = '=HYPERLINK("http://evil.invalid","open")'
    rows[1]["record_id"] = "@SUM(A1)"
    requests = [dict(r) for r in rows]
    for n, prefix in enumerate(["+", "-", "", "", "", ""]):
        requests[n]["record_id"] = f"{prefix}REQ-{n}"
    registry = write_rows(tmp_path / "registry.csv", rows)
    wanted = write_rows(tmp_path / "requests.csv", requests)
    out = tmp_path / "out.csv"
    done = homeward(
        tmp_path, "match", "--registry", str(registry), "--requests", str(wanted),
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [c for row in list(csv.reader(handle))[1:] for c in row[:2]]
    assert "'+REQ-0" in cells
    assert "'-REQ-1" in cells
    assert '\'=HYPERLINK("http://evil.invalid","open")' in cells
    assert "'@SUM(A1)" in cells
    assert "REQ-4" in cells  # a plain id is left as it is
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_demo_refuses_a_workspace_with_imported_people_and_deletes_nothing(
    tmp_path: Path,
) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    registry = write_rows(tmp_path / "holdings.csv", person_rows("UAH", 5, seed=11))
    imported = homeward(workspace, "import", "--party", "UA", "--kind", "holdings", str(registry))
    assert imported.returncode == 0, imported.stderr
    refused = homeward(workspace, "demo", "--out", str(workspace))
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    assert "persons" in refused.stderr
    engine = make_engine(f"sqlite:///{workspace / 'homeward.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 5
    engine.dispose()


def test_users_create_without_a_password_prints_one_once_and_the_account_can_be_managed(
    tmp_path: Path,
) -> None:
    made = homeward(
        tmp_path, "users", "create", "--party", "MED", "--role", "administrator",
        "--username", "Admin.One",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "created Admin.One (administrator, MED)" in made.stdout
    password = made.stdout.split("password (shown only this once): ", 1)[1].strip()
    assert len(password) >= 12
    again = homeward(
        tmp_path, "users", "create", "--party", "MED", "--role", "administrator",
        "--username", "ADMIN.ONE", "--password", "long-enough-1",
    )  # fmt: skip
    assert again.returncode == 2
    assert "taken" in again.stderr
    second = homeward(
        tmp_path, "users", "create", "--party", "UA", "--role", "party_viewer",
        "--username", "ua.viewer", "--password", "long-enough-1",
    )  # fmt: skip
    assert second.returncode == 0
    assert homeward(tmp_path, "users", "disable", "UA.VIEWER").returncode == 0
    reset = homeward(tmp_path, "users", "reset-password", "ua.viewer")
    assert "shown only this once" in reset.stdout
    last = homeward(tmp_path, "users", "delete", "admin.one")
    assert last.returncode != 0
    assert "last administrator" in last.stderr
    assert homeward(tmp_path, "users", "delete", "ua.viewer").returncode == 0
    listed = homeward(tmp_path, "users", "list")
    assert listed.stdout.strip().splitlines() == ["Admin.One\tMED\tadministrator\ten"]


def test_the_match_writer_neutralises_every_formula_start_even_tab_and_carriage_return(
    tmp_path: Path,
) -> None:
    from homeward.cli.matching import write_results
    from homeward.matching.decide import Decision, MatchResult

    ids = ["=1+1", "+1", "-1", "@A1", "\tTAB", "\rCR", "UA-7", "O'Brien"]
    results = [MatchResult(i, i, 0.9, Decision.MATCH) for i in ids]
    out = tmp_path / "out.csv"
    write_results(out, results)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    expected = ["'=1+1", "'+1", "'-1", "'@A1", "'\tTAB", "'\rCR", "UA-7", "O'Brien"]
    assert [r[0] for r in rows] == expected
    assert [r[1] for r in rows] == expected


def test_a_workspace_left_world_readable_from_before_is_closed_on_the_next_command(
    tmp_path: Path, loose_umask: object
) -> None:
    registry = write_rows(tmp_path / "holdings.csv", person_rows("UAH", 3, seed=5))
    imported = homeward(tmp_path, "import", "--party", "UA", "--kind", "holdings", str(registry))
    assert imported.returncode == 0, imported.stderr
    db = tmp_path / "homeward.db"
    db.chmod(0o644)
    (tmp_path / "keys").mkdir(exist_ok=True)
    old_key = tmp_path / "keys" / "web-secret.key"
    old_key.write_bytes(b"x" * 32)
    old_key.chmod(0o644)
    assert homeward(tmp_path, "users", "list").returncode == 0
    assert _mode(db) == 0o600
    assert _mode(old_key) == 0o600
    assert _mode(registry) == 0o644  # the clerk's own input file is not ours to change
