"""quarantine reasons in three languages, names sorted by Ukrainian collation

Revision ID: 0105
Revises: 0006
Create Date: 2026-12-02 15:00:00

``quarantine.reasons`` keeps each reason's message template and values so pages show it in
the reader's language. ``persons.sort_key`` is the ICU collation key the registry is listed
by; existing rows are given theirs here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0105"
down_revision: str | None = "0006"
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
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_party_kind_sort_key")
        batch_op.drop_column("sort_key")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_column("reasons")
