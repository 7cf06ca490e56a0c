"""The installer's welcome and the programme's first set-up.

The person who installs mentorbot becomes an admin of the programme (the bot's own record, beside the
workspace's admins and owners and MENTORBOT_ADMINS), gets a welcome DM, and their Home shows the set-up
guide: the charter, which starts from the template in both languages for the school to make its own;
the topics, from the default list; inviting alumni (the recruiting campaign); announcing the programme
to students. Every admin's Home shows the guide until the programme is announced, the last step; each
step's button is the settings' own, so the guide is only a way in.

`welcome_installer` is called by the OAuth install callback, after `bot.lifecycle.workspace_returned`,
which carries out its outcome like any decided one (`bot.work.deliver`).
The first welcome is given once per workspace: a reinstall gets a "welcome back", as nothing starts over
(a workspace whose data was erased after it left does start over, and is welcomed as new).

Announcing: an admin picks a channel in a modal that shows the very message to be posted, and "Post it"
is their confirmation; the bot then posts the invitation to use `/mentor`, in French and English.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.context import BotContext
from bot.members import Person, identify, person_of
from bot.messages import welcome as messages
from bot.messages.kit import AnyBlock
from bot.outcome import Notice, NoticeKind, Outcome, reply
from bot.programme import charter_in_force, programme_settings
from bot.stats import refuse_non_admin
from storage.models import Member
from storage.queries.programme import claim_first_welcome
from storage.queries.settings import latest_values, record_change

logger = logging.getLogger(__name__)

# What the settings' audit trail records of the set-up (`SettingsChange.setting`).
INSTALLATION = "installation"
ANNOUNCEMENT = "announcement"
_STEPS_RECORDED = ("topics", "recruiting", ANNOUNCEMENT)


def setup_progress(session: Session, team_id: str) -> messages.SetupProgress:
    charter = charter_in_force(session, team_id)
    settings = programme_settings(session, team_id)
    recorded = latest_values(session, team_id, _STEPS_RECORDED)
    return messages.SetupProgress(
        charter_version=charter.version,
        charter_is_the_schools=charter.created_by is not None,
        topics=len(settings.topics),
        topics_edited="topics" in recorded,
        alumni_invited="recruiting" in recorded,
        announced_in=recorded.get(ANNOUNCEMENT),
    )


def welcome_installer(bot: BotContext, team_id: str, user_id: str) -> Outcome:
    """The installer is made an admin, and welcomed: the first time with the set-up steps, after a
    reinstall with a "welcome back". Their Home is refreshed to show the guide."""
    installer = identify(bot, team_id, user_id)  # their language and admin status, as Slack says
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        member = session.get(Member, installer.member_id)
        assert member is not None
        member.is_programme_admin = True
        progress = setup_progress(session, team_id)  # writes the default settings and charter if none
        first = claim_first_welcome(session, team_id, now)
        record_change(
            session,
            team_id,
            changed_by=user_id,
            setting=INSTALLATION,
            old_value=None,
            new_value="installed" if first else "reinstalled",
            now=now,
        )
        installer = person_of(bot, member)
    logger.info(
        "member %s installed mentorbot in workspace %s (%s)",
        member.id,
        team_id,
        "first" if first else "again",
    )
    dm = (messages.welcome if first else messages.welcome_back)(installer.locale, progress)
    return Outcome(
        notices=(Notice(user_id, dm, NoticeKind.WELCOME, installer.member_id),), homes=(installer,)
    )


def setup_guide_section(bot: BotContext, session: Session, person: Person) -> list[AnyBlock]:
    """For an admin's Home, first: the set-up steps until the programme is announced. Empty for others."""
    if not person.is_admin:
        return []
    return messages.setup_guide(person.locale, setup_progress(session, person.team_id))


def announcement_modal(bot: BotContext, admin: Person) -> Outcome:
    """The channel picker with the announcement as it will be posted; database only (3 s trigger)."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "the programme's announcement"))
    return Outcome(modal=messages.announcement_modal(admin.locale, bot.config.default_locale))


def announce_programme(bot: BotContext, admin: Person, channel_id: str | None) -> Outcome:
    """Post the announcement to the picked channel, recorded in the audit trail; the admin is told
    where (the bot can only post in a channel it was invited to, which the modal says)."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "the programme's announcement"))
    if not channel_id:  # the input is required: only a forged submission has none
        return Outcome()
    with bot.sessions.begin() as session:
        record_change(
            session,
            admin.team_id,
            changed_by=admin.user_id,
            setting=ANNOUNCEMENT,
            old_value=None,
            new_value=channel_id,
            now=bot.clock.now(),
        )
    logger.info("admin %s announced the programme in %s", admin.user_id, channel_id)
    post = messages.announcement(bot.config.default_locale)
    return Outcome(
        reply=messages.announcement_posted(admin.locale, channel_id),
        notices=(Notice(channel_id, post, NoticeKind.ANNOUNCEMENT),),
        homes=(admin,),
    )
