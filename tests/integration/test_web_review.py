"""Match review through the web: three verdicts on the page and in the API, each pair shown
with its purpose, and a party sees only the pairs about its own sought people."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homeward.adapters.tables_exchange import identity_links
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, RegistryKind, Sex, Side
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    IdentityLink,
    RecordLinks,
    record_identity_links,
)
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import bearer, log_in, make_app

BORN = PartialDate(1990, 1, 1)


def _person(record_id: str, surname: str, source: str = "") -> PersonRecord:
    extra = {"source": source} if source else {}
    return PersonRecord(record_id, surname, "Тестовий", None, Sex.MALE, BORN, extra=extra)


REGISTRIES = {
    (Side.UA, RegistryKind.SOUGHT): [
        _person("UA-S1", "Пробний-Розшук", "held_confirmed"),
        _person("UA-S2", "Пробний-Зниклий", "missing_report"),
        _person("UA-S3", "Пробний-Родина", "family_claim"),
    ],
    (Side.RU, RegistryKind.HOLDINGS): [_person("RU-H1", "Пробный-Удержан")],
    (Side.RU, RegistryKind.SOUGHT): [
        _person("RU-S1", "Условный-Пропавший", "missing_report"),
        _person("RU-S2", "Условный-Семья", "family_claim"),
    ],
}
# (sought record, held or reported record, purpose); every pair waits for review.
PAIRS = [
    ("UA-S1", "RU-H1", "holdings"),
    ("UA-S3", "UA-S2", "missing"),
    ("RU-S2", "RU-S1", "missing"),
]


def _load(engine: Engine, tmp: Path) -> None:
    for (party, kind), records in REGISTRIES.items():
        rows = [r.as_row() for r in records]
        path = tmp / f"{party.value}-{kind.value}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        import_person_file(ImportPersonFile(party, kind, path), SqlUnitOfWork(engine))
        # Only what a party submitted is seen outside it, so every registry is submitted.
        list_kind = ListKind.SOUGHT if kind is RegistryKind.SOUGHT else ListKind.HOLDINGS_ACK
        submit_registry(SubmitRegistry(party, list_kind), SqlUnitOfWork(engine, MemoryEventSink()))


def _link_ids(engine: Engine) -> dict[str, int]:
    """Sought record id -> link id, after storing PAIRS as doubtful links."""
    with engine.connect() as conn:
        ids = {r.record_id: int(r.id) for r in conn.execute(select(persons))}
    for sought, held, purpose in PAIRS:
        link = IdentityLink(ids[sought], ids[held], 0.55, "review", {"surname": "differ"})
        record_identity_links(
            RecordLinks([link], purpose), SqlUnitOfWork(engine, MemoryEventSink())
        )
    with engine.connect() as conn:
        return {
            sought: int(link_id)
            for sought, link_id in conn.execute(
                select(persons.c.record_id, identity_links.c.id).join(
                    identity_links, identity_links.c.sought_person_id == persons.c.id
                )
            )
        }


def _decision(engine: Engine, link_id: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(identity_links.c.decision).where(identity_links.c.id == link_id)
            ).scalar_one()
        )


@pytest.fixture
def review(engine: Engine, tmp_path: Path) -> tuple[FastAPI, dict[str, str], dict[str, int]]:
    _load(engine, tmp_path)
    links = _link_ids(engine)
    app, passwords = make_app(engine, tmp_path)
    return app, passwords, links


def test_a_reviewer_marks_a_family_claim_as_different_people_on_the_page(
    review, engine: Engine
) -> None:
    app, passwords, links = review
    with TestClient(app) as client:
        csrf = log_in(client, "ua.officer", passwords["ua.officer"])
        page = client.get("/review").text
        assert page.count('class="card review-item"') == 2
        assert "against RU&#39;s holdings" in page
        assert "against UA&#39;s own missing-person reports" in page
        assert "Held by" in page
        assert "Missing report" in page
        assert "Different people (D)" in page
        assert 'data-key="d"' in page

        refused = client.post(
            f"/review/{links['UA-S3']}", data={"decision": "maybe", "csrf_token": csrf}
        )
        assert refused.status_code == 422
        assert "Choose accept, reject or different people." in refused.text
        forged = client.post(f"/review/{links['UA-S3']}", data={"decision": "different_people"})
        assert forged.status_code == 403
        assert _decision(engine, links["UA-S3"]) == "review"

        done = client.post(
            f"/review/{links['UA-S3']}",
            data={"decision": "different_people", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert (done.status_code, done.headers["location"]) == (303, "/review")
        assert _decision(engine, links["UA-S3"]) == "different_people"
        after = client.get("/review").text
        assert after.count('class="card review-item"') == 1
        assert "Missing report" not in after


def test_the_review_page_speaks_ukrainian_and_russian(review) -> None:
    app, passwords, _links = review
    expected = {
        "uk": ("Різні люди (D)", "Повідомлення про зниклого", "стороною RU"),
        "ru": ("Разные люди (D)", "Сообщение о пропавшем", "стороной RU"),
    }
    with TestClient(app) as client:
        csrf = log_in(client, "ua.officer", passwords["ua.officer"])
        for language, phrases in expected.items():
            client.post("/language", data={"language": language, "csrf_token": csrf})
            page = client.get("/review").text
            for phrase in phrases:
                assert phrase in page, (language, phrase)


def test_the_api_shows_each_pair_s_purpose_and_takes_three_verdicts(review, engine: Engine) -> None:
    app, passwords, links = review
    with TestClient(app) as client:
        headers = bearer(client, "ua.officer", passwords["ua.officer"])
        queue = client.get("/api/v1/parties/UA/matches", headers=headers).json()
        assert {(m["sought_record_id"], m["held_record_id"], m["purpose"]) for m in queue} == {
            ("UA-S1", "RU-H1", "holdings"),
            ("UA-S3", "UA-S2", "missing"),
        }
        for body in ({"verdict": "maybe"}, {"accept": True}):
            refused = client.post(f"/api/v1/matches/{links['UA-S1']}", json=body, headers=headers)
            assert refused.status_code == 422
            assert ["body", "verdict"] in [e["loc"] for e in refused.json()["detail"]]

        answer = client.post(
            f"/api/v1/matches/{links['UA-S1']}",
            json={"verdict": "different_people"},
            headers=headers,
        )
        assert answer.json() == {"decision": "different_people"}
        assert _decision(engine, links["UA-S1"]) == "different_people"
        again = client.post(
            f"/api/v1/matches/{links['UA-S1']}", json={"verdict": "accept"}, headers=headers
        )
        assert again.status_code == 422
        assert again.json()["detail"][0]["loc"] == ["body", "link_id"]


def test_a_party_never_sees_or_decides_the_other_party_s_missing_links(
    review, engine: Engine
) -> None:
    app, passwords, links = review
    with TestClient(app) as client:
        csrf = log_in(client, "ru.officer", passwords["ru.officer"])
        page = client.get("/review").text
        assert page.count('class="card review-item"') == 1
        assert "Условный-Семья" in page
        assert "Пробний" not in page  # neither UA's missing pair nor its holdings pair
        blocked = client.post(
            f"/review/{links['UA-S3']}", data={"decision": "different_people", "csrf_token": csrf}
        )
        assert blocked.status_code == 404  # another party's pair is not even said to exist

        headers = bearer(client, "ru.officer", passwords["ru.officer"])
        own = client.get("/api/v1/parties/RU/matches", headers=headers).json()
        assert [(m["sought_record_id"], m["purpose"]) for m in own] == [("RU-S2", "missing")]
        assert client.get("/api/v1/parties/UA/matches", headers=headers).status_code == 404
        answer = client.post(
            f"/api/v1/matches/{links['UA-S3']}", json={"verdict": "accept"}, headers=headers
        )
        assert answer.status_code == 404
    assert _decision(engine, links["UA-S3"]) == "review"
