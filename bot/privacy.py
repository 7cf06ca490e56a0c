"""Members' data rights (GDPR): see what is stored and why, export it, erase it; and the retention job.

`/mentor privacy` shows a person what mentorbot holds about them, with "Export my data" (a JSON file in
their DM) and "Delete my data" (after a confirmation). An admin does the same for a member who asked them,
with `/mentor admin privacy @someone export|delete`; their admin status is checked with Slack at that
moment, not taken from the hour-old copy, and every such act is logged.

Erasing ends the person's mentorships through `bot.mentorships.end_mentorship` (the other side is told
kindly, the mentor's place is freed), then erases the rest in one transaction (`storage.queries.privacy`):
the school keeps anonymous counts only.

`anonymise_expired(bot, now)` is the retention job, run daily by the scheduler: after
`MENTORBOT_RETENTION_DAYS` the words people wrote about ended mentorships are erased, and members Slack said
were gone that long ago are anonymised like an erasure; workspaces that uninstalled the app more than
`MENTORBOT_UNINSTALLED_RETENTION_DAYS` ago are erased whole (`bot.lifecycle.erase_departed`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from bot import slack
from bot.context import BotContext
from bot.lifecycle import erase_departed
from bot.members import Person, member_locale, person_of, stranger
from bot.mentorships import ended_mentorship
from bot.messages import mentorships as mentorship_messages
from bot.messages import privacy as messages
from bot.messages.admin_roles import admins_only
from bot.messages.kit import Message
from bot.outcome import FileToUpload, Notice, NoticeKind, Outcome, Update, Upload, reply
from storage.models import (
    CharterAcceptance,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    Offer,
    Role,
    SurveyAnswer,
)
from storage.queries import privacy as queries
from storage.queries.delivery import (
    forget_messages_about,
    forget_messages_posted_before,
    messages_posted_about,
)
from storage.queries.members import find_member

logger = logging.getLogger(__name__)

# With `should_escape: true`, Slack sends a mention as <@U123|name> (or <@U123> for newer clients).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_EXPORT = ("export", "exporter")
_DELETE = ("delete", "supprimer", "effacer")


# ------------------------------------------------------------------------------------------------------
# Seeing what is stored


def privacy_overview_for(bot: BotContext, person: Person) -> Message:
    """`/mentor privacy`: what mentorbot stores about the person and why, with Export and Delete."""
    with bot.sessions.begin() as session:
        member = session.get(Member, person.member_id)
        assert member is not None
        mentorship_ids = select(Mentorship.id).where(
            or_(Mentorship.student_id == member.id, Mentorship.mentor_id == member.id)
        )

        def count(statement) -> int:  # type: ignore[no-untyped-def]
            return session.scalar(select(func.count()).select_from(statement.subquery())) or 0

        stored = messages.StoredSummary(
            role=person.role,
            language=member.locale,
            time_zone=member.tz,
            has_mentor_profile=session.get(MentorProfile, member.id) is not None,
            requests=count(select(MentoringRequest.id).where(MentoringRequest.student_id == member.id)),
            offers=count(select(Offer.id).where(Offer.mentor_id == member.id)),
            mentorships=count(mentorship_ids),
            meetings=count(select(Meeting.id).where(Meeting.mentorship_id.in_(mentorship_ids))),
            survey_answers=count(select(SurveyAnswer.id).where(SurveyAnswer.member_id == member.id)),
            comments=count(
                select(SurveyAnswer.id).where(
                    SurveyAnswer.member_id == member.id, SurveyAnswer.comment.is_not(None)
                )
            ),
            charter_acceptances=count(
                select(CharterAcceptance.id).where(CharterAcceptance.member_id == member.id)
            ),
            retention_days=bot.config.retention_days,
        )
    return messages.privacy_overview(person.locale, stored)


# ------------------------------------------------------------------------------------------------------
# Export


def export_json(bot: BotContext, member_id: int) -> bytes:
    """Everything stored about the member, as the JSON file they receive."""
    with bot.sessions.begin() as session:
        member = session.get(Member, member_id)
        assert member is not None
        data = queries.member_data(session, member)
    data["exported_at"] = bot.clock.now().isoformat()
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _json_upload(
    bot: BotContext, subject_user_id: str, content: bytes, locale: str, sent: Message, failed: Message
) -> Upload:
    filename = "mentorbot-data-" + subject_user_id + bot.clock.now().strftime("-%Y-%m-%d.json")
    return Upload(
        files=(FileToUpload(filename=filename, content=content, title=filename),),
        comment=messages.export_comment(locale),
        sent=sent,
        failed=failed,
    )


def export_member_data(bot: BotContext, person: Person) -> Outcome:
    """ "Export my data": the JSON file to the person's own DM, and a note where they clicked."""
    content = export_json(bot, person.member_id)
    logger.info("member %s exported their data", person.member_id)
    sent, failed = messages.export_sent(person.locale), messages.export_failed(person.locale)
    return Outcome(upload=_json_upload(bot, person.user_id, content, person.locale, sent, failed))


