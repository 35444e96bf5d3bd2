"""`homeward users create` and `homeward users list`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from homeward.cli.accounts import users
from homeward.settings import Settings


def test_an_administrator_creates_accounts_and_bad_roles_are_refused(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", workspace=tmp_path)
    runner = CliRunner()
    created = runner.invoke(
        users,
        [
            "create",
            "--party",
            "UA",
            "--role",
            "party_officer",
            "--username",
            "ua.one",
            "--password",
            "long-enough-1",
        ],
        obj=settings,
    )
    assert created.exit_code == 0, created.output
    assert "created ua.one (party_officer, UA)" in created.output
    wrong = runner.invoke(
        users,
        [
            "create",
            "--party",
            "UA",
            "--role",
            "mediator_coordinator",
            "--username",
            "x.two",
            "--password",
            "long-enough-2",
        ],
        obj=settings,
    )
    assert wrong.exit_code == 2
    assert "belongs to the mediator (MED)" in wrong.output
    short = runner.invoke(
        users,
        [
            "create",
            "--party",
            "MED",
            "--role",
            "administrator",
            "--username",
            "admin",
            "--password",
            "short",
        ],
        obj=settings,
    )
    assert short.exit_code == 2
    assert "at least 8 characters" in short.output
    listed = runner.invoke(users, ["list"], obj=settings)
    assert listed.output.strip().splitlines() == ["ua.one\tUA\tparty_officer\ten"]
