"""Alembic environment: runs on the connection `storage.migrate` hands over in `config.attributes`."""

from alembic import context

from storage.models import Base, PeriodColumn, UtcDateTime


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    # In the database our UTC type is a plain timezone-aware DateTime and a period a VARCHAR(32);
    # migrations need not import models.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, PeriodColumn):
        return "sa.String(length=32)"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
