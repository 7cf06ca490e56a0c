"""mentor directory

A mentor's "how I can help" line for the students' directory, and whether they are listed in it (every
existing mentor is: the default is in).

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('how_i_can_help', sa.String(length=280), nullable=True))
        batch_op.add_column(
            sa.Column('in_directory', sa.Boolean(), server_default=sa.text('true'), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_column('in_directory')
        batch_op.drop_column('how_i_can_help')
