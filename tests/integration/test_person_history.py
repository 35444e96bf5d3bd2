"""A person's record keeps its history, and a party re-importing a record id cannot silently
rewrite someone already in a tranche: the change waits for the mediator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, insert, select

from homeward.adapters.tables_exchange import agreements, handovers, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.cli import main
from homeward.domain.values import RegistryKind, Side
from homeward.services.erasure import erase_person
from homeward.services.ledger_events import LedgerEventSink
from homeward.services.person_history import (
    DecideChange,
    UnknownChange,
    decide_change,
    pending_changes,
    person_history,
)
from homeward.services.registry import ImportPersonFile, import_person_file

HEADER = "record_id,surname,given_name,date_of_birth\n"


def _import(engine: Engine, path: Path, text: str) -> tuple[int, int, int, int]:
    path.write_text(HEADER + text, encoding="utf-8")
    result = import_person_file(
        ImportPersonFile(Side.RU, RegistryKind.HOLDINGS, path), SqlUnitOfWork(engine)
    )
    return result.imported, result.quarantined, result.unchanged, result.held


def _surname(engine: Engine, record_id: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(persons.c.surname).where(persons.c.record_id == record_id)).scalar()
        )


def _person_id(engine: Engine, record_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(persons.c.id).where(persons.c.record_id == record_id)).scalar_one()
        )


def _put_in_a_tranche(engine: Engine, person_id: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        agreement = conn.execute(
            insert(agreements)
            .values(name="test", terms="{}", created_at=now)
            .returning(agreements.c.id)
        ).scalar_one()
        tranche = conn.execute(
            insert(tranches)
            .values(agreement_id=agreement, day=1, date=now.date(), crossing="x", status="planned")
            .returning(tranches.c.id)
        ).scalar_one()
        conn.execute(
            insert(handovers).values(
                tranche_id=tranche,
                person_id=person_id,
                from_party="RU",
                category="military",
                state="handed_over",
                checkin_code="T-0001",
                position=1,
                updated_at=now,
            )
        )


def test_a_changed_record_keeps_the_version_it_replaced(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "a.csv", "H-1,Тестенко,Іван,1990\n")
    assert _import(engine, tmp_path / "b.csv", "H-1,Тестенкова,Іван,1990\n") == (1, 0, 0, 0)
    assert _surname(engine, "H-1") == "Тестенкова"
    [before] = person_history(_person_id(engine, "H-1"), SqlUnitOfWork(engine))
    assert (before.status, before.values["surname"]) == ("superseded", "Тестенко")


def test_a_change_to_someone_in_a_tranche_is_held_until_the_mediator_acknowledges_it(
    engine: Engine, tmp_path: Path
) -> None:
    _import(engine, tmp_path / "a.csv", "H-1,Тестенко,Іван,1990\nH-2,Коваль,Олег,1985\n")
    person = _person_id(engine, "H-1")
    _put_in_a_tranche(engine, person)
    changed = "H-1,Підмінний,Петро,1990\nH-2,Коваль,Олег,1985\n"
    assert _import(engine, tmp_path / "b.csv", changed) == (0, 0, 1, 1)
    assert _surname(engine, "H-1") == "Тестенко"  # cards and manifests still show this
    assert _import(engine, tmp_path / "b.csv", changed) == (0, 0, 1, 1)  # held once only
    [change] = pending_changes(None, SqlUnitOfWork(engine))
    assert change.record_id == "H-1"
    assert change.changes["surname"] == ("Тестенко", "Підмінний")
    assert change.changes["given_name"] == ("Іван", "Петро")
    decide_change(DecideChange(change.id, "med.officer", True), SqlUnitOfWork(engine))
    assert _surname(engine, "H-1") == "Підмінний"
    assert pending_changes(None, SqlUnitOfWork(engine)) == []
    statuses = [
        (v.status, v.values["surname"], v.decided_by)
        for v in person_history(person, SqlUnitOfWork(engine))
    ]
    # the held version (recorded at the import), then the one it replaced (at the decision)
    assert statuses == [
        ("acknowledged", "Підмінний", "med.officer"),
        ("superseded", "Тестенко", None),
    ]
    with pytest.raises(UnknownChange):
        decide_change(DecideChange(change.id, "med.officer", True), SqlUnitOfWork(engine))


def test_a_refused_change_leaves_the_record_as_it_was(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "a.csv", "H-1,Тестенко,Іван,1990\n")
    _put_in_a_tranche(engine, _person_id(engine, "H-1"))
    _import(engine, tmp_path / "b.csv", "H-1,Підмінний,Петро,1990\n")
    [change] = pending_changes(None, SqlUnitOfWork(engine))
    decide_change(DecideChange(change.id, "med.officer", False), SqlUnitOfWork(engine))
    assert _surname(engine, "H-1") == "Тестенко"
    assert [v.status for v in person_history(_person_id(engine, "H-1"), SqlUnitOfWork(engine))] == [
        "refused"
    ]


def test_erasing_a_person_erases_their_earlier_versions_too(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "a.csv", "H-1,Тестенко,Іван,1990\n")
    _import(engine, tmp_path / "b.csv", "H-1,Тестенкова,Іван,1990\n")
    person = _person_id(engine, "H-1")
    assert person_history(person, SqlUnitOfWork(engine))
    erase_person(person, engine, LedgerEventSink(), actor="med.officer")
    assert person_history(person, SqlUnitOfWork(engine)) == []


def test_the_mediator_decides_held_changes_from_the_command_line(tmp_path: Path) -> None:
    from homeward.bootstrap import open_workspace
    from homeward.settings import Settings

    url = f"sqlite:///{tmp_path / 'ws.db'}"
    workspace = open_workspace(Settings(database_url=url))
    try:
        _import(workspace.engine, tmp_path / "a.csv", "H-1,Тестенко,Іван,1990\n")
        _put_in_a_tranche(workspace.engine, _person_id(workspace.engine, "H-1"))
        _import(workspace.engine, tmp_path / "b.csv", "H-1,Підмінний,Іван,1990\n")
    finally:
        workspace.close()
    runner = CliRunner(env={"HOMEWARD_DATABASE_URL": url})
    listed = runner.invoke(main, ["changes", "list"])
    assert listed.exit_code == 0, listed.output
    assert "RU/holdings\tH-1\tsurname: 'Тестенко' -> 'Підмінний'" in listed.output
    change_id = listed.output.split("\t")[0]
    done = runner.invoke(main, ["changes", "acknowledge", change_id, "--by", "med.officer"])
    assert done.exit_code == 0, done.output
    again = runner.invoke(main, ["changes", "refuse", change_id, "--by", "med.officer"])
    assert again.exit_code != 0
    assert f"no pending change {change_id}" in again.output
