"""Workspaces installed with "Add to Slack", and the OAuth states of installs under way.

Tokens come and go as the ciphertext the bot made of them: nothing here can read one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import OAuthState, WorkspaceInstallation

# Everything a reinstall replaces: every column but the workspace's id.
_REPLACED = tuple(
    column.name for column in WorkspaceInstallation.__table__.columns if column.name != "team_id"
)


def installation_of(
    session: Session, team_id: str, *, for_update: bool = False
) -> WorkspaceInstallation | None:
    """The workspace's installation; `for_update` holds its row until the transaction ends (PostgreSQL's
    FOR UPDATE; SQLite's write lock, taken by every transaction of ours, already does)."""
    query = select(WorkspaceInstallation).where(WorkspaceInstallation.team_id == team_id)
    return session.scalar(query.with_for_update() if for_update else query)


def save_installation(session: Session, installation: WorkspaceInstallation) -> None:
    """Insert the workspace's installation, or replace the one it had: one statement, so two callbacks
    of the same workspace racing on two processes leave one whole row, never a mix or a conflict."""
    values = {column: getattr(installation, column) for column in ("team_id", *_REPLACED)}
    insert = dialect_insert(session)
    statement = insert(WorkspaceInstallation).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id"], set_={column: statement.excluded[column] for column in _REPLACED}
        )
    )


def delete_installation(session: Session, team_id: str) -> bool:
    """Forget the workspace's tokens; its programme's data stays. True if it had an installation."""
    deleted = session.execute(delete(WorkspaceInstallation).where(WorkspaceInstallation.team_id == team_id))
    return deleted.rowcount > 0


def all_installations(session: Session) -> list[WorkspaceInstallation]:
    return list(session.scalars(select(WorkspaceInstallation).order_by(WorkspaceInstallation.team_id)))


def add_oauth_state(session: Session, state: str, expires_at: datetime) -> None:
    session.add(OAuthState(state=state, expires_at=expires_at))


def consume_oauth_state(session: Session, state: str, now: datetime) -> bool:
    """Whether `state` was issued and has not expired, using it up: one DELETE ... RETURNING, so a
    callback replayed at the same moment on another process cannot use it a second time."""
    consumed = session.scalar(
        delete(OAuthState)
        .where(OAuthState.state == state, OAuthState.expires_at > now)
        .returning(OAuthState.state)
    )
    return consumed is not None


def forget_expired_oauth_states(session: Session, now: datetime) -> int:
    """States of installs abandoned half-way (the installer closed the tab): useless once expired."""
    return session.execute(delete(OAuthState).where(OAuthState.expires_at <= now)).rowcount
