"""NRS recall period stored with every score

Revision ID: 0005_nrs_recall
Revises: 0004
Create Date: 2026-12-01 15:30:00

A pain rating asks about "now" (/pain, /flare) or "the past week" (intake, check-ins).
Scores of pain ratings carry that period so charts and summaries compare like with like.
Every NRS stored before this revision was asked about the past week.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_nrs_recall"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("scores", sa.Column("recall", sa.String(length=8), nullable=True))
    op.execute("UPDATE scores SET recall = 'week' WHERE instrument = 'nrs'")


def downgrade() -> None:
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("recall")
