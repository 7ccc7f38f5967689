"""outbox: a reply that takes the tapped question's place (delivered as an edit of it)

Revision ID: 0010_outbox_edits
Revises: 0009_sign_in_failures
Create Date: 2026-12-01 21:00:00

`replaceable`: the row shows a plain question, which the next question may replace once
it is answered. `edits`: the channel's message this row is delivered into (an edit of
the tapped question instead of a new message). Rows written before are neither.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_outbox_edits"
down_revision: str | None = "0009_sign_in_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("replaceable", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("edits", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("edits")
        batch_op.drop_column("replaceable")
