"""Carry-over between rounds: the statements that let a kept-out person be planned again.

``carry_over_clearances`` holds, per failed handover, the statement that clears it for a
later round: the mediator's new confirmation (after a refusal, an unfit-to-travel or an
identity mismatch) or the holding party's statement that proceedings are over. No free
text: the mediator's notes stay in ``interview_notes``.
"""

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table

from homeward.adapters.tables import metadata

carry_over_clearances = Table(
    "carry_over_clearances",
    metadata,
    Column("handover_id", Integer, ForeignKey("handovers.id"), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("by_party", String(8), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
