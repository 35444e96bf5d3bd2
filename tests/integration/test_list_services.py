"""Submitting whole registries, drafts and the review of identity links, through services."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.factories import import_rows, person_rows

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    IdentityLink,
    RecordLinks,
    record_identity_links,
)
from homeward.services.list_matching import Verdict, link_party, review_link, review_queue
from homeward.services.lists import (
    SubmitRegistry,
    list_drafts,
    list_versions,
    registry_ids,
    submit_registry,
)


def test_a_draft_shows_what_submitting_the_registry_would_change(
    engine: Engine, tmp_path: Path
) -> None:
    events = MemoryEventSink()
    import_rows(engine, tmp_path, Side.UA, RegistryKind.HOLDINGS, person_rows("UAH", 5, seed=1))
    before = {d.kind: d for d in list_drafts(Side.UA, SqlUnitOfWork(engine))}
    assert (before[ListKind.HOLDINGS_ACK].to_add, before[ListKind.HOLDINGS_ACK].to_remove) == (5, 0)
    assert before[ListKind.SOUGHT].in_registry == 0

    version = submit_registry(
        SubmitRegistry(Side.UA, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events)
    )

    after = {d.kind: d for d in list_drafts(Side.UA, SqlUnitOfWork(engine))}
    assert version == 1
    assert (after[ListKind.HOLDINGS_ACK].last_submitted, after[ListKind.HOLDINGS_ACK].to_add) == (
        5,
        0,
    )
    versions = list_versions((Side.UA,), SqlUnitOfWork(engine))
    assert sorted((v.recipient, v.version, v.size) for v in versions) == [
        ("MED", 1, 5),
        ("RU", 1, 5),
    ]
    assert events.kinds() == ["ListSubmitted", "ListSubmitted"]


def test_a_reviewer_decides_a_doubtful_link_once(engine: Engine, tmp_path: Path) -> None:
    events = MemoryEventSink()
    import_rows(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, person_rows("UAS", 2, seed=3))
    import_rows(
        engine,
        tmp_path,
        Side.RU,
        RegistryKind.HOLDINGS,
        person_rows("RUH", 2, seed=4, locale="ru_RU"),
    )
    submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), SqlUnitOfWork(engine, events))
    submit_registry(SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events))
    sought = registry_ids(Side.UA, RegistryKind.SOUGHT, SqlUnitOfWork(engine))
    held = registry_ids(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine))
    record_identity_links(
        RecordLinks([IdentityLink(sought[0], held[0], 0.6, "review", {})]),
        SqlUnitOfWork(engine, events),
    )

    [item] = review_queue(engine, Side.UA)
    assert review_queue(engine, Side.RU) == []
    assert link_party(engine, item.link_id) is Side.UA
    assert (item.sought["id"], item.held["id"]) == (sought[0], held[0])

    assert review_link(engine, events, item.link_id, Verdict.ACCEPT, "ua-reviewer") == "match"
    assert review_queue(engine, None) == []
    with pytest.raises(LookupError):
        review_link(engine, events, item.link_id, Verdict.REJECT, "ua-reviewer")
    assert events.events[-1] == (
        "MatchReviewed",
        {"link": item.link_id, "decision": "match", "by": "ua-reviewer"},
    )
