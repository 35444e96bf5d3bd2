"""Python-side words in the reader's language: refusals, numbers, ids turned into words,
and list differences in the order a Ukrainian reader expects."""

from __future__ import annotations

import csv
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import RegistryKind, Sex, Side
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import CompareVersions
from homeward.services.lists import SubmitRegistry, list_difference, submit_registry
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.denials import explain_denial
from homeward.web.i18n import format_number, format_share, load_all, pick
from homeward.web.testing import log_in, make_app


def test_counts_and_shares_are_written_as_each_language_writes_them() -> None:
    assert format_number(10000, "en") == "10,000"
    assert format_number(10000, "uk") == "10\u00a0000"
    assert format_number(10000, "ru") == "10\u00a0000"
    assert format_share(0.096, "en") == "9.6%"
    assert format_share(0.096, "uk") == "9,6%"
    assert format_share(0.096, "ru") == "9,6\u00a0%"


def test_every_reason_of_the_access_policy_reads_in_ukrainian_and_russian() -> None:
    translations = load_all()
    reasons = [
        "viewers cannot change data",
        "read only",
        "registry of RU is not shared",
        "only UA confirms its own receipt",
        "quarantine belongs to the parties",
        "the mediator verifies",
    ]
    for language in ("uk", "ru"):
        gettext = pick(translations, language)
        for reason in reasons:
            told = explain_denial(reason, gettext)
            assert told != reason, (language, reason)
            assert not any(
                "a" <= c.lower() <= "z" for c in told.replace("UA", "").replace("RU", "")
            )


def test_a_viewer_refused_a_change_is_told_why_in_ukrainian(engine: Engine, tmp_path: Path) -> None:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        csrf = log_in(client, "ua.viewer", passwords["ua.viewer"])
        client.post("/language", data={"language": "uk", "csrf_token": csrf})
        page = client.post("/lists/submit", data={"kind": "sought", "csrf_token": csrf})
    assert page.status_code == 403
    assert "Переглядачі не можуть змінювати дані." in page.text
    assert "viewers cannot change data" not in page.text


def test_the_list_notice_names_the_list_and_its_version_in_words(
    engine: Engine, tmp_path: Path
) -> None:
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        csrf = log_in(client, "ua.officer", passwords["ua.officer"])
        client.post("/language", data={"language": "ru", "csrf_token": csrf})
        page = client.get("/lists?notice=submitted-holdings_ack-v2")
    notice = page.text.split('id="notice">', 1)[1].split("</p>", 1)[0]
    assert "holdings_ack" not in notice
    assert "версия 2" in notice


def _import(engine: Engine, path: Path, names: list[tuple[str, str]]) -> None:
    rows = [
        PersonRecord(f"UA-{path.stem}-{i}", surname, given, None, Sex.MALE, None).as_row()
        for i, (surname, given) in enumerate(names)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_person_file(ImportPersonFile(Side.UA, RegistryKind.SOUGHT, path), SqlUnitOfWork(engine))


def test_list_differences_list_names_in_ukrainian_alphabetical_order(
    engine: Engine, tmp_path: Path
) -> None:
    events = MemoryEventSink()
    _import(engine, tmp_path / "first.csv", [("Мельник", "Олег")])
    submit_registry(SubmitRegistry(Side.UA, ListKind.SOUGHT), SqlUnitOfWork(engine, events))
    added = [("Їжак", "Іван"), ("Smith", "John"), ("Іваненко", "Петро"), ("Ґалаган", "Юрій")]
    added += [("Андрієнко", "Олег"), ("Гончар", "Тарас"), ("Єременко", "Ігор")]
    _import(engine, tmp_path / "second.csv", added)
    version = submit_registry(
        SubmitRegistry(Side.UA, ListKind.SOUGHT), SqlUnitOfWork(engine, events)
    )
    diff = list_difference(
        CompareVersions(Side.UA, ListKind.SOUGHT, Side.RU, version - 1, version),
        SqlUnitOfWork(engine),
    )
    surnames = [r["surname"] for r in diff["added"]]
    assert surnames == ["Андрієнко", "Гончар", "Ґалаган", "Єременко", "Іваненко", "Їжак", "Smith"]


def test_the_report_reads_in_ukrainian_and_russian_with_numbers_as_they_write_them() -> None:
    from homeward.catalogues import gettext_in
    from homeward.reports.html import render_report

    side = {"military": 880, "civilian": 120, "total": 1000}
    summary = {
        "agreement": {"name": "Istanbul 2025: 1000 for 1000"},
        "totals": {"UA": side, "RU": side},
        "tranches": [{"day": 1, "date": "2025-05-23", "released_by": {"UA": side, "RU": side}}],
        "exceptions": [
            {
                "day": 1,
                "side": "UA",
                "category": "military",
                "record_id": "UA-H-000020",
                "exception": "not_found",
                "resolution": "substitute",
                "substitute_record_id": "UA-H-000393",
            }
        ],
        "sought_recovered": {"UA": {"sought": 10000, "recovered": 957}},
    }
    english = render_report(summary)
    assert "Exceptions and how parity was kept" in english
    assert "9.6%" in english
    for language, words in {
        "uk": ("Стамбул 2025", "Винятки і як було збережено паритет", "військовий", "9,6%"),
        "ru": ("Стамбул 2025", "Исключения и как был сохранён паритет", "военный", "9,6\u00a0%"),
    }.items():
        page = render_report(summary, gettext_in(language), language)
        assert f'<html lang="{language}">' in page
        for word in words:
            assert word in page, (language, word)
        assert "10\u00a0000" in page
        for phrase in ("Exceptions", "Released by", "Recovered against", "Day 1", "not found"):
            assert phrase not in page, (language, phrase)


def test_one_persons_category_and_health_are_in_the_singular_and_groups_in_the_plural() -> None:
    from homeward.catalogues import gettext_in
    from homeward.domain.display_names import category_words, place_words, tranche_words

    uk, ru = gettext_in("uk"), gettext_in("ru")
    assert [category_words(v, uk) for v in ("military", "wounded", "seriously_ill")] == [
        "військовий",
        "поранений",
        "тяжкохворий",
    ]
    assert uk("wounded") == "поранені"  # a group, as on the plan's priority groups
    assert [category_words(v, ru) for v in ("civilian", "fit")] == ["гражданский", "здоров"]
    assert tranche_words("day-2", uk) == "День 2"
    assert tranche_words("reserve-a", uk) == "reserve-a"  # not readable as words: as written
    assert place_words("ua-by-border", ru) == "украинско-белорусская граница"
