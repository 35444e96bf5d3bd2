"""`homeward plan` when a side acknowledges 100,000 people: no query sends one bind
parameter per person (PostgreSQL refuses more than 65,535 in one statement)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from homeward.adapters.db import among, create_schema, make_engine
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.cli import main
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning import terms_from_dict, terms_to_canonical
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    ProposeTerms,
    SignAgreement,
    SubmitList,
    create_agreement,
    sign_agreement,
    submit_list,
)
from homeward.services.registry import ImportPersonFile, import_person_file

PEOPLE = 100_000
SURNAMES = ("Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук")
GIVEN = ("Андрій", "Богдан", "Василь", "Григорій", "Дмитро", "Євген", "Захар")


def _write_holdings(path: Path, prefix: str, count: int) -> Path:
    """Synthetic people (made-up name combinations), 70 % military, 30 facilities."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["record_id", "surname", "given_name", "sex", "date_of_birth", "category",
                      "status", "health", "held_at"])  # fmt: skip
        for i in range(count):
            military = i % 10 < 7
            out.writerow(
                [
                    f"{prefix}-{i:06d}",
                    SURNAMES[i % len(SURNAMES)],
                    GIVEN[(i // len(SURNAMES)) % len(GIVEN)],
                    "M",
                    f"{1965 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "military" if military else "civilian",
                    "pow" if military else "civilian_detained",
                    "fit",
                    f"Facility {prefix}-{i % 30:02d}",
                ]
            )
    return path


def _acknowledge_everyone(engine: Engine, tmp_path: Path) -> None:
    events = MemoryEventSink()
    for side in (Side.UA, Side.RU):
        path = _write_holdings(tmp_path / f"{side.value}.csv", f"{side.value}H", PEOPLE)
        import_person_file(
            ImportPersonFile(side, RegistryKind.HOLDINGS, path), SqlUnitOfWork(engine)
        )
        with engine.connect() as conn:
            held = list(
                conn.execute(select(persons.c.id).where(persons.c.party == side.value)).scalars()
            )
        assert len(held) == PEOPLE
        submit_list(
            SubmitList(side, ListKind.HOLDINGS_ACK, side.other, held), SqlUnitOfWork(engine, events)
        )
    terms = terms_from_dict(
        {
            "name": "a thousand for a thousand",
            "total_per_side": 1000,
            "reserve_size": 10,
            "crossing_points": [{"name": "border", "daily_capacity": 1000}],
            "tranches": [
                {"id": "day-1", "day": "2025-05-23", "crossing": "border", "total": 500},
                {"id": "day-2", "day": "2025-05-24", "crossing": "border", "total": 500},
            ],
        }
    )
    agreement_id = create_agreement(
        ProposeTerms(terms.name, terms_to_canonical(terms)), SqlUnitOfWork(engine, events)
    )
    for party in Side:
        sign_agreement(SignAgreement(agreement_id, party), SqlUnitOfWork(engine, events))


@pytest.mark.slow
def test_homeward_plan_works_when_each_side_acknowledges_100000_people(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        _acknowledge_everyone(engine, tmp_path)
    finally:
        engine.dispose()
    env = {"HOMEWARD_DATABASE_URL": db_url, "HOMEWARD_WORKSPACE": str(tmp_path)}
    result = CliRunner().invoke(main, ["plan", "--json", str(tmp_path / "plan.json")], env=env)
    assert result.exit_code == 0, result.output
    assert "day-1" in result.output
    assert "UA 500" in result.output
    assert "RU 500" in result.output


def test_a_condition_on_many_ids_sends_them_as_one_parameter(engine: Engine) -> None:
    ids = list(range(1, 70_001))  # more than PostgreSQL's 65,535 parameters
    with engine.begin() as conn:
        conn.execute(
            persons.insert(),
            [
                {
                    "id": i,
                    "party": "UA",
                    "kind": "holdings",
                    "record_id": f"r{i}",
                    "surname": "Коваленко",
                    "given_name": "Андрій",
                    "content_hash": f"h{i}",
                    "custody": "acknowledged",
                }
                for i in (5, 69_999, 70_001)
            ],
        )
    query = select(persons.c.record_id).where(among(persons.c.id, ids))
    with engine.connect() as conn:
        found = set(conn.execute(query).scalars())
    assert found == {"r5", "r69999"}
