"""Train the workspace's matching model: an explicit step, never part of a request.

``run_matching`` (``services.list_matching``) only loads the model saved with the workspace;
this use case makes it, from the lists the parties submitted to the mediator, as
``homeward match train`` and the demo do before anything is matched.

>>> # trained = train_workspace_model(engine, Matcher(settings.model_path))
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from homeward.adapters.list_snapshots import submitted_rows
from homeward.adapters.registry_repo import row_to_record
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import BELLIGERENTS, Side
from homeward.matching.engine import Matcher


class NothingToTrainOn(LookupError):
    """No side has submitted both a list to search and a list of people sought."""


@dataclass(frozen=True, slots=True)
class TrainedModel:
    seeker: Side
    purpose: str
    records: int
    requests: int


def _submitted(engine: Engine, party: Side, kind: ListKind) -> list[PersonRecord]:
    with engine.connect() as conn:
        return [row_to_record(r) for r in submitted_rows(conn, party, kind, Side.MEDIATOR)]


def train_workspace_model(engine: Engine, matcher: Matcher) -> TrainedModel:
    """Train on the first pair of lists ``run_matching`` would match (a side's sought list
    against the other side's acknowledged holdings, else its family claims against its
    missing-person reports) and save the model where ``matcher`` loads it from."""
    for side in BELLIGERENTS:
        sought = _submitted(engine, side, ListKind.SOUGHT)
        pairs = {
            "holdings": (_submitted(engine, side.other, ListKind.HOLDINGS_ACK), sought),
            "missing": (
                [r for r in sought if r.extra.get("source") == "missing_report"],
                [r for r in sought if r.extra.get("source") == "family_claim"],
            ),
        }
        for purpose, (records, requests) in pairs.items():
            if records and requests:
                matcher.train(records, requests)
                return TrainedModel(side, purpose, len(records), len(requests))
    raise NothingToTrainOn(
        "no lists to train the matching model on: a party must first submit its sought list "
        "and the other its acknowledged holdings to the mediator (`homeward lists submit`)"
    )


def ensure_workspace_model(engine: Engine, matcher: Matcher) -> TrainedModel | None:
    """Train the model unless the workspace already has one (the demo's explicit step)."""
    if matcher.trained:
        return None
    return train_workspace_model(engine, matcher)
