"""The operator's command line: `homeward lists submit` and `lists versions`, and clear
messages when the keys of the workspace are not where the command looks."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from tests.factories import import_rows, person_rows

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.cli import main
from homeward.domain.values import RegistryKind, Side
from homeward.services.lists import list_versions


def test_a_party_submits_its_sought_list_to_the_other_side_and_the_mediator(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        import_rows(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, person_rows("UAS", 7, seed=2))
    finally:
        engine.dispose()
    env = {"HOMEWARD_DATABASE_URL": db_url, "HOMEWARD_WORKSPACE": str(tmp_path)}
    runner = CliRunner()
    for expected_version in (1, 2):
        result = runner.invoke(
            main, ["lists", "submit", "--party", "UA", "--kind", "sought"], env=env
        )
        assert result.exit_code == 0, result.output
        assert f"UA submitted sought list version {expected_version} to RU and MED" in result.output
    engine = make_engine(db_url)
    try:
        versions = list_versions((Side.UA,), SqlUnitOfWork(engine))
    finally:
        engine.dispose()
    assert sorted((v.recipient, v.version, v.size) for v in versions) == [
        ("MED", 1, 7), ("MED", 2, 7), ("RU", 1, 7), ("RU", 2, 7),
    ]  # fmt: skip
    shown = runner.invoke(main, ["lists", "versions", "--party", "UA"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "UA\tsought\tRU\t2\t7\t" in shown.output
    assert "4 list versions" in shown.output


def test_a_party_cannot_submit_for_the_mediator() -> None:
    result = CliRunner().invoke(main, ["lists", "submit", "--party", "MED", "--kind", "sought"])
    assert result.exit_code == 2
    assert "'MED' is not one of 'UA', 'RU'" in result.output


def test_ledger_export_outside_the_workspace_says_the_keys_are_missing(tmp_path: Path) -> None:
    elsewhere = tmp_path / "not-the-workspace"
    env = {
        "HOMEWARD_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "HOMEWARD_WORKSPACE": str(elsewhere),
    }
    result = CliRunner().invoke(main, ["ledger", "export", "--out", str(tmp_path / "x")], env=env)
    assert result.exit_code == 1
    assert f"no public key (MED.pub) in {elsewhere / 'keys'}" in result.output
    assert "HOMEWARD_WORKSPACE" in result.output


def test_a_bad_setting_in_the_environment_is_named() -> None:
    result = CliRunner().invoke(main, ["db", "--help"], env={"HOMEWARD_SPARK_CONF": "oops"})
    assert result.exit_code == 2
    assert "HOMEWARD_SPARK_CONF" in result.output
