"""installations and OAuth states

"Add to Slack": each workspace's installation (its bot token and refresh token encrypted by the bot
before they are written), and the states of installs under way.

Revision ID: 0015
Revises: 0014
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('installations',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=True),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('app_id', sa.String(length=32), nullable=True),
    sa.Column('bot_user_id', sa.String(length=32), nullable=False),
    sa.Column('bot_id', sa.String(length=32), nullable=False),
    sa.Column('bot_scopes', sa.Text(), nullable=False),
    sa.Column('encrypted_bot_token', sa.Text(), nullable=False),
    sa.Column('encrypted_refresh_token', sa.Text(), nullable=True),
    sa.Column('bot_token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('installer_user_id', sa.String(length=32), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id')
    )
    op.create_table('oauth_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state')
    )


def downgrade() -> None:
    # The workspaces installed with Add to Slack lose their tokens: they must install again.
    op.drop_table('oauth_states')
    op.drop_table('installations')
