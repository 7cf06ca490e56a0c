"""Recognition: each mentor's impact note at the school year's end, the school's thank-you, and kudos.

The term's note is the mentor-thanks follow-up planned when a mentorship closes (`bot.followups`); this
module plans the school year's, once a year a mentor: a dispatcher sweep which, in the
`YEAR_NOTE_WINDOW` after the year's last month (`school_year_end_month`, June by default) ended, plans a
`mentor_year_impact` follow-up for every mentor who had a student that year, and the admins' "mentor to
thank" notice, under the year's period key, so the unique key plans each once however often it runs.

A kudos is posted to a channel only with the mentor's consent: the admin's "Ask to share" opens a channel
picker, the mentor is asked "May we thank you publicly in #channel?", and only "Yes, share it" posts it —
the answer is taken once, by a conditional UPDATE from ASKED.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import ids
from bot.context import BotContext
from bot.followups import mentor_of_period, plan_admin_notices, school_year_start, year_end_period
from bot.i18n import t
from bot.members import Person, member_locale
from bot.messages import recognition as messages
from bot.messages.recognition import ImpactFigures
from bot.outcome import Notice, NoticeKind, Outcome, reply
from bot.programme import programme_settings
from bot.stats import refuse_non_admin
from storage.models import Followup, FollowupKind, Kudos, KudosStatus, Member, MentorProfile
from storage.queries import recognition as queries
from storage.queries.followups import PlannedFollowup, plan_followups
from storage.queries.settings import record_change

logger = logging.getLogger(__name__)

YEAR_NOTE_WINDOW = timedelta(days=30)


# ------------------------------------------------------------------------------------------------------
# The school year's impact notes (a sweep of the dispatcher)


def plan_year_end_notes(bot: BotContext, team_id: str, now: datetime) -> int:
    """Once the school year is over, each of its mentors' impact note and the admins' notice; how many
    follow-ups were new (none but the first time in a year)."""
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        year_end = school_year_start(now, settings.school_year_end_month)
        if now - year_end >= YEAR_NOTE_WINDOW:
            return 0
        mentors = queries.mentors_of_stretch(
            session, team_id, year_end.replace(year=year_end.year - 1), year_end
        )
        planned = plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=team_id,
                    kind=FollowupKind.MENTOR_YEAR_IMPACT,
                    recipient_id=mentor_id,
                    period=year_end_period(year_end),
                    due_at=now,
                )
                for mentor_id in mentors
            ],
            now,
        )
        for mentor_id in mentors:
            planned += plan_admin_notices(
                bot,
                session,
                FollowupKind.ADMIN_MENTOR_TO_THANK,
                team_id=team_id,
                period=year_end_period(year_end, mentor_id),
                now=now,
            )
    if planned:
        logger.info("school year ended %s: %d impact notes planned for %s", year_end.date(), planned, team_id)
    return planned


# ------------------------------------------------------------------------------------------------------
# Kudos, with the mentor's consent


def _mentor_of_notice(followup: Followup) -> int | None:
    if followup.mentorship is not None:
        return followup.mentorship.mentor_id
    return mentor_of_period(followup.period)


def open_kudos_modal(bot: BotContext, admin: Person, followup_id: int) -> Outcome:
    """ "Ask to share": the channel picker, for an admin of the notice's workspace; database only."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "a kudos"))
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if (
            followup is None
            or followup.team_id != admin.team_id
            or followup.kind != FollowupKind.ADMIN_MENTOR_TO_THANK
        ):
            return reply(refuse_non_admin(admin, "a kudos about an unknown notice"))
        mentor = session.get(Member, _mentor_of_notice(followup) or 0)
        if mentor is None or session.get(MentorProfile, mentor.id) is None:
            return reply(messages.notice(admin.locale, "recognition.not_a_mentor_now"))
        return Outcome(modal=messages.kudos_modal(admin.locale, mentor.slack_user_id, followup.id))


