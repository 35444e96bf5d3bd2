"""Match a party's sought list against the other side's acknowledged holdings.

The Splink model (``homeward.matching``) decides match / review / no_match per sought
person; matches and doubtful pairs become identity links between registry persons, each
with the per-field match weights a reviewer sees. The model is trained once and saved with
the workspace (``model_path``), then reused for new lists without retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from homeward.domain.person import PersonRecord
from homeward.matching.decide import Decision
from homeward.matching.engine import match_records
from homeward.services.exchange import IdentityLink


def link_lists(
    sought: Sequence[tuple[int, PersonRecord]],
    held: Sequence[tuple[int, PersonRecord]],
    model_path: Path | None,
) -> list[IdentityLink]:
    """Links from sought to held persons (registry ids); no_match gives no link."""
    if not sought or not held:
        return []
    sought_ids = {record.record_id: pid for pid, record in sought}
    held_ids = {record.record_id: pid for pid, record in held}
    results = match_records([r for _, r in held], [r for _, r in sought], model_path=model_path)
    links = []
    for result in results:
        if result.decision is Decision.NO_MATCH or result.record_id is None:
            continue
        reasons: dict[str, object] = {
            "field_weights": {k: round(v, 3) for k, v in result.field_weights.items()}
        }
        if result.flags:
            reasons["flags"] = result.flags
        if result.runner_up:
            reasons["runner_up"] = result.runner_up
        links.append(
            IdentityLink(
                sought_ids[result.request_id],
                held_ids[result.record_id],
                result.probability,
                result.decision.value,
                reasons,
            )
        )
    return links
