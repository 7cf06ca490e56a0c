"""The admins' feedback loop: what people wrote for them (`/mentoring-stats feedback [period]` and its
CSV), the alerts' buttons (a pair's history, close the mentorship), the admins' channel setting, and the
weekly digest's report button. Every entry point re-checks that the person is an admin and refuses
anyone else with the same words, whatever they tried, revealing nothing.

Alerts themselves are follow-ups (`bot.followups.plan_admin_notices`), sent by the dispatcher: to each
admin by DM, or, when the school picked an admins' channel, once, to that channel.
"""

from __future__ import annotations

import logging

from bot.context import BotContext
from bot.exports import to_csv
from bot.i18n import t
from bot.members import Person
from bot.mentorships import EndOutcome, ended_mentorship
from bot.messages import feedback as messages
from bot.messages.stats import Period
from bot.outcome import FileToUpload, Outcome, Upload, reply
from bot.programme import programme_settings
from bot.stats import parse_period, period_start, refuse_non_admin, report_stats
from storage.models import Mentorship
from storage.queries import feedback as queries
from storage.queries.settings import record_change

logger = logging.getLogger(__name__)

# What admins type after /mentoring-stats to read what people wrote, in either language.
FEEDBACK_WORDS = {"feedback", "retours"}
# Why a mentorship ended, as the admins read it (`mentorships.end_reason`).
CLOSED_BY_ADMIN_REASON = "closed by an admin"
FEEDBACK_CSV_COLUMNS = ("kind", "at", "author_slack_id", "about_slack_id", "rating", "text")


def _refused(person: Person, what: str) -> Outcome:
    return reply(refuse_non_admin(person, what))


def _written(item: queries.FeedbackItem) -> messages.Written:
    return messages.Written(
        item.kind, item.at, item.author_user_id, item.about_user_id, item.rating, item.text
    )


def show_feedback(bot: BotContext, person: Person, period_text: str, offset: int = 0) -> Outcome:
    """One page of what people wrote for the admins in the period, latest first."""
    if not person.is_admin:
        return _refused(person, "the feedback view")
    period = parse_period(period_text)
    if period is None:
        return reply(messages.feedback_usage(person.locale, period_text))
    offset = max(0, offset)
    with bot.sessions.begin() as session:
        term_days = programme_settings(session, person.team_id).mentorship_term_days
        since = period_start(period, bot.clock.now(), term_days)
        items = queries.feedback_items(
            session, person.team_id, since, offset=offset, limit=messages.FEEDBACK_PAGE + 1
        )
    page = messages.feedback_page(
        person.locale,
        [_written(item) for item in items[: messages.FEEDBACK_PAGE]],
        period_label=t(person.locale, f"stats.period.{period.value}", days=term_days),
        period_word=period.value,
        offset=offset,
        has_more=len(items) > messages.FEEDBACK_PAGE,
    )
    return reply(page)


def show_more_feedback(bot: BotContext, person: Person, value: str) -> Outcome:
    """The "more" button: its value is `period:offset`."""
    if not person.is_admin:
        return _refused(person, "the feedback view")
    period_word, _, offset = value.partition(":")
    return show_feedback(bot, person, period_word, int(offset) if offset.isdecimal() else 0)


def export_feedback_csv(bot: BotContext, person: Person, period_word: str) -> Outcome:
    """`feedback-<date>.csv` to the admin's DM: every item of the period, formula-safe like the other
    exports (`bot.exports.to_csv`)."""
    if not person.is_admin:
        return _refused(person, "the feedback CSV")
    period = parse_period(period_word) or Period.ALL
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        term_days = programme_settings(session, person.team_id).mentorship_term_days
        items = queries.feedback_items(session, person.team_id, period_start(period, now, term_days))
    content = to_csv(
        FEEDBACK_CSV_COLUMNS,
        ((i.kind, i.at, i.author_user_id, i.about_user_id, i.rating, i.text) for i in items),
    )
    name = f"feedback-{now:%Y-%m-%d}.csv"
    return Outcome(
        upload=Upload(
            files=(FileToUpload(name, content, name),),
            comment=messages.csv_comment(person.locale),
            sent=messages.csv_sent(person.locale),
            failed=messages.csv_failed(person.locale),
        )
    )


def pair_history(bot: BotContext, person: Person, mentorship_id: int) -> Outcome:
    """The alert's "Open the pair's history": a modal, admins only; database only (3 s trigger)."""
    if not person.is_admin:
        return _refused(person, "a pair's history")
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        if mentorship is None or mentorship.team_id != person.team_id:
            return reply(messages.refusal(person.locale, "feedback.already_closed"))
        lines = queries.pair_history(session, mentorship, messages.HISTORY_LINES)
        student = mentorship.student.slack_user_id if mentorship.student else None
        mentor = mentorship.mentor.slack_user_id if mentorship.mentor else None
    entries = [messages.HistoryEntry(line.at, line.what, line.user_id, line.detail) for line in lines]
    return Outcome(modal=messages.pair_history_modal(person.locale, student, mentor, entries))


def close_pair(bot: BotContext, person: Person, mentorship_id: int) -> Outcome:
    """The alert's "Close": the programme ends the mentorship through the same function as the End button
    (it frees the mentor's place, refreshes both Homes and offers the team's waiting requests)."""
    if not person.is_admin:
        return _refused(person, "closing a mentorship")
    ended, outcome = ended_mentorship(bot, person, mentorship_id, CLOSED_BY_ADMIN_REASON, by_programme=True)
    if ended is not EndOutcome.ENDED:
        return reply(messages.refusal(person.locale, "feedback.already_closed"))
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        assert mentorship is not None
        student = mentorship.student.slack_user_id if mentorship.student else None
        mentor = mentorship.mentor.slack_user_id if mentorship.mentor else None
    logger.info("mentorship %s closed by admin %s", mentorship_id, person.user_id)
    return outcome + reply(messages.closed_by_admin(person.locale, student, mentor))


def full_report(bot: BotContext, person: Person) -> Outcome:
    """The digest's button: the report `/mentoring-stats` gives."""
    if not person.is_admin:
        return _refused(person, "the stats report")
    return report_stats(bot, person, "")


def admin_channel_modal(bot: BotContext, person: Person) -> Outcome:
    if not person.is_admin:
        return _refused(person, "the admins' channel setting")
    with bot.sessions.begin() as session:
        channel_id = programme_settings(session, person.team_id).admin_channel_id
    return Outcome(modal=messages.admin_channel_modal(person.locale, channel_id))


def save_admin_channel(bot: BotContext, person: Person, channel_id: str | None) -> Outcome:
    """Keep the picked channel (None: back to DMs), with a line in the settings' audit trail."""
    if not person.is_admin:
        return _refused(person, "an admins' channel change")
    channel_id = (channel_id or "").strip() or None
    with bot.sessions.begin() as session:
        settings = programme_settings(session, person.team_id)
        old = settings.admin_channel_id
        changed = old != channel_id
        if changed:
            settings.admin_channel_id = channel_id
            record_change(
                session,
                person.team_id,
                changed_by=person.user_id,
                setting="admin_channel_id",
                old_value=old,
                new_value=channel_id,
                now=bot.clock.now(),
            )
    if changed:
        logger.info("admin %s set the admins' channel to %s", person.user_id, channel_id)
    return reply(messages.admin_channel_saved(person.locale, channel_id, changed))
