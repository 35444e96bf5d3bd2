"""one tranche model: who travels outside parity, durable rebalancing proposals, queued steps

Revision ID: 0107
Revises: 0105
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0107"
down_revision: str | None = "0105"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outside_parity", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "rebalancing_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("remedy", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("party", sa.String(length=8), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("held_back_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("result_handover_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_rebalancing_proposals_handover_id_handovers"),
        ),
        sa.ForeignKeyConstraint(
            ["held_back_id"],
            ["handovers.id"],
            name=op.f("fk_rebalancing_proposals_held_back_id_handovers"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_rebalancing_proposals_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["result_handover_id"],
            ["handovers.id"],
            name=op.f("fk_rebalancing_proposals_result_handover_id_handovers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rebalancing_proposals")),
    )
    with op.batch_alter_table("rebalancing_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_rebalancing_proposals_handover_id", ["handover_id"])
        batch_op.create_index("ix_rebalancing_proposals_state", ["state"])
    op.create_table(
        "queued_steps",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("seen_state", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("state_after", sa.String(length=32), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_steps")),
        sa.UniqueConstraint("device", "seq", name="uq_queued_steps_device_seq"),
    )


def downgrade() -> None:
    op.drop_table("queued_steps")
    with op.batch_alter_table("rebalancing_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_rebalancing_proposals_state")
        batch_op.drop_index("ix_rebalancing_proposals_handover_id")
    op.drop_table("rebalancing_proposals")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_column("outside_parity")
