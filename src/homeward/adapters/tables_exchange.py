"""Exchange tables: lists, agreements, tranches, handovers, reserves, releases, interviews."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false

from homeward.adapters.tables import metadata

exchange_lists = Table(
    "exchange_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party", String(8), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("recipient", String(8), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    # How many people the list names (its items never change once submitted).
    Column("size", Integer, nullable=False, server_default="0"),
    UniqueConstraint("party", "kind", "recipient", "version", name="uq_exchange_lists_version"),
)

exchange_list_items = Table(
    "exchange_list_items",
    metadata,
    Column("list_id", Integer, ForeignKey("exchange_lists.id"), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), primary_key=True),
    # The person's row as it was submitted (JSON): the other side and the mediator read
    # this snapshot, never the party's live registry (blanked when the person is erased).
    Column("record", Text),
)

identity_links = Table(
    "identity_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sought_person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("held_person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("probability", String(16), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reasons", Text, nullable=False, default="{}"),
    # holdings: the other side's acknowledged holding; missing: the same party's own
    # missing-person report (held_person_id then names that report's person).
    Column("purpose", String(16), nullable=False, default="holdings", server_default="holdings"),
    UniqueConstraint("sought_person_id", "held_person_id", name="uq_identity_links_pair"),
)

Index("ix_identity_links_held_person_id", identity_links.c.held_person_id)

agreements = Table(
    "agreements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("terms", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

agreement_signatures = Table(
    "agreement_signatures",
    metadata,
    Column("agreement_id", Integer, ForeignKey("agreements.id"), primary_key=True),
    Column("party", String(8), primary_key=True),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=True),  # the party's signed note over the terms
)

tranches = Table(
    "tranches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", Integer, ForeignKey("agreements.id"), nullable=False),
    Column("day", Integer, nullable=False),
    Column("date", Date, nullable=False),
    Column("crossing", String(200), nullable=False),
    Column("status", String(16), nullable=False, default="planned"),
    UniqueConstraint("agreement_id", "day", name="uq_tranches_agreement_day"),
)

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tranche_id", Integer, ForeignKey("tranches.id"), nullable=False),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("from_party", String(8), nullable=False),
    Column("category", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("exception", String(32)),
    Column("substitute_for", Integer, ForeignKey("handovers.id")),
    Column("checkin_code", String(16), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # A seriously ill or wounded person the terms send beyond parity: if they fail, they
    # are dropped, nobody substitutes or counterbalances them.
    Column("outside_parity", Boolean, nullable=False, default=False, server_default=sa_false()),
)

Index("ix_handovers_person_id", handovers.c.person_id)
Index("ix_handovers_tranche_id_state", handovers.c.tranche_id, handovers.c.state)

reserves = Table(
    "reserves",
    metadata,
    Column("agreement_id", Integer, ForeignKey("agreements.id"), primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), primary_key=True),
    Column("party", String(8), nullable=False),
    Column("category", String(16), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("used_by", Integer, ForeignKey("handovers.id")),
)

releases = Table(
    "releases",
    metadata,
    Column("person_id", Integer, ForeignKey("persons.id"), primary_key=True),
    Column("handover_id", Integer, ForeignKey("handovers.id"), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=False),
)

interview_notes = Table(
    "interview_notes",
    metadata,
    Column("handover_id", Integer, ForeignKey("handovers.id"), primary_key=True),
    Column("outcome", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

rebalancing_proposals = Table(
    "rebalancing_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    # The failed handover this proposal makes good.
    Column("handover_id", Integer, ForeignKey("handovers.id"), nullable=False),
    Column("remedy", String(16), nullable=False),  # substitute, hold_back, drop
    # The substitute or the person held back (none for a drop), their side, category, day.
    Column("person_id", Integer, ForeignKey("persons.id")),
    Column("party", String(8)),
    Column("category", String(16)),
    Column("day", Integer),
    Column("held_back_id", Integer, ForeignKey("handovers.id")),
    Column("state", String(16), nullable=False),  # pending, accepted, declined
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(200)),
    # The substitute's new handover, or the handover held back.
    Column("result_handover_id", Integer, ForeignKey("handovers.id")),
)

Index("ix_rebalancing_proposals_state", rebalancing_proposals.c.state)
Index("ix_rebalancing_proposals_handover_id", rebalancing_proposals.c.handover_id)

# Steps a device took offline and replayed: the device's own id makes each apply at most
# once; its outcome is kept to answer a resend the same way.
queued_steps = Table(
    "queued_steps",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("device", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("handover_id", Integer, nullable=False),
    Column("step", String(32), nullable=False),
    Column("seen_state", String(32), nullable=False),
    Column("username", String(200), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("detail", Text, nullable=False),
    Column("state_after", String(32)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("device", "seq", name="uq_queued_steps_device_seq"),
)
