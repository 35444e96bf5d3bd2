"""Review service on SQLite and PostgreSQL: candidates, verdicts, merges only through review."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from homeward.adapters.tables_matching import match_candidates
from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, Sex
from homeward.services.matching import (
    FindDuplicates,
    MatchSoughtList,
    MergeDuplicate,
    ReviewCandidate,
    ReviewError,
    UndoMerge,
    find_registry_duplicates,
    match_sought_list,
    merge_duplicate,
    resolve_record,
    review_candidate,
    review_queue,
    undo_merge,
)


def person(record_id: str, surname: str, given: str, patronymic: str | None,
           born: PartialDate | None, number: str | None = None) -> PersonRecord:  # fmt: skip
    return PersonRecord(
        record_id, surname, given, patronymic, Sex.MALE, born, service_number=number
    )


HELD = [
    person("RU-1", "Щербина", "Александр", "Николаевич", PartialDate(1991, 4, 12), "А1234567"),
    person("RU-2", "Гончаренко", "Сергей", "Петрович", PartialDate(1985, 2, 3)),
    person("RU-3", "Гончаренко", "Сергей", "Петрович", PartialDate(1983, 7, 9)),
]
SOUGHT = [
    person("UA-1", "Shcherbyna", "Oleksandr", "Mykolaiovych", PartialDate(1991, 4, 12), "A1234567"),
    person("UA-2", "Гончаренко", "Сергій", "Петрович", None),
    person("UA-3", "Ткаченко", "Тарас", None, PartialDate(2000, 1, 1)),
]


def test_a_sought_list_is_matched_and_candidates_keep_their_weights(engine: Engine) -> None:
    out = match_sought_list(MatchSoughtList("UA", SOUGHT, HELD, own_missing=[]), engine)
    decisions = {r.request_id: (r.decision.value, r.record_id) for r in out.holdings}
    assert decisions["UA-1"] == ("match", "RU-1")
    assert decisions["UA-2"][0] == "review"  # two namesakes, no birth date: a person decides
    assert decisions["UA-3"] == ("no_match", None)
    assert out.event["kind"] == "SoughtListMatched"
    assert "Щербина" not in json.dumps(out.event, ensure_ascii=False)
    with engine.connect() as conn:
        rows = conn.execute(select(match_candidates)).all()
    assert len(rows) == len(out.candidate_ids) == 2
    weights = json.loads(next(r.field_weights for r in rows if r.request_id == "UA-1"))
    assert weights["service_number"] > 0


def test_review_verdicts_become_events_and_leave_the_queue(engine: Engine) -> None:
    match_sought_list(MatchSoughtList("UA", SOUGHT, HELD), engine)
    queue = review_queue(engine, "UA")
    assert [q["request_id"] for q in queue] == ["UA-2"]
    assert isinstance(queue[0]["field_weights"], dict)
    event = review_candidate(ReviewCandidate(queue[0]["id"], "different_people", "clerk-7"), engine)
    assert event["kind"] == "MarkedDifferentPeople"
    assert event["payload"]["reviewer"] == "clerk-7"
    assert review_queue(engine, "UA") == []
    with pytest.raises(ReviewError):
        review_candidate(ReviewCandidate(queue[0]["id"], "maybe", "clerk-7"), engine)


def test_duplicates_merge_only_through_review_and_every_merge_can_be_undone(engine: Engine) -> None:
    registry = [
        person("UA-10", "Мельник", "Микола", "Іванович", PartialDate(1979, 5, 6), "Б7654321"),
        person("UA-11", "Melnyk", "Mykola", "Ivanovych", PartialDate(1979, 5, 6), "Б7654321"),
        person("UA-12", "Бондар", "Олена", "Петрівна", PartialDate(1990, 1, 2)),
    ]
    [candidate_id] = find_registry_duplicates(FindDuplicates("UA", "sought", registry), engine)
    with pytest.raises(ReviewError, match="accept"):
        merge_duplicate(MergeDuplicate(candidate_id, "clerk-1"), engine)
    review_candidate(ReviewCandidate(candidate_id, "accepted", "clerk-1"), engine)
    merged = merge_duplicate(MergeDuplicate(candidate_id, "clerk-1"), engine)
    assert merged["kind"] == "RecordsMerged"
    assert resolve_record(engine, "UA", "sought", "UA-10") == "UA-11"
    undone = undo_merge(UndoMerge(merged["payload"]["merge_id"], "clerk-2"), engine)
    assert undone["kind"] == "MergeUndone"
    assert resolve_record(engine, "UA", "sought", "UA-10") == "UA-10"
    with pytest.raises(ReviewError, match="already"):
        undo_merge(UndoMerge(merged["payload"]["merge_id"], "clerk-2"), engine)
