"""inbound payloads and the outbox in the follow-ups table

A payload Slack was acknowledged for, and each message a state change caused, is a row of `followups`
(kinds `inbound`, `outbox`) claimed with a lease like every follow-up: such rows name no member
(`recipient_id` may be NULL) and carry their content in `payload` until the work is done.

Revision ID: 0012
Revises: 0011
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('followups') as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Work still owed cannot be kept by the older schema: it is dropped with its rows.
    op.execute("DELETE FROM followups WHERE kind IN ('inbound', 'outbox')")
    with op.batch_alter_table('followups') as batch_op:
        batch_op.drop_column('payload')
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
