"""indexes that keep an update's cost apart from what is stored: the chats' live keyboards,
a patient's reminders by status; and the outbox's rows by age, to prune them

Revision ID: 0011_history_indexes
Revises: 0010_outbox_edits
Create Date: 2026-12-02 01:30:00

A tap settles the tapped message's keyboard and a delivered question settles the chat's
older live keyboards (bot/delivery/outbox.py). Both looked through every row the chat was
ever sent (ix_outbox_chat), a cost that grew with the patient's history; a chat has one
live keyboard, or a few, and ix_outbox_live holds only those.

Replanning or cancelling a patient's reminders (patient_id and status) was planned by
SQLite through ix_reminders_status, reading every patient's planned reminders: 27 ms an
update with 10,000 patients stored (bench/growth.py). ix_reminders_patient_status reads
the patient's own.

Delivered outbox rows were kept for ever; ix_outbox_created_at lets the periodic prune
(bot/delivery/outbox.py, `prune`) find the old ones without reading the others.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_history_indexes"
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
        batch_op.create_index("ix_outbox_created_at", ["created_at"])
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_patient_status", ["patient_id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_patient_status")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_created_at")
        batch_op.drop_index("ix_outbox_live")
