"""quarantine reasons in three languages, names sorted by Ukrainian collation, person history

Revision ID: 0105
Revises: 0106
Create Date: 2026-12-02 15:00:00

``quarantine.reasons`` keeps each reason's message template and values so pages show it in
the reader's language. ``persons.sort_key`` is the ICU collation key the registry is listed
by; existing rows are given theirs here. ``person_versions`` keeps the versions a re-import
replaced and the changes held for the mediator (people already in a tranche).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0105"
down_revision: str | None = "0106"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from homeward.domain.collation import person_sort_key

    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reasons", sa.Text(), nullable=True))
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sa.LargeBinary(), nullable=True))
        batch_op.create_index(
            "ix_persons_party_kind_sort_key", ["party", "kind", "sort_key"], unique=False
        )
    op.create_table(
        "person_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("person_values", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.create_index("ix_person_versions_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_person_versions_status", ["status"], unique=False)
    persons = sa.table(
        "persons",
        sa.column("id", sa.Integer),
        sa.column("surname", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("sort_key", sa.LargeBinary),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(persons.c.id, persons.c.surname, persons.c.given_name, persons.c.patronymic)
    ).all()
    if rows:
        connection.execute(
            sa.update(persons)
            .where(persons.c.id == sa.bindparam("person_id"))
            .values(sort_key=sa.bindparam("key")),
            [
                {"person_id": r.id, "key": person_sort_key(r.surname, r.given_name, r.patronymic)}
                for r in rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_person_versions_status")
        batch_op.drop_index("ix_person_versions_person_id")
    op.drop_table("person_versions")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_party_kind_sort_key")
        batch_op.drop_column("sort_key")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_column("reasons")
