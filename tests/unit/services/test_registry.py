"""Use cases of services.registry on the fake unit of work.

The import reads its file through the person-file adapter (a reader port is still to come),
so these tests write a small CSV to a temporary directory; storage is all in memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.services.fakes import FakeUnitOfWork, synthetic_names

from homeward.adapters.personfile_errors import PersonFileError
from homeward.domain.values import RegistryKind, Side
from homeward.services.registry import (
    ImportPersonFile,
    count_persons,
    import_person_file,
    list_quarantine,
)

HEADER = "record_id,surname,given_name,date_of_birth\n"
(SURNAME, GIVEN), (_, OTHER_GIVEN), (_, LONE_GIVEN) = synthetic_names(3, seed=13)
ROW = f"H-1,{SURNAME},{GIVEN},1990-04-01\n"
CHANGED = f"H-1,{SURNAME},{OTHER_GIVEN},1990-04-01\n"
NO_SURNAME = f"H-2,,{LONE_GIVEN},1985-01-01\n"


def _file(tmp_path: Path, text: str, name: str = "holdings.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def _import(uow: FakeUnitOfWork, path: Path) -> tuple[int, int, int, int]:
    result = import_person_file(ImportPersonFile(Side.RU, RegistryKind.HOLDINGS, path), uow)
    return result.imported, result.quarantined, result.unchanged, result.held


def test_good_rows_are_imported_and_bad_ones_quarantined_in_one_commit(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()
    path = _file(tmp_path, ROW + NO_SURNAME)
    assert _import(uow, path) == (1, 1, 0, 0)
    assert uow.committed
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, uow) == 1
    [bad] = list_quarantine(Side.RU, uow)
    assert (bad.line, bad.field, bad.raw["given_name"]) == (3, "surname", LONE_GIVEN)
    assert list_quarantine(Side.UA, uow) == []
    assert uow.analyzed == {"persons", "import_batches", "quarantine"}


def test_a_second_import_of_the_same_file_changes_nothing(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()
    path = _file(tmp_path, ROW + NO_SURNAME)
    _import(uow, path)
    assert _import(uow, path) == (0, 1, 1, 0)
    assert len(list_quarantine(None, uow)) == 1  # the same bad row is kept once


def test_a_changed_row_replaces_the_person_and_keeps_the_old_version(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()
    _import(uow, _file(tmp_path, ROW))
    assert _import(uow, _file(tmp_path, CHANGED, "b.csv")) == (
        1,
        0,
        0,
        0,
    )
    [person] = uow.registry.persons.values()
    assert person["given_name"] == OTHER_GIVEN
    [old] = uow.registry.history(person["id"])
    assert (old.status, old.values["given_name"]) == ("superseded", GIVEN)


def test_a_change_to_someone_in_a_tranche_is_held_not_applied(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()
    _import(uow, _file(tmp_path, ROW))
    [person_id] = uow.registry.persons
    uow.registry.tranched.add(person_id)
    changed = _file(tmp_path, CHANGED, "b.csv")
    assert _import(uow, changed) == (0, 0, 0, 1)
    assert _import(uow, changed) == (0, 0, 0, 1)  # held once, however often re-imported
    assert uow.registry.persons[person_id]["given_name"] == GIVEN
    assert [v.status for v in uow.registry.history(person_id)] == ["pending"]


def test_an_unreadable_file_writes_nothing(tmp_path: Path) -> None:
    uow = FakeUnitOfWork()
    path = tmp_path / "broken.csv"
    path.write_bytes(b"record_id,surname\n\xff\xfe\x00broken")
    with pytest.raises(PersonFileError):
        _import(uow, path)
    assert uow.registry.batches == {}
    assert not uow.committed
