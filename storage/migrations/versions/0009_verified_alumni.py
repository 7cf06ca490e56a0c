"""verified alumni

Whether a self-declared alumnus may mentor (verified by the roster import or an admin, or declined), who
decided and when the admins were asked; and the school's choice of verification or open self-declaration.
Alumni already in the programme at upgrade time stay able to mentor: they are marked verified.

Revision ID: 0009
Revises: 0008
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('verification_decided_by', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('verification_asked_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('alumni_verification', sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.execute(
        "UPDATE members SET verification = 'verified', verification_decided_by = 'upgrade' "
        "WHERE role = 'alumnus'"
    )


def downgrade() -> None:
    with op.batch_alter_table('programme_settings', schema=None) as batch_op:
        batch_op.drop_column('alumni_verification')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('verification_asked_at')
        batch_op.drop_column('verification_decided_by')
        batch_op.drop_column('verification')
