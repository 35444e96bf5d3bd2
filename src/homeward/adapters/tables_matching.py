"""Duplicate tables: pairs of one registry that may be one person, verdicts, merges.

Sought-to-held links are not here: they live in ``identity_links`` (tables_exchange).

Record ids are the registry's own ``record_id`` within (party, kind); the registry tables
belong to the registry feature, so these tables refer to them by value, not by foreign key.
"""

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from homeward.adapters.tables import metadata

match_candidates = Table(
    "match_candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(64), nullable=False),
    Column("party", String(8), nullable=False),  # whose registry
    Column("purpose", String(16), nullable=False),  # duplicate (the only one left)
    Column("request_kind", String(16), nullable=False),
    Column("request_id", String(200), nullable=False),
    Column("target_party", String(8), nullable=False),
    Column("target_kind", String(16), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("decision", String(16), nullable=False),  # review: duplicates never merge alone
    Column("field_weights", Text, nullable=False),  # JSON object: field -> log2 Bayes factor
    Column("flags", String(200), nullable=False, default=""),
    Column("status", String(24), nullable=False),  # open | accepted | rejected | different_people
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("run_id", "request_id", "record_id", name="uq_match_candidates_pair"),
)
Index("ix_match_candidates_party_status", match_candidates.c.party, match_candidates.c.status)

match_reviews = Table(
    "match_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("match_candidates.id"), nullable=False),
    Column("verdict", String(24), nullable=False),  # accepted | rejected | different_people
    Column("reviewer", String(200), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

record_merges = Table(
    "record_merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("kept_record_id", String(200), nullable=False),
    Column("merged_record_id", String(200), nullable=False),
    Column("review_id", Integer, ForeignKey("match_reviews.id"), nullable=False),
    Column("merged_by", String(200), nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
    Column("undone_by", String(200)),
    Column("undone_at", DateTime(timezone=True)),
)
Index("ix_record_merges_merged", record_merges.c.party, record_merges.c.kind,
      record_merges.c.merged_record_id)  # fmt: skip
