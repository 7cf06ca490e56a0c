"""Who is who: members as mentorbot knows them, kept in step with their Slack profile.

Language, time zone and workspace-admin status come from `users.info`. They are refreshed when older than
an hour, so a promoted or demoted admin, or someone who switched Slack to English, is seen within the hour
without calling Slack on every click.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from bot import slack
from bot.context import BotContext
from bot.i18n import locale_from_slack
from storage.models import Member, Role
from storage.queries.members import admin_member_ids, find_member, get_or_create_member

logger = logging.getLogger(__name__)

PROFILE_REFRESH_AFTER = timedelta(hours=1)
# What admins may write for a role, in a command or a roster file, in either language.
ROLE_WORDS = {
    "student": Role.STUDENT,
    "etudiant": Role.STUDENT,
    "étudiant": Role.STUDENT,
    "etudiante": Role.STUDENT,
    "étudiante": Role.STUDENT,
    "alumnus": Role.ALUMNUS,
    "alumna": Role.ALUMNUS,
    "alumni": Role.ALUMNUS,
    "ancien": Role.ALUMNUS,
    "ancienne": Role.ALUMNUS,
}


@dataclass(frozen=True)
class Person:
    """A member as the rest of the bot sees them, detached from any session."""

    member_id: int
    team_id: str
    user_id: str
    role: Role | None
    locale: str
    tz: str | None
    is_admin: bool


def identify(ctx: BotContext, team_id: str, user_id: str) -> Person:
    """The person behind a Slack user id, created on first sight and refreshed from Slack when stale."""
    now = ctx.clock.now()
    with ctx.sessions.begin() as session:
        member = get_or_create_member(session, team_id, user_id)
        stale = member.profile_checked_at is None or now - member.profile_checked_at > PROFILE_REFRESH_AFTER
    if stale:
        slack_user = _fetch_slack_user(ctx, team_id, user_id)
        with ctx.sessions.begin() as session:
            member = get_or_create_member(session, team_id, user_id)
            if slack_user is not None:
                member.locale = locale_from_slack(slack_user.get("locale"), ctx.config.default_locale)
                member.tz = slack_user.get("tz") or member.tz
                real_name = slack_user.get("real_name") or slack_user.get("name")
                member.display_name = real_name[:120] if real_name else member.display_name
                member.is_workspace_admin = bool(slack_user.get("is_admin") or slack_user.get("is_owner"))
                member.profile_checked_at = now
    return person_of(ctx, member)


def known_person(ctx: BotContext, team_id: str, user_id: str) -> Person:
    """The person behind a Slack user id without creating a member or calling Slack: someone mentorbot
    stores nothing about (or no longer does) is a stranger, `member_id` 0, in the school's language."""
    with ctx.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        if member is not None:
            return person_of(ctx, member)
    return stranger(team_id, user_id, ctx.config.default_locale)


def stranger(team_id: str, user_id: str, locale: str) -> Person:
    """Someone mentorbot stores nothing about (member id 0, no role): what an erased member is too."""
    return Person(0, team_id, user_id, None, locale, None, False)


def stored_locale(ctx: BotContext, team_id: str, user_id: str) -> str:
    """The member's language as last seen, from the database alone (fit for an ack)."""
    with ctx.sessions.begin() as session:
        return member_locale(ctx, find_member(session, team_id, user_id))


def member_locale(ctx: BotContext, member: Member | None) -> str:
    """A member's language as last seen from Slack, else the school's default: no Web API call."""
    return (member.locale if member is not None else None) or ctx.config.default_locale


def person_of(ctx: BotContext, member: Member) -> Person:
    return Person(
        member_id=member.id,
        team_id=member.team_id,
        user_id=member.slack_user_id,
        role=Role(member.role) if member.role else None,
        locale=member_locale(ctx, member),
        tz=member.tz,
        is_admin=member.is_workspace_admin
        or member.is_programme_admin
        # A user id belongs to one workspace: listed, they are an admin of the workspace they are in.
        or member.slack_user_id in ctx.config.admins,
    )


def programme_admin_ids(ctx: BotContext, session: Session, team_id: str) -> list[int]:
    """The workspace's admins as members, for the notices meant for them: its admins and owners as Slack
    last said, the installer, and MENTORBOT_ADMINS.

    With one workspace, a listed admin who never used the bot is created a member, so that they still
    hear of alerts. With OAuth the list does not say which workspace each id belongs to: a listed admin
    counts in a workspace once they are a member of it, and no other workspace gets a stranger's row.
    """
    if ctx.config.single_workspace:
        for user_id in sorted(ctx.config.admins):
            get_or_create_member(session, team_id, user_id)
    return admin_member_ids(session, team_id, sorted(ctx.config.admins))


def _fetch_slack_user(ctx: BotContext, team_id: str, user_id: str) -> dict | None:
    try:
        return slack.slack_user(ctx.client_for(team_id), user_id)
    except slack.SLACK_FAILURES as error:
        # Not fatal: the person still gets an answer, in the school's default language.
        logger.warning("users.info failed for a member: %s", slack.failure_of(error))
        return None


def choose_role(ctx: BotContext, person: Person, role: Role) -> Person:
    """Record what a member says they are. Only a member without a role chooses; admins correct roles."""
    with ctx.sessions.begin() as session:
        member = session.get(Member, person.member_id)
        assert member is not None
        if member.role is None:
            member.role = role
        return person_of(ctx, member)


def role_named(word: str) -> Role | None:
    """The role an admin means by `word` ("student", "ancienne"…), or None."""
    return ROLE_WORDS.get(word.strip().lower())
