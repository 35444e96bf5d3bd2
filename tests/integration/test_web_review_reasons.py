"""The review page says, field by field and in words, what agreed and what did not, for
reasons made by the real matcher (here a request with its names in each other's columns
and another father's name)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, RegistryKind, Sex, Side
from homeward.matching.engine import match_records
from homeward.matching.synth_compound import generate
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    IdentityLink,
    RecordLinks,
    record_identity_links,
)
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import log_in, make_app

SOUGHT = PersonRecord("UA-S1", "Тарас", "Пробенко", "Іванович", Sex.MALE,
                      PartialDate(1990, 1, 1), extra={"source": "held_confirmed"})  # fmt: skip
HELD = PersonRecord("RU-H1", "Пробенко", "Тарас", "Петрович", Sex.MALE,
                    PartialDate(1990, 1, 1))  # fmt: skip


def _import(
    engine: Engine, tmp: Path, party: Side, kind: RegistryKind, records: list[PersonRecord]
) -> None:
    path = tmp / f"{party.value}-{kind.value}.csv"
    rows = [r.as_row() for r in records]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_person_file(ImportPersonFile(party, kind, path), SqlUnitOfWork(engine))


def test_the_review_page_shows_what_agreed_and_what_did_not_in_words(
    engine: Engine, tmp_path: Path
) -> None:
    # Others held too, so that a name's frequency is read from a registry, not from two rows.
    held = [HELD, *generate(0, 400, seed=8).registry]
    _import(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, [SOUGHT])
    _import(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, held)
    # UA sees RU's rows only as RU submitted them: RU acknowledges its holdings first.
    submit_registry(
        SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, MemoryEventSink())
    )
    [result] = match_records(held, [SOUGHT])
    assert result.record_id == "RU-H1"
    reasons = {"field_weights": dict(result.field_weights), "flags": result.flags}
    with engine.connect() as conn:
        ids = {r.record_id: int(r.id) for r in conn.execute(select(persons))}
    link = IdentityLink(ids["UA-S1"], ids["RU-H1"], result.probability, "review", reasons)
    record_identity_links(RecordLinks([link], "holdings"), SqlUnitOfWork(engine, MemoryEventSink()))
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        log_in(client, "ua.officer", passwords["ua.officer"])
        page = client.get("/review").text
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"<tr><td>([^<]+)</td>.*?<td class=\"[^\"]*\">([^<]*)</td>", page, re.S
        )
    }
    assert rows["surname"].startswith("agrees"), rows
    assert rows["given name"].startswith("agrees"), rows
    assert rows["date of birth"].startswith("agrees"), rows
    assert rows["patronymic"].startswith("disagrees"), rows
    assert "names_swapped" in page
