"""the admins' channel

Where the admins' alerts and weekly digest go when a school picked one (else each admin gets a DM).

Revision ID: 0011
Revises: 0010
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('programme_settings') as batch_op:
        batch_op.add_column(sa.Column('admin_channel_id', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme_settings') as batch_op:
        batch_op.drop_column('admin_channel_id')
