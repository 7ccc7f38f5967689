"""outbox: a partial index of the chats' live keyboards

Revision ID: 0011_outbox_live_keyboards
Revises: 0010_outbox_edits
Create Date: 2026-12-02 01:30:00

A tap settles the tapped message's keyboard and a delivered question settles the chat's
older live keyboards (bot/delivery/outbox.py). Both looked through every row the chat was
ever sent (ix_outbox_chat), a cost that grew with the patient's history; a chat has one
live keyboard, or a few, and this index holds only those.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_outbox_live_keyboards"
down_revision: str | None = "0010_outbox_edits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_live",
            ["channel", "chat"],
            unique=False,
            postgresql_where=sa.text("keyboard_live IS true"),
            sqlite_where=sa.text("keyboard_live IS 1"),
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_live")
