"""The admins' tools: the settings audit trail, charter acceptances, the roster import and recruiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from storage.models import (
    CharterAcceptance,
    Followup,
    FollowupState,
    Member,
    MentorProfile,
    Role,
    SettingsChange,
)


def record_change(
    session: Session,
    team_id: str,
    *,
    changed_by: str,
    setting: str,
    old_value: str | None,
    new_value: str | None,
    now: datetime,
) -> None:
    session.add(
        SettingsChange(
            team_id=team_id,
            changed_by=changed_by,
            changed_at=now,
            setting=setting,
            old_value=old_value,
            new_value=new_value,
        )
    )


def latest_changes(session: Session, team_id: str, limit: int = 10) -> list[SettingsChange]:
    """The newest changes first (on `ix_settings_changes_team_at`)."""
    return list(
        session.scalars(
            select(SettingsChange)
            .where(SettingsChange.team_id == team_id)
            .order_by(SettingsChange.changed_at.desc(), SettingsChange.id.desc())
            .limit(limit)
        )
    )


def latest_values(session: Session, team_id: str, settings: Sequence[str]) -> dict[str, str | None]:
    """The newest value recorded for each of these settings, for those ever changed."""
    latest: dict[str, str | None] = {}
    for setting, value in session.execute(
        select(SettingsChange.setting, SettingsChange.new_value)
        .where(SettingsChange.team_id == team_id, SettingsChange.setting.in_(list(settings)))
        .order_by(SettingsChange.changed_at.desc(), SettingsChange.id.desc())
    ):
        latest.setdefault(setting, value)
    return latest


@dataclass(frozen=True)
class AcceptanceCount:
    version: int
    accepted_as: str  # mentor or mentee
    members: int


def charter_acceptance_counts(session: Session, team_id: str) -> list[AcceptanceCount]:
    """How many members accepted each charter version, as mentor or mentee; newest version first."""
    rows = session.execute(
        select(CharterAcceptance.version, CharterAcceptance.accepted_as, func.count())
        .where(CharterAcceptance.team_id == team_id)
        .group_by(CharterAcceptance.version, CharterAcceptance.accepted_as)
        .order_by(CharterAcceptance.version.desc(), CharterAcceptance.accepted_as)
    ).all()
    return [AcceptanceCount(version, accepted_as, count) for version, accepted_as, count in rows]


def members_without_role(session: Session, team_id: str, limit: int) -> tuple[int, list[str]]:
    """How many active members have no role yet, and the Slack ids of the first `limit` of them."""
    where = (Member.team_id == team_id, Member.role.is_(None), Member.inactive_since.is_(None))
    count = session.scalar(select(func.count()).where(*where)) or 0
    user_ids = session.scalars(
        select(Member.slack_user_id).where(*where).order_by(Member.created_at, Member.id).limit(limit)
    )
    return count, list(user_ids)


# ------------------------------------------------------------------------------------------------------
# Recruiting


def alumni_not_mentoring(session: Session, team_id: str) -> list[int]:
    """Active alumni with no mentor profile: whom a recruiting campaign invites."""
    return list(
        session.scalars(
            select(Member.id)
            .where(
                Member.team_id == team_id,
                Member.role == Role.ALUMNUS,
                Member.inactive_since.is_(None),
                ~exists().where(MentorProfile.member_id == Member.id),
            )
            .order_by(Member.id)
        )
    )


def still_invitable(session: Session, member_id: int) -> bool:
    """An alumnus who has not volunteered since the invitation was planned."""
    member = session.get(Member, member_id)
    return (
        member is not None and member.role == Role.ALUMNUS and session.get(MentorProfile, member_id) is None
    )


@dataclass(frozen=True)
class CampaignCounts:
    invited: int  # planned this term, whether sent yet or not
    sent: int
    declined: int  # answered "not now"
    volunteered: int  # sent an invitation, then volunteered


def campaign_counts(session: Session, team_id: str, kind: str, period: str) -> CampaignCounts:
    """Where this term's campaign stands; "volunteered" counts invitations followed by a mentor profile."""
    in_term = (Followup.team_id == team_id, Followup.kind == kind, Followup.period == period)
    by_state = dict(
        session.execute(select(Followup.state, func.count()).where(*in_term).group_by(Followup.state)).all()
    )
    volunteered = session.scalar(
        select(func.count())
        .select_from(Followup)
        .join(MentorProfile, MentorProfile.member_id == Followup.recipient_id)
        .where(*in_term, Followup.sent_at.is_not(None), MentorProfile.volunteered_at >= Followup.sent_at)
    )
    return CampaignCounts(
        invited=sum(by_state.values()),
        sent=by_state.get(FollowupState.SENT, 0) + by_state.get(FollowupState.ANSWERED, 0),
        declined=by_state.get(FollowupState.ANSWERED, 0),
        volunteered=volunteered or 0,
    )
