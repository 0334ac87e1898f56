"""Capability-level answers: rated levels, targets and investment points (instrument 1.1.0).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capability_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("capability", sa.String(length=20), nullable=False),
        sa.Column("level_current", sa.SmallInteger(), nullable=True),
        sa.Column("level_target", sa.SmallInteger(), nullable=True),
        sa.Column("na", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "level_current IS NULL OR level_current BETWEEN 1 AND 5",
            name=op.f("ck_capability_answers_level_current_range"),
        ),
        sa.CheckConstraint(
            "level_target IS NULL OR level_target BETWEEN 1 AND 5",
            name=op.f("ck_capability_answers_level_target_range"),
        ),
        sa.CheckConstraint(
            "points IS NULL OR points >= 0",
            name=op.f("ck_capability_answers_points_not_negative"),
        ),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 3",
            name=op.f("ck_capability_answers_confidence_range"),
        ),
        sa.CheckConstraint(
            "NOT na OR (level_current IS NULL AND level_target IS NULL)",
            name=op.f("ck_capability_answers_na_without_level"),
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["respondents.id"],
            name=op.f("fk_capability_answers_respondent_id_respondents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
            name=op.f("fk_capability_answers_wave_id_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capability_answers")),
        sa.UniqueConstraint(
            "wave_id",
            "respondent_id",
            "capability",
            name=op.f("uq_capability_answers_wave_id_respondent_id_capability"),
        ),
    )
    op.create_index(
        op.f("ix_capability_answers_respondent_id"),
        "capability_answers",
        ["respondent_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_capability_answers_respondent_id"), table_name="capability_answers")
    op.drop_table("capability_answers")
