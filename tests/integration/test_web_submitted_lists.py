"""A party shares only what it submitted: matching, review, the matches API and list
differences read the submitted versions, never the other party's live registry."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, RegistryKind, Sex, Side
from homeward.matching.engine import Matcher
from homeward.services.events import MemoryEventSink
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.match_model import train_workspace_model
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import bearer, log_in, make_app


def person(
    record_id: str,
    surname: str,
    given: str,
    patronymic: str | None,
    born: PartialDate | None,
    number: str | None = None,
) -> PersonRecord:
    extra = {"source": "held_confirmed"} if record_id.startswith("UA") else {}
    return PersonRecord(
        record_id, surname, given, patronymic, Sex.MALE, born, service_number=number, extra=extra
    )


# One clear match (the same man across scripts) and two RU namesakes of a man UA seeks
# without a birth date: the matcher sends those pairs to review, so they would show on
# UA's review page if RU's rows reached it.
RU_HELD = [
    person("RU-1", "Щербина", "Александр", "Николаевич", PartialDate(1991, 4, 12), "А1234567"),
    person("RU-2", "Гончаренко", "Сергей", "Петрович", PartialDate(1985, 2, 3)),
    person("RU-3", "Гончаренко", "Сергей", "Петрович", PartialDate(1983, 7, 9)),
]
UA_SOUGHT = [
    person("UA-1", "Shcherbyna", "Oleksandr", "Mykolaiovych", PartialDate(1991, 4, 12), "A1234567"),
    person("UA-2", "Гончаренко", "Сергій", "Петрович", None),
    person("UA-3", "Ткаченко", "Тарас", None, PartialDate(2000, 1, 1)),
]
CHANGED = "UNSUBMITTED-CHANGE"


def _import(engine: Engine, tmp: Path, party: Side, kind: RegistryKind, records: list) -> None:
    rows = [r.as_row() for r in records]
    path = tmp / f"{party.value}-{kind.value}-{len(list(tmp.iterdir()))}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_person_file(ImportPersonFile(party, kind, path), SqlUnitOfWork(engine))


@pytest.fixture
def exchange(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    _import(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, UA_SOUGHT)
    submit_registry(
        SubmitRegistry(Side.UA, ListKind.SOUGHT), SqlUnitOfWork(engine, MemoryEventSink())
    )
    _import(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, RU_HELD)  # not submitted
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords


def _run_matching(client: TestClient, passwords: dict[str, str], status: int = 303) -> str:
    client.cookies.clear()
    csrf = log_in(client, "med.coordinator", passwords["med.coordinator"])
    ran = client.post("/review/run", data={"csrf_token": csrf}, follow_redirects=False)
    assert ran.status_code == status
    client.cookies.clear()
    return ran.text


def _train(engine: Engine, workspace: Path) -> None:
    """The mediator's explicit step (``homeward match train``): the web only loads it."""
    train_workspace_model(engine, Matcher(workspace / "match-model.json"))


def _what_ua_sees(client: TestClient, passwords: dict[str, str]) -> tuple[str, list]:
    client.cookies.clear()
    log_in(client, "ua.viewer", passwords["ua.viewer"])
    page = client.get("/review").text
    token = bearer(client, "ua.officer", passwords["ua.officer"])
    matches = client.get("/api/v1/parties/UA/matches", headers=token)
    assert matches.status_code == 200
    client.cookies.clear()
    return page, matches.json()


def test_a_row_ru_never_submitted_never_reaches_ua_s_review_or_matches(
    exchange, engine: Engine, tmp_path: Path
) -> None:
    client, passwords = exchange
    _run_matching(client, passwords)
    page, matches = _what_ua_sees(client, passwords)
    assert matches == []
    for word in ("RU-1", "RU-2", "RU-3", "Сергей", "Александр", "1985-02-03", "1983-07-09"):
        assert word not in page

    # Once RU submits, the same run puts the pairs in front of UA: the test can fail.
    submit_registry(
        SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, MemoryEventSink())
    )
    _train(engine, tmp_path)
    _run_matching(client, passwords)
    page, matches = _what_ua_sees(client, passwords)
    assert {m["held_record_id"] for m in matches} <= {"RU-2", "RU-3"}
    assert matches
    assert "Сергей" in page


def test_a_change_ru_has_not_submitted_is_invisible_to_ua(
    exchange, engine: Engine, tmp_path: Path
) -> None:
    client, passwords = exchange
    submit_registry(
        SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, MemoryEventSink())
    )
    changed = [person("RU-2", CHANGED, "Сергей", "Петрович", PartialDate(1985, 2, 3))]
    _import(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, changed)  # not resubmitted
    _train(engine, tmp_path)
    _run_matching(client, passwords)

    page, matches = _what_ua_sees(client, passwords)
    assert matches  # the pairs are there, with RU's rows as submitted
    assert CHANGED not in page
    assert CHANGED not in str(matches)
    log_in(client, "ua.viewer", passwords["ua.viewer"])
    params = {"party": "RU", "kind": "holdings_ack", "recipient": "UA", "old": 0, "new": 1}
    diff = client.get("/lists/diff", params=params)
    assert diff.status_code == 200
    assert "Гончаренко" in diff.text
    assert CHANGED not in diff.text

    # Submitted, the change is RU's word to UA: it shows, as a changed row.
    submit_registry(
        SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, MemoryEventSink())
    )
    diff = client.get("/lists/diff", params={**params, "old": 1, "new": 2})
    assert CHANGED in diff.text
    assert "Changed (1)" in diff.text


def test_matching_in_the_web_app_never_trains_and_says_how_to_train_a_model(
    exchange, engine: Engine, tmp_path: Path
) -> None:
    client, passwords = exchange
    submit_registry(
        SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, MemoryEventSink())
    )
    answer = _run_matching(client, passwords, status=409)
    assert "homeward match train" in answer
    assert not (tmp_path / "match-model.json").exists()  # the request trained nothing
    matches = _what_ua_sees(client, passwords)[1]
    assert matches == []
    _train(engine, tmp_path)
    _run_matching(client, passwords)
    assert _what_ua_sees(client, passwords)[1]
