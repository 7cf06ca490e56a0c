"""matching by hand and the mentors' queue

Who put a request before a mentor (the matching, the programme's admins by hand, or the mentor from the
queue in their Home); whether a student lets mentors in their topics see their request (on by default);
and when an expired request an admin matched by hand was opened again.

Revision ID: 0008
Revises: 0007
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('origin', sa.String(length=16), nullable=False, server_default='matching')
        )
    with op.batch_alter_table('mentoring_requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('visible_to_mentors', sa.Boolean(), nullable=False, server_default=sa.text('true'))
        )
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mentoring_requests', schema=None) as batch_op:
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('visible_to_mentors')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('origin')
