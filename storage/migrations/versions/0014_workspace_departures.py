"""workspace departures, the installer as the programme's admin, the installer's welcome

A workspace that uninstalls the app is recorded when it leaves (`workspace_departures`): its data is
kept for a while in case it comes back, then erased, the anonymous totals aside. The person who
installs the app is an admin of the programme (`members.is_programme_admin`), and the first welcome is
given once (`programme_settings.welcomed_at`).

Revision ID: 0014
Revises: 0013
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('workspace_departures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('kept_counts', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workspace_departures', schema=None) as batch_op:
        batch_op.create_index(
            'uq_workspace_departures_in_progress',
            ['team_id'],
            unique=True,
            sqlite_where=sa.text('returned_at IS NULL AND erased_at IS NULL'),
            postgresql_where=sa.text('returned_at IS NULL AND erased_at IS NULL'),
        )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_programme_admin', sa.Boolean(), nullable=False, server_default=sa.text('false'))
        )
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcomed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.drop_column('welcomed_at')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('is_programme_admin')
    with op.batch_alter_table('workspace_departures', schema=None) as batch_op:
        batch_op.drop_index('uq_workspace_departures_in_progress')
    op.drop_table('workspace_departures')
