"""Registry tables: persons each party holds or seeks, import batches, quarantine."""

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from homeward.adapters.tables import metadata

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("surname", String(500), nullable=False),
    Column("given_name", String(500), nullable=False),
    Column("patronymic", String(500)),
    Column("sex", String(1)),
    Column("date_of_birth", String(10)),
    Column("place_of_birth", String(500)),
    Column("citizenship", String(500)),
    Column("status", String(32)),
    Column("category", String(16)),
    Column("rank", String(500)),
    Column("service_number", String(500)),
    Column("unit", String(500)),
    Column("document_number", String(500)),
    Column("date_of_capture", String(10)),
    Column("place_of_capture", String(500)),
    Column("health", String(16)),
    Column("held_at", String(500)),
    Column("father_name", String(500)),
    Column("mother_maiden_name", String(500)),
    Column("next_of_kin", String(500)),
    Column("extra", Text, nullable=False, default="{}"),
    Column("custody", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    # ICU collation key of "surname given_name patronymic" (domain/collation.py): the
    # registry is listed in the order a Ukrainian or Russian reader expects.
    Column("sort_key", LargeBinary),
    UniqueConstraint("party", "kind", "record_id", name="uq_persons_party_kind_record"),
)
Index("ix_persons_party_kind_surname", persons.c.party, persons.c.kind, persons.c.surname)
Index("ix_persons_party_kind_sort_key", persons.c.party, persons.c.kind, persons.c.sort_key)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("file_name", String(1000), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("party", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("file_name", String(1000), nullable=False),
    Column("line", Integer, nullable=False),
    Column("field", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    # JSON [[field, message template, {values}], ...]: the reason in the reader's language.
    Column("reasons", Text),
    # sha256 of file name, line and raw row: the same file imported again adds nothing,
    # while equal bad rows on other lines or in other files are each kept.
    Column("row_hash", String(64), nullable=False),
    UniqueConstraint("party", "kind", "row_hash", name="uq_quarantine_party_kind_row"),
)

# A person's record keeps its history. Each re-import that changes a person writes the
# version it replaces here ("superseded"); a change to someone already in a tranche is not
# applied but held here ("pending") until the mediator acknowledges or refuses it.
person_versions = Table(
    "person_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("status", String(16), nullable=False),
    Column("person_values", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
)
Index("ix_person_versions_person_id", person_versions.c.person_id)
Index("ix_person_versions_status", person_versions.c.status)
