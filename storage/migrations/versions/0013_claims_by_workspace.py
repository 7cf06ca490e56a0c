"""follow-ups found per workspace: the claim index leads with the team

The dispatcher claims each workspace's oldest due follow-ups in turn (a fair share of every pass), and
the statistics count one workspace's waiting ones: both read `(state, team_id, due_at, id)` as a range
per workspace, where `(state, due_at, team_id)` made them read every workspace's due rows.

Revision ID: 0013
Revises: 0012
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_followups_state_team_due', 'followups', ['state', 'team_id', 'due_at', 'id'])
    op.drop_index('ix_followups_state_due', table_name='followups')


def downgrade() -> None:
    op.create_index('ix_followups_state_due', 'followups', ['state', 'due_at', 'team_id'])
    op.drop_index('ix_followups_state_team_due', table_name='followups')
