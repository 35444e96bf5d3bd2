"""One store and one review path for sought-to-held links, on SQLite and PostgreSQL; and
duplicates within one registry, merged only through review and always undoable."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from homeward.adapters.tables_exchange import identity_links
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, RegistryKind, Sex, Side
from homeward.services.events import MemoryEventSink
from homeward.services.list_matching import Verdict, review_link, review_queue, run_matching
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.matching import (
    FindDuplicates,
    MergeDuplicate,
    ReviewDuplicate,
    ReviewError,
    UndoMerge,
    duplicate_queue,
    find_registry_duplicates,
    merge_duplicate,
    resolve_record,
    review_duplicate,
    undo_merge,
)
from homeward.services.registry import ImportPersonFile, import_person_file


def person(
    record_id: str,
    surname: str,
    given: str,
    patronymic: str | None,
    born: PartialDate | None,
    number: str | None = None,
    source: str = "",
) -> PersonRecord:
    extra = {"source": source} if source else {}
    return PersonRecord(
        record_id, surname, given, patronymic, Sex.MALE, born, service_number=number, extra=extra
    )


HELD = [
    person("RU-1", "Щербина", "Александр", "Николаевич", PartialDate(1991, 4, 12), "А1234567"),
    person("RU-2", "Гончаренко", "Сергей", "Петрович", PartialDate(1985, 2, 3)),
    person("RU-3", "Гончаренко", "Сергей", "Петрович", PartialDate(1983, 7, 9)),
]
SOUGHT = [
    person(
        "UA-1",
        "Shcherbyna",
        "Oleksandr",
        "Mykolaiovych",
        PartialDate(1991, 4, 12),
        "A1234567",
        "held_confirmed",
    ),
    person("UA-2", "Гончаренко", "Сергій", "Петрович", None, None, "held_confirmed"),
    person("UA-3", "Ткаченко", "Тарас", None, PartialDate(2000, 1, 1), None, "held_confirmed"),
]


def load(engine: Engine, tmp: Path, party: Side, kind: RegistryKind,
         records: list[PersonRecord]) -> None:  # fmt: skip
    rows = [r.as_row() for r in records]
    path = tmp / f"{party.value}-{kind.value}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_person_file(ImportPersonFile(party, kind, path), SqlUnitOfWork(engine))
    # Matching reads submitted lists only: the party submits what it imported.
    list_kind = ListKind.SOUGHT if kind is RegistryKind.SOUGHT else ListKind.HOLDINGS_ACK
    submit_registry(SubmitRegistry(party, list_kind), SqlUnitOfWork(engine, MemoryEventSink()))


def links(engine: Engine) -> dict[str, tuple[str, str, str, dict[str, object]]]:
    """Sought record id -> (held record id, decision, purpose, reasons)."""
    sought_p, held_p = persons.alias("s"), persons.alias("h")
    query = (
        select(identity_links, sought_p.c.record_id.label("s"), held_p.c.record_id.label("h"))
        .join(sought_p, sought_p.c.id == identity_links.c.sought_person_id)
        .join(held_p, held_p.c.id == identity_links.c.held_person_id)
    )
    with engine.connect() as conn:
        return {
            r.s: (r.h, r.decision, r.purpose, json.loads(r.reasons)) for r in conn.execute(query)
        }


def test_a_sought_list_is_matched_and_links_keep_their_weights(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, SOUGHT)
    load(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, HELD)
    events = MemoryEventSink()

    found = run_matching(engine, events)

    stored = links(engine)
    assert found == {"UA": 2, "RU": 0}
    assert stored["UA-1"][:3] == ("RU-1", "match", "holdings")
    assert stored["UA-2"][1:3] == ("review", "holdings")  # two namesakes, no birth date
    assert "UA-3" not in stored
    weights = stored["UA-1"][3]["field_weights"]
    assert isinstance(weights, dict)
    assert weights["service_number"] > 0
    assert ("ListsMatched", {"decisions": {"match": 1, "review": 1}}) in events.events
    assert "Щербина" not in json.dumps(events.events, ensure_ascii=False)
    assert run_matching(engine, events) == {"UA": 0, "RU": 0}  # linked pairs stay as they are


def test_a_family_claim_is_linked_to_the_party_s_own_missing_report(
    engine: Engine, tmp_path: Path
) -> None:
    born = PartialDate(1988, 9, 30)
    sought = [
        person("UA-7", "Кравченко", "Богдан", "Олегович", born, "В5550001", "missing_report"),
        person("UA-8", "Кравченко", "Богдан", "Олегович", born, "В5550001", "family_claim"),
        person(
            "UA-9",
            "Лисенко",
            "Остап",
            "Ярославович",
            PartialDate(1972, 3, 3),
            None,
            "missing_report",
        ),
    ]
    load(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, sought)
    load(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, HELD)
    events = MemoryEventSink()

    run_matching(engine, events)

    stored = links(engine)
    assert stored["UA-8"][0] == "UA-7"
    assert stored["UA-8"][2] == "missing"
    assert [kind for kind, payload in events.events if payload.get("purpose") == "missing"] == [
        "ListsMatched"
    ]


def test_review_verdicts_become_events_and_leave_the_queue(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, SOUGHT)
    load(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, HELD)
    events = MemoryEventSink()
    run_matching(engine, events)

    [item] = review_queue(engine, Side.UA)
    assert (item.sought["record_id"], item.purpose) == ("UA-2", "holdings")
    assert isinstance(item.reasons["field_weights"], dict)
    assert review_queue(engine, Side.UA, purpose="missing") == []

    assert review_link(engine, events, item.link_id, Verdict.DIFFERENT_PEOPLE, "clerk-7") == (
        "different_people"
    )
    assert events.events[-1] == (
        "MatchReviewed",
        {"link": item.link_id, "decision": "different_people", "by": "clerk-7"},
    )
    assert review_queue(engine, Side.UA) == []
    assert links(engine)["UA-2"][1] == "different_people"
    with pytest.raises(LookupError):
        review_link(engine, events, item.link_id, Verdict.ACCEPT, "clerk-7")
    with pytest.raises(ValueError, match="maybe"):
        review_link(engine, events, item.link_id, Verdict("maybe"), "clerk-7")


def test_duplicates_merge_only_through_review_and_every_merge_can_be_undone(engine: Engine) -> None:
    registry = [
        person("UA-10", "Мельник", "Микола", "Іванович", PartialDate(1979, 5, 6), "Б7654321"),
        person("UA-11", "Melnyk", "Mykola", "Ivanovych", PartialDate(1979, 5, 6), "Б7654321"),
        person("UA-12", "Бондар", "Олена", "Петрівна", PartialDate(1990, 1, 2)),
    ]
    events = MemoryEventSink()
    [candidate_id] = find_registry_duplicates(FindDuplicates("UA", "sought", registry), engine)
    assert [q["id"] for q in duplicate_queue(engine, "UA")] == [candidate_id]
    with pytest.raises(ReviewError, match="accept"):
        merge_duplicate(MergeDuplicate(candidate_id, "clerk-1"), engine, events)
    with pytest.raises(ReviewError, match="maybe"):
        review_duplicate(ReviewDuplicate(candidate_id, "maybe", "clerk-1"), engine, events)
    assert events.events == []

    review_duplicate(ReviewDuplicate(candidate_id, "accepted", "clerk-1"), engine, events)
    merge_id = merge_duplicate(MergeDuplicate(candidate_id, "clerk-1"), engine, events)
    assert duplicate_queue(engine, "UA") == []
    assert resolve_record(engine, "UA", "sought", "UA-10") == "UA-11"
    undo_merge(UndoMerge(merge_id, "clerk-2"), engine, events)
    assert resolve_record(engine, "UA", "sought", "UA-10") == "UA-10"
    with pytest.raises(ReviewError, match="already"):
        undo_merge(UndoMerge(merge_id, "clerk-2"), engine, events)
    assert events.kinds() == ["DuplicateAccepted", "RecordsMerged", "MergeUndone"]
    assert events.events[1][1]["merge_id"] == merge_id
    assert "UA-10" not in repr(events.events)  # the log names people only by commitment
