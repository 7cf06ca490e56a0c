"""recognition: roster topics, the school's thank-you, the school year's end, kudos

Members keep the topics their roster gives them; the school's thank-you text in both languages (empty:
the catalogue's) and the month its school year ends; and the kudos an admin asked to post, with the
mentor's answer.

Revision ID: 0010
Revises: 0009
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON(), nullable=True))
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thanks_text_fr', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('thanks_text_en', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('school_year_end_month', sa.Integer(), nullable=False, server_default=sa.text('6'))
        )
    op.create_table('kudos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('asked_by', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['mentor_id'], ['members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.create_index('ix_kudos_mentor', ['mentor_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.drop_index('ix_kudos_mentor')
    op.drop_table('kudos')
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.drop_column('school_year_end_month')
        batch_op.drop_column('thanks_text_en')
        batch_op.drop_column('thanks_text_fr')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('topics')
