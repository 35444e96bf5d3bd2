"""Ledger tables: the transparency log, its stored subtree hashes, checkpoints, and the
per-person commitment keys (the only thing erasure deletes).

Personal data never enters these tables except ``ledger_person_keys.person_id``, an
internal identifier that links nothing once its key row is deleted.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
)

from homeward.adapters.tables import metadata

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)
"""One row (id 1): the committed tree size; every append updates it in its transaction."""

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("leaf", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)
"""Perfect subtrees of level >= 1: node (level, idx) covers leaves
[idx * 2**level, (idx + 1) * 2**level). Level 0 is ``ledger_entries.leaf_hash``."""

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
)
"""One signed note per checkpointed size, with every signature (cosignatures appended).
``published_at`` is set once the note carries every cosignature the witness policy
requires; until then the checkpoint is pending."""

ledger_cosigners = Table(
    "ledger_cosigners",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
)
"""The last checkpoint each witness cosigned, as the mediator saw it: the size from which
the next add-checkpoint request proves consistency (the witness keeps its own record)."""

ledger_witnesses = Table(
    "ledger_witnesses",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("url", String(400), nullable=False),
    Column("vkey", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("last_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_problem", Text, nullable=True),
)
"""Registered tlog-witnesses (the parties' cosigners, perhaps a neutral one): where to ask,
the cosignature/v1 key they sign with, and why the last request failed (None: it worked)."""

ledger_witness_policy = Table(
    "ledger_witness_policy",
    metadata,
    Column("name", String(64), primary_key=True),
)
"""The witnesses whose cosignatures a checkpoint needs to be published; empty: UA and RU."""

ledger_person_keys = Table(
    "ledger_person_keys",
    metadata,
    Column("person_id", String(200), primary_key=True),
    Column("hmac_key", LargeBinary(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
