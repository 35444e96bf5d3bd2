"""list snapshots, outcome salts, actor keys

Submitted list items keep the row as submitted (``exchange_list_items.record``); the
mediator keeps the salts of its outcome commitments and the key of the actors'
pseudonyms. Items submitted before this revision get the row as it stands now: the only
record of what was submitted that is left.

Revision ID: 0102
Revises: 0006
Create Date: 2026-12-02 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0102"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_list_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record", sa.Text(), nullable=True))
    op.create_table(
        "outcome_salts",
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_outcome_salts_handover_id_handovers"),
        ),
        sa.PrimaryKeyConstraint("handover_id", name=op.f("pk_outcome_salts")),
    )
    op.create_table(
        "actor_keys",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hmac_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_keys")),
    )
    _backfill_snapshots()


def _backfill_snapshots() -> None:
    from homeward.adapters.list_snapshots import SNAPSHOT_COLUMNS, snapshot_of
    from homeward.adapters.tables_exchange import exchange_list_items
    from homeward.adapters.tables_registry import persons

    # Only the columns this revision knows: later revisions add columns to ``persons``.
    conn = op.get_bind()
    columns = [persons.c.id, *(persons.c[name] for name in SNAPSHOT_COLUMNS)]
    rows = conn.execute(
        sa.select(*columns).where(
            persons.c.id.in_(sa.select(exchange_list_items.c.person_id).distinct())
        )
    )
    update = (
        sa.update(exchange_list_items)
        .where(exchange_list_items.c.person_id == sa.bindparam("pid"))
        .values(record=sa.bindparam("snapshot"))
    )
    batch: list[dict[str, object]] = []
    for row in rows.all():
        batch.append({"pid": row.id, "snapshot": snapshot_of(row)})
        if len(batch) >= 2000:
            conn.execute(update, batch)
            batch = []
    if batch:
        conn.execute(update, batch)


def downgrade() -> None:
    op.drop_table("actor_keys")
    op.drop_table("outcome_salts")
    with op.batch_alter_table("exchange_list_items", schema=None) as batch_op:
        batch_op.drop_column("record")
