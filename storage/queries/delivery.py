"""What the delivery path keeps: where messages about members were posted, and paused workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import DeliveryPause, PostedMessage

# The pause of a workspace that uninstalled the app, not of a token Slack refuses: nothing probes it, and
# only the workspace's return lifts it (`bot.lifecycle.workspace_returned`).
UNINSTALLED = "app_uninstalled"


def record_posted_message(
    session: Session,
    *,
    team_id: str,
    about_member_ids: Sequence[int],
    recipient_id: int | None,
    kind: str,
    channel_id: str,
    message_ts: str,
    now: datetime,
) -> None:
    session.add_all(
        PostedMessage(
            team_id=team_id,
            about_member_id=member_id,
            recipient_id=recipient_id,
            kind=kind,
            channel_id=channel_id,
            message_ts=message_ts,
            posted_at=now,
        )
        for member_id in dict.fromkeys(about_member_ids)
    )


def messages_posted_about(session: Session, member_id: int) -> list[PostedMessage]:
    return list(
        session.scalars(
            select(PostedMessage).where(PostedMessage.about_member_id == member_id).order_by(PostedMessage.id)
        )
    )


def forget_messages_about(session: Session, member_id: int) -> None:
    session.execute(delete(PostedMessage).where(PostedMessage.about_member_id == member_id))


def forget_messages_posted_before(session: Session, cutoff: datetime) -> int:
    """The retention job: the record of where old messages are goes once they are past keeping."""
    return session.execute(delete(PostedMessage).where(PostedMessage.posted_at < cutoff)).rowcount


def pause_deliveries(session: Session, team_id: str, error: str, now: datetime) -> bool:
    """True only for the call that paused the workspace, so the fact is logged once."""
    insert = dialect_insert(session)
    paused = session.scalar(
        insert(DeliveryPause)
        .values(team_id=team_id, error=error[:64], paused_at=now)
        .on_conflict_do_nothing(index_elements=["team_id"])
        .returning(DeliveryPause.team_id)
    )
    return paused is not None


def stop_deliveries_of_departed(session: Session, team_id: str, now: datetime) -> None:
    """Pause the workspace as uninstalled, replacing a token pause it may have already (a post refused
    just before the event came): that one would be lifted by the first call with a token that works."""
    insert = dialect_insert(session)
    session.execute(
        insert(DeliveryPause)
        .values(team_id=team_id, error=UNINSTALLED, paused_at=now)
        .on_conflict_do_update(index_elements=["team_id"], set_={"error": UNINSTALLED})
    )


def resume_deliveries(session: Session, team_id: str) -> bool:
    return session.execute(delete(DeliveryPause).where(DeliveryPause.team_id == team_id)).rowcount > 0


def paused_workspaces(session: Session) -> dict[str, str]:
    """Paused workspaces and the error that paused each."""
    return {
        team_id: error
        for team_id, error in session.execute(select(DeliveryPause.team_id, DeliveryPause.error))
    }
