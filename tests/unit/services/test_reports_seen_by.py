"""Reports as each reader may see them: the mediator's findings are one "did not travel"
figure to the parties and in the public bulletin, never split, never recoverable."""

from __future__ import annotations

from typing import Any

from homeward.domain.values import Side
from homeward.services.reports import public_bulletin, summary_seen_by


def _exception(side: str, exception: str, resolution: str = "substitute") -> dict[str, Any]:
    return {
        "day": 1,
        "handover": 1,
        "side": side,
        "category": "military",
        "record_id": "RU-H-000001",
        "exception": exception,
        "resolution": resolution,
        "substitute_record_id": None,
    }


def _summary(exceptions: list[dict[str, Any]]) -> dict[str, Any]:
    blank = {"military": 0, "civilian": 0, "total": 0}
    return {
        "agreement": {"id": 1, "name": "Test"},
        "tranches": [
            {
                "day": 1,
                "date": "2025-05-23",
                "crossing": "x",
                "released_by": {"UA": blank, "RU": blank},
            }
        ],
        "totals": {"UA": blank, "RU": blank},
        "exceptions": exceptions,
        "sought_recovered": {},
    }


FINDINGS = [
    _exception("RU", "refuses_repatriation"),
    _exception("RU", "unfit_to_travel"),
    _exception("RU", "identity_mismatch"),
    _exception("RU", "held_back_for_parity", "withdrawn"),
    _exception("RU", "deceased"),
]


def test_a_party_reads_every_finding_of_the_mediator_and_a_hold_back_alike() -> None:
    for viewer in (Side.UA, Side.RU):
        seen = [e["exception"] for e in summary_seen_by(_summary(FINDINGS), viewer)["exceptions"]]
        assert seen == ["did_not_travel"] * 4 + ["deceased"]


def test_the_mediator_reads_what_it_found() -> None:
    seen = summary_seen_by(_summary(FINDINGS), Side.MEDIATOR)["exceptions"]
    assert [e["exception"] for e in seen] == [e["exception"] for e in FINDINGS]


def test_the_bulletin_gives_one_suppressed_figure_per_outcome_and_no_total() -> None:
    many = FINDINGS + [_exception("RU", "refuses_repatriation")] * 3
    bulletin = public_bulletin(_summary(many))
    assert bulletin["did_not_travel"] == {
        "RU": {"deceased": "<5", "did_not_travel": 7},
        "UA": {},
    }
    assert "refuses" not in repr(bulletin)
    assert "unfit" not in repr(bulletin)


def test_a_refusal_changes_no_public_figure_but_the_merged_one() -> None:
    with_refusal = public_bulletin(_summary(FINDINGS))
    with_unfit = public_bulletin(_summary([_exception("RU", "unfit_to_travel"), *FINDINGS[1:]]))
    assert with_refusal == with_unfit
