"""Report respondent sets: which respondents each recorded report covered.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_respondents",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("respondent_code", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_respondents_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "respondent_code", name=op.f("pk_report_respondents")),
    )
    op.create_index(
        op.f("ix_report_respondents_respondent_code"),
        "report_respondents",
        ["respondent_code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_respondents_respondent_code"), table_name="report_respondents")
    op.drop_table("report_respondents")
