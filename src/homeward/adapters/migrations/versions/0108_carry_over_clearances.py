"""carry-over clearances

The statement that lets a person an earlier round kept out be planned again: the
mediator's new confirmation or the holding party's statement, per failed handover.

Revision ID: 0108
Revises: 0103
Create Date: 2026-12-02 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0108"
down_revision: str | None = "0103"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carry_over_clearances",
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("by_party", sa.String(length=8), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["handovers.id"],
            name=op.f("fk_carry_over_clearances_handover_id_handovers"),
        ),
        sa.PrimaryKeyConstraint("handover_id", name=op.f("pk_carry_over_clearances")),
    )


def downgrade() -> None:
    op.drop_table("carry_over_clearances")
