"""Who is an admin when one deployment serves several workspaces: MENTORBOT_ADMINS lists user ids, and a
user id belongs to one workspace, so a listed user is an admin there and nowhere else; the installer is
an admin of their own workspace only."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import build_context
from bot.clock import ManualClock
from bot.config import Config
from bot.context import BotContext
from bot.followups import plan_admin_notices
from bot.members import person_of, programme_admin_ids
from storage.db import SessionFactory
from storage.models import Followup, FollowupKind, FollowupPeriod, Member
from tests.factories import make_member

SCHOOL_A, SCHOOL_B = "T0001", "T0002"
LISTED = "UADMIN_A"  # in MENTORBOT_ADMINS; a member of school A


def bot_with(sessions: SessionFactory, clock: ManualClock, *, oauth: bool) -> BotContext:
    config = Config(
        slack_bot_token="" if oauth else "xoxb-one-school",  # OAuth mode has no SLACK_BOT_TOKEN
        slack_signing_secret="secret",
        admins=frozenset({LISTED}),
    )
    return build_context(config, sessions, clock)


def members_named(sessions: SessionFactory, user_id: str) -> list[str]:
    with sessions.begin() as session:
        return list(session.scalars(select(Member.team_id).where(Member.slack_user_id == user_id)))


def test_a_listed_user_is_an_admin_of_their_own_workspace_only(
    sessions: SessionFactory, clock: ManualClock
) -> None:
    bot = bot_with(sessions, clock, oauth=True)
    with sessions.begin() as session:
        listed = person_of(bot, make_member(session, SCHOOL_A, LISTED, role=None))
        installer = make_member(session, SCHOOL_B, "UINSTALLER_B", role=None)
        installer.is_programme_admin = True
        other = person_of(bot, make_member(session, SCHOOL_B, "USOMEONE_B", role=None))

        assert listed.is_admin and listed.team_id == SCHOOL_A
        assert person_of(bot, installer).is_admin
        assert not other.is_admin
        assert programme_admin_ids(bot, session, SCHOOL_A) == [listed.member_id]
        assert programme_admin_ids(bot, session, SCHOOL_B) == [installer.id]


def test_with_oauth_another_schools_alert_creates_no_member_for_a_listed_admin(
    sessions: SessionFactory, clock: ManualClock
) -> None:
    bot = bot_with(sessions, clock, oauth=True)
    with sessions.begin() as session:
        make_member(session, SCHOOL_A, LISTED, role=None)
        admin_b = make_member(session, SCHOOL_B, "UADMIN_B", role=None)
        admin_b.is_workspace_admin = True
        plan_admin_notices(
            bot,
            session,
            FollowupKind.ADMIN_DORMANT,
            team_id=SCHOOL_B,
            period=FollowupPeriod("m1"),
            now=clock.now(),
        )
        recipients = list(session.scalars(select(Followup.recipient_id)))

    assert members_named(sessions, LISTED) == [SCHOOL_A]
    assert recipients == [admin_b.id]


def test_with_one_workspace_a_listed_admin_who_never_used_the_bot_still_hears_of_alerts(
    sessions: SessionFactory, clock: ManualClock
) -> None:
    bot = bot_with(sessions, clock, oauth=False)
    with sessions.begin() as session:
        plan_admin_notices(
            bot,
            session,
            FollowupKind.ADMIN_DORMANT,
            team_id=SCHOOL_A,
            period=FollowupPeriod("m1"),
            now=clock.now(),
        )

    assert members_named(sessions, LISTED) == [SCHOOL_A]