def ask_kudos_consent(bot: BotContext, admin: Person, followup_id: int, channel_id: str) -> Outcome:
    """The channel was picked: record the wish and ask the mentor; nothing is posted yet."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "a kudos"))
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if (
            followup is None
            or followup.team_id != admin.team_id
            or followup.kind != FollowupKind.ADMIN_MENTOR_TO_THANK
            or not channel_id
        ):
            return reply(refuse_non_admin(admin, "a kudos about an unknown notice"))
        mentor = session.get(Member, _mentor_of_notice(followup) or 0)
        if mentor is None or session.get(MentorProfile, mentor.id) is None:
            return reply(messages.notice(admin.locale, "recognition.not_a_mentor_now"))
        kudos = Kudos(
            team_id=admin.team_id,
            mentor_id=mentor.id,
            channel_id=channel_id,
            asked_by=admin.user_id,
            status=KudosStatus.ASKED,
            asked_at=now,
        )
        session.add(kudos)
        session.flush()
        record_change(
            session,
            admin.team_id,
            changed_by=admin.user_id,
            setting=f"kudos:{mentor.slack_user_id}",
            old_value=None,
            new_value=f"asked for {channel_id}",
            now=now,
        )
        question = Notice(
            mentor.slack_user_id,
            messages.consent_question(member_locale(bot, mentor), kudos.id, channel_id),
            NoticeKind.CONFIRMATION,
            mentor.id,
        )
        asked = messages.consent_asked(admin.locale, mentor.slack_user_id, channel_id)
    return Outcome(reply=asked, notices=(question,))


def answer_kudos(bot: BotContext, mentor: Person, kudos_id: int, shared: bool) -> Outcome:
    """The mentor's answer, taken once and from them only; on yes the kudos is posted to its channel."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        kudos = session.get(Kudos, kudos_id)
        if kudos is None or kudos.mentor_id != mentor.member_id:
            return reply(messages.notice(mentor.locale, "common.not_for_you"))
        status = KudosStatus.SHARED if shared else KudosStatus.DECLINED
        if not queries.answer_kudos(session, kudos_id, mentor.member_id, status, now):
            return reply(messages.notice(mentor.locale, "common.already_done"))
        channel_id = kudos.channel_id
        record_change(
            session,
            mentor.team_id,
            changed_by=mentor.user_id,
            setting=f"kudos:{mentor.user_id}",
            old_value="asked",
            new_value=str(status),
            now=now,
        )
        notices: tuple[Notice, ...] = ()
        if shared:
            settings = programme_settings(session, mentor.team_id)
            locale = bot.config.default_locale
            since = school_year_start(now, settings.school_year_end_month)
            impact = queries.mentor_impact(session, mentor.member_id, since, now)
            thanks = getattr(settings, f"thanks_text_{locale}", None) or t(
                locale, "recognition.thanks_default"
            )
            post = messages.kudos_post(
                locale,
                mentor.user_id,
                ImpactFigures(impact.students, impact.meetings, impact.average_rating),
                thanks,
            )
            notices = (Notice(channel_id, post, NoticeKind.KUDOS, about=(mentor.member_id,)),)
    logger.info("mentor %s answered kudos %s: %s", mentor.user_id, kudos_id, status)
    answer = messages.consent_answered(mentor.locale, shared, channel_id)
    return Outcome(reply=answer, replace_original=True, notices=notices)


# ------------------------------------------------------------------------------------------------------
# The school's thank-you, in settings


def thanks_modal(bot: BotContext, admin: Person) -> Outcome:
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "the thank-you settings"))
    with bot.sessions.begin() as session:
        settings = programme_settings(session, admin.team_id)
        view = messages.thanks_modal(
            admin.locale, settings.thanks_text_fr or "", settings.thanks_text_en or ""
        )
    return Outcome(modal=view)


def _text(view: dict, input_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    entry = (values.get(input_id) or {}).get(input_id) or {}
    return str(entry.get("value") or "").strip()[: messages.THANKS_MAX_LENGTH]


def save_thanks(bot: BotContext, admin: Person, view: dict) -> Outcome:
    """Both texts saved (empty: the bot's own words), each change in the audit trail."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, "a thank-you change"))
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        settings = programme_settings(session, admin.team_id)
        for locale, input_id in (("fr", ids.THANKS_TEXT_FR), ("en", ids.THANKS_TEXT_EN)):
            column = f"thanks_text_{locale}"
            new, old = _text(view, input_id) or None, getattr(settings, column)
            if new != old:
                record_change(
                    session,
                    admin.team_id,
                    changed_by=admin.user_id,
                    setting=column,
                    old_value=(old or "")[:200] or None,
                    new_value=(new or "")[:200] or None,
                    now=now,
                )
                setattr(settings, column, new)
    return reply(messages.notice(admin.locale, "recognition.thanks_saved"))
