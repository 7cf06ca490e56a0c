"""meeting bookings

Meetings a pair books in the bot (proposed times, the one picked, its state), the mentor's own video
link and the school's default one.

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'meeting_bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('mentorship_id', sa.Integer(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('slots', sa.JSON(), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.String(length=32), nullable=True),
        sa.Column('message_ts', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['mentorship_id'], ['mentorships.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['members.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_bookings_mentorship', ['mentorship_id', 'state'], unique=False)
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_link', sa.String(length=500), nullable=True))
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_link', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.drop_column('meeting_link')
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('meeting_link')
    with op.batch_alter_table('meeting_bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_bookings_mentorship')
    op.drop_table('meeting_bookings')