# ------------------------------------------------------------------------------------------------------
# Erasure


def delete_confirmation_for(person: Person, subject_user_id: str | None) -> Outcome:
    """The confirmation modal; nothing read from Slack, so it opens within the 3 s of its trigger_id."""
    return Outcome(modal=messages.delete_confirmation(person.locale, subject_user_id))


def confirmed_erasure(bot: BotContext, requester: Person, subject_user_id: str | None) -> Outcome:
    """The confirmation was submitted by `requester`: erase their own data, or, for an admin checked now
    with Slack, the data of `subject_user_id`."""
    team_id, user_id = requester.team_id, requester.user_id
    if subject_user_id and subject_user_id != user_id:
        if not admin_confirmed_now(bot, requester):
            logger.warning("refused to erase the data of %s: %s is not an admin", subject_user_id, user_id)
            return reply(admins_only(requester.locale))
        subject = _known_person(bot, team_id, subject_user_id)
        if subject is None:
            return reply(messages.unknown_member(requester.locale, subject_user_id))
        logger.info("admin %s erases the data of %s at their request", user_id, subject_user_id)
        return erase_member_data(bot, subject) + reply(
            messages.admin_data_deleted(requester.locale, subject_user_id)
        )
    if requester.member_id == 0:  # erased already (a second submission): nothing to do, nothing created
        return reply(messages.data_deleted(requester.locale))
    return erase_member_data(bot, requester)


def _known_person(bot: BotContext, team_id: str, user_id: str) -> Person | None:
    """The member behind `user_id` if mentorbot stores anything about them, without creating one."""
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        return person_of(bot, member) if member is not None else None


def erase_member_data(bot: BotContext, subject: Person) -> Outcome:
    """Erase everything about `subject`, kindly: mentorships end with the usual messages, pending offers
    go to other mentors, every message that showed them (offers, match DMs, notices) is rewritten.
    Safe to run twice: the second time finds nothing to erase and says so again."""
    with bot.sessions.begin() as session:
        live = queries.live_mentorship_ids(session, subject.member_id)
    outcome = Outcome()
    for mentorship_id in live:
        outcome += ended_mentorship(bot, subject, mentorship_id, None)[1]
    # The "ended" notices go out after the erasure: they must not record a place about the erased member.
    outcome = dataclasses.replace(
        outcome,
        notices=tuple(
            dataclasses.replace(notice, about=tuple(m for m in notice.about if m != subject.member_id))
            for notice in outcome.notices
        ),
    )

    with bot.sessions.begin() as session:
        posted = [
            ((row.channel_id, row.message_ts), member_locale(bot, session.get(Member, row.recipient_id or 0)))
            for row in messages_posted_about(session, subject.member_id)
        ]
        forget_messages_about(session, subject.member_id)
        erasure = queries.erase_member(session, subject.member_id, bot.clock.now())
        stragglers = [
            person_of(bot, other)
            for _, other_id in erasure.ended_mentorships
            if other_id is not None and (other := session.get(Member, other_id)) is not None
        ]
    logger.info("member %s erased their data (or had it erased)", subject.member_id)

    default_locale = bot.config.default_locale
    rewritten: dict[tuple[str, str], Message] = {
        (channel, ts): messages.withdrawn_for_erasure(locale or default_locale)
        for channel, ts, locale in erasure.offer_dms
    }
    for place, locale in posted:
        rewritten.setdefault(place, messages.message_erased(locale))
    notices = [  # matched while the kind messages went out: told the same way
        Notice(
            other.user_id,
            mentorship_messages.ended_for_other_side(
                other.locale, subject.user_id, recipient_is_student=other.role is Role.STUDENT
            ),
            NoticeKind.MENTORSHIP_ENDED,
            other.member_id,
        )
        for other in stragglers
    ]
    notices.append(
        Notice(
            subject.user_id, messages.data_deleted(subject.locale), NoticeKind.DATA_DELETED, subject.member_id
        )
    )
    # Their Home tab stops showing their old profile and mentorships.
    blank = stranger(subject.team_id, subject.user_id, subject.locale)
    return outcome + Outcome(
        notices=tuple(notices),
        updates=tuple(Update(channel, ts, message) for (channel, ts), message in rewritten.items()),
        homes=(blank,),
        reoffer_requests=tuple(erasure.reoffered_request_ids),
    )


