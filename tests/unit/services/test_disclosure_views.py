"""A handover card and a log entry as each reader may see them."""

from __future__ import annotations

from homeward.domain.values import Side
from homeward.services.disclosure import card_seen_by, entry_seen_by, outcome_commitment


def test_a_card_reads_did_not_travel_to_a_party_and_the_finding_to_the_mediator() -> None:
    card = {"id": 3, "state": "failed", "exception": "identity_mismatch", "person": {}}
    assert card_seen_by(card, Side.UA) == {
        **card,
        "state": "did_not_travel",
        "exception": None,
    }
    assert card_seen_by(card, Side.MEDIATOR) == card
    held = {"id": 4, "state": "failed", "exception": "held_for_proceedings"}
    assert card_seen_by(held, Side.RU) == held  # the holder's own word stays


def test_an_old_log_entry_shows_a_party_neither_the_refusal_nor_the_username() -> None:
    entry = {
        "kind": "handover_failed",
        "payload": {"handover": 9, "exception": "refuses_repatriation", "by": "med.field"},
    }
    for party in (Side.UA, Side.RU):
        shown = entry_seen_by(entry, party)["payload"]
        assert shown == {"handover": 9, "outcome": "did_not_travel", "by": "staff"}
    assert entry_seen_by(entry, Side.MEDIATOR) == entry


def test_a_new_log_entry_is_shown_as_it_is() -> None:
    entry = {
        "kind": "handover_failed",
        "payload": {"outcome": "did_not_travel", "by": "actor-0123456789abcdef"},
    }
    assert entry_seen_by(entry, Side.UA) == entry


def test_an_outcome_commitment_binds_the_handover_the_outcome_and_the_salt() -> None:
    salt = bytes(range(32))
    base = outcome_commitment(salt, 1, "refuses_repatriation")
    assert len(base) == 64
    assert base != outcome_commitment(salt, 2, "refuses_repatriation")
    assert base != outcome_commitment(salt, 1, "unfit_to_travel")
    assert base != outcome_commitment(bytes(32), 1, "refuses_repatriation")
