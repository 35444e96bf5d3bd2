"""each submitted list stores its size

Counting every list's items for the Lists page read the whole of exchange_list_items
(240 ms at ten times the demo's registries); a list never changes once submitted, so its
size is written with it.

Revision ID: 0103
Revises: 0107
Create Date: 2026-12-02 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103"
down_revision: str | None = "0107"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE exchange_lists SET size = (SELECT count(*) FROM exchange_list_items "
        "WHERE exchange_list_items.list_id = exchange_lists.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("exchange_lists", schema=None) as batch_op:
        batch_op.drop_column("size")