# ------------------------------------------------------------------------------------------------------
# Admins acting for a member


def admin_confirmed_now(bot: BotContext, person: Person) -> bool:
    """Whether `person` is an admin right now: listed in MENTORBOT_ADMINS, the installer (the bot's own
    record), or a workspace admin or owner according to Slack at this moment (the stored flag may be an
    hour old). Fails closed."""
    if person.user_id in bot.config.admins:
        return True
    with bot.sessions.begin() as session:
        member = session.get(Member, person.member_id)
        if member is not None and member.is_programme_admin:
            return True
    try:
        user = slack.slack_user(bot.client_for(person.team_id), person.user_id)
    except slack.SLACK_FAILURES as error:
        logger.warning("could not check a member's admin status: %s", slack.failure_of(error))
        return False
    is_admin = bool(user.get("is_admin") or user.get("is_owner"))
    with bot.sessions.begin() as session:
        member = session.get(Member, person.member_id)
        if member is not None:
            member.is_workspace_admin = is_admin
    return is_admin


def parse_admin_privacy(text: str) -> tuple[str, str] | None:
    """`<@U123|name> export` → ("U123", "export"); None when the text is not that."""
    words = text.split()
    if len(words) != 2:
        return None
    match = _MENTION.match(words[0])
    what = words[1].lower()
    if match is None or what not in _EXPORT + _DELETE:
        return None
    return match.group(1), "export" if what in _EXPORT else "delete"


def admin_privacy_command(bot: BotContext, admin: Person, text: str) -> Outcome:
    """`/mentor admin privacy @someone export|delete`. Export sends the member's file to the admin's DM;
    delete opens the same confirmation a member gets."""
    if not admin_confirmed_now(bot, admin):
        logger.warning("non-admin %s tried /mentor admin privacy", admin.user_id)
        return reply(admins_only(admin.locale))
    parsed = parse_admin_privacy(text)
    if parsed is None:
        return reply(messages.admin_usage(admin.locale))
    subject_user_id, what = parsed
    if what == "delete":
        return delete_confirmation_for(admin, subject_user_id)
    with bot.sessions.begin() as session:
        member = find_member(session, admin.team_id, subject_user_id)
        member_id = member.id if member is not None else None
    if member_id is None:
        return reply(messages.unknown_member(admin.locale, subject_user_id))
    logger.info("admin %s exports the data of %s at their request", admin.user_id, subject_user_id)
    content = export_json(bot, member_id)
    sent = messages.admin_export_sent(admin.locale, subject_user_id)
    failed = messages.admin_export_failed(admin.locale, subject_user_id)
    return Outcome(upload=_json_upload(bot, subject_user_id, content, admin.locale, sent, failed))


# ------------------------------------------------------------------------------------------------------
# Retention


def anonymise_expired(bot: BotContext, now: datetime) -> int:
    """The retention job: erase the workspaces that left long enough ago, then free text about what closed
    more than `MENTORBOT_RETENTION_DAYS` ago, and anonymise members gone from Slack that long. Returns the
    rows (and workspaces) changed; idempotent (0 the second time).

    Members gone from Slack are not messaged: their mentorships already ended or were left behind; any
    still live is ended in the erasing transaction.
    """
    workspaces = erase_departed(bot, now)
    cutoff = now - timedelta(days=bot.config.retention_days)
    with bot.sessions.begin() as session:
        changed = queries.erase_old_free_text(session, cutoff)
        changed += forget_messages_posted_before(session, cutoff)
        gone = queries.inactive_member_ids(session, cutoff)
        for member_id in gone:
            queries.erase_member(session, member_id, now)
    if changed or gone:
        logger.info("retention: %d texts erased, %d departed members anonymised", changed, len(gone))
    return workspaces + changed + len(gone)
