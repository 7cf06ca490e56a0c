"""fit answers, excluded matches, mentorships per student

Whether each of a pair found it a good fit; the (student, mentor) pairs never to be matched again after a
"not a good fit"; and how many mentorships a student may hold at once (the school's setting, 1 by default).

Revision ID: 0006
Revises: 0004
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('fit_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('fit', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mentorship_id', 'member_id')
    )
    op.create_table('excluded_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['members.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['members.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('student_id', 'mentor_id')
    )
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('max_mentorships_per_student', sa.Integer(), nullable=False, server_default='1')
        )


def downgrade() -> None:
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.drop_column('max_mentorships_per_student')
    op.drop_table('excluded_matches')
    op.drop_table('fit_answers')
