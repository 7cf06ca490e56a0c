"""posted messages and delivery pauses

The record of messages posted about a member (erasure rewrites them), and the workspaces whose token
Slack refuses (their deliveries wait instead of failing).

Revision ID: 0002
Revises: 0001
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('posted_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('about_member_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['about_member_id'], ['members.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['members.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('posted_messages', schema=None) as batch_op:
        batch_op.create_index('ix_posted_messages_about', ['about_member_id'], unique=False)
    op.create_table('delivery_pauses',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('error', sa.String(length=64), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id')
    )


def downgrade() -> None:
    op.drop_table('delivery_pauses')
    with op.batch_alter_table('posted_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_posted_messages_about')
    op.drop_table('posted_messages')
