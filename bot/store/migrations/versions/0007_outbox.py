"""outbox: replies stored with the state they belong to, delivered after commit

Revision ID: 0007_outbox
Revises: 0006_portal
Create Date: 2026-12-01 18:30:00

Reminders claimed by the previous version (`sending`) may never have gone out (issue #17):
they are planned again, so the new dispatcher queues them with their replies.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_outbox"
down_revision: str | None = "0006_portal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("keyboard", sa.JSON(), nullable=True),
        sa.Column("expects", sa.String(length=12), nullable=True),
        sa.Column("attachment", sa.String(length=24), nullable=True),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("red_flag_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("keyboard_live", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_outbox_reminder_id_reminders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["red_flag_id"],
            ["red_flags.id"],
            name=op.f("fk_outbox_red_flag_id_red_flags"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_pending", ["status", "channel", "chat", "id"], unique=False
        )
        batch_op.create_index("ix_outbox_chat", ["channel", "chat", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_reminder_id"), ["reminder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_red_flag_id"), ["red_flag_id"], unique=False)
    op.execute("UPDATE reminders SET status = 'planned', sent_at = NULL WHERE status = 'sending'")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_red_flag_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_reminder_id"))
        batch_op.drop_index("ix_outbox_chat")
        batch_op.drop_index("ix_outbox_pending")
    op.drop_table("outbox")
