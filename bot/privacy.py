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
were gone that long ago are anonymised like an erasure.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, or_, select

from bot.context import BotContext
from bot.home import publish_home
from bot.matching import offer_request
from bot.members import Person, identify, member_locale, person_of
from bot.mentorships import end_mentorship
from bot.messages import mentorships as mentorship_messages
from bot.messages import privacy as messages
from bot.messages.admin_roles import admins_only
from bot.messages.kit import Message
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


def _upload_json(bot: BotContext, to_user_id: str, subject_user_id: str, content: bytes, locale: str) -> bool:
    filename = "mentorbot-data-" + subject_user_id + bot.clock.now().strftime("-%Y-%m-%d.json")
    try:
        channel = bot.client.conversations_open(users=to_user_id)["channel"]["id"]
        bot.client.files_upload_v2(
            channel=channel,
            file=content,
            filename=filename,
            title=filename,
            initial_comment=messages.export_comment(locale),
        )
    except SlackApiError as error:
        logger.warning("could not upload a data export: %s", error.response.get("error"))
        return False
    return True


def export_member_data(bot: BotContext, person: Person) -> Message:
    """ "Export my data": the JSON file to the person's own DM, and a note where they clicked."""
    content = export_json(bot, person.member_id)
    logger.info("member %s exported their data", person.member_id)
    if not _upload_json(bot, person.user_id, person.user_id, content, person.locale):
        return messages.export_failed(person.locale)
    return messages.export_sent(person.locale)


# ------------------------------------------------------------------------------------------------------
# Erasure


def delete_confirmation_for(bot: BotContext, team_id: str, user_id: str, subject_user_id: str | None) -> dict:
    """The confirmation modal; database only, so it opens within the 3 s of the click's trigger_id."""
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        locale = member_locale(bot, member)
    return messages.delete_confirmation(locale, subject_user_id)


def confirmed_erasure(
    bot: BotContext, team_id: str, user_id: str, subject_user_id: str | None
) -> Message | None:
    """The confirmation was submitted by `user_id`: erase their own data, or, for an admin checked now with
    Slack, the data of `subject_user_id`. Returns what to DM them (None once they are erased and told)."""
    if subject_user_id and subject_user_id != user_id:
        requester = identify(bot, team_id, user_id)
        if not admin_confirmed_now(bot, requester):
            logger.warning("refused to erase the data of %s: %s is not an admin", subject_user_id, user_id)
            return admins_only(requester.locale)
        subject = _known_person(bot, team_id, subject_user_id)
        if subject is None:
            return messages.unknown_member(requester.locale, subject_user_id)
        logger.info("admin %s erases the data of %s at their request", user_id, subject_user_id)
        erase_member_data(bot, subject)
        return messages.admin_data_deleted(requester.locale, subject_user_id)
    subject = _known_person(bot, team_id, user_id)
    if subject is None:  # erased already (a second submission): nothing to do, nothing created
        return messages.data_deleted(bot.config.default_locale)
    erase_member_data(bot, subject)
    return None


def _known_person(bot: BotContext, team_id: str, user_id: str) -> Person | None:
    """The member behind `user_id` if mentorbot stores anything about them, without creating one."""
    with bot.sessions.begin() as session:
        member = find_member(session, team_id, user_id)
        return person_of(bot, member) if member is not None else None


def erase_member_data(bot: BotContext, subject: Person) -> None:
    """Erase everything about `subject`, kindly: mentorships end with the usual messages, pending offers
    go to other mentors, the offers' DMs stop showing the student's words. Safe to run twice."""
    with bot.sessions.begin() as session:
        live = queries.live_mentorship_ids(session, subject.member_id)
    for mentorship_id in live:
        end_mentorship(bot, subject, mentorship_id, None)

    with bot.sessions.begin() as session:
        erasure = queries.erase_member(session, subject.member_id, bot.clock.now())
        stragglers = [
            (mentorship_id, person_of(bot, other))
            for mentorship_id, other_id in erasure.ended_mentorships
            if other_id is not None and (other := session.get(Member, other_id)) is not None
        ]
    logger.info("member %s erased their data (or had it erased)", subject.member_id)

    for channel, ts, locale in erasure.offer_dms:
        _post(bot, "update", channel, messages.withdrawn_for_erasure(locale or bot.config.default_locale), ts)
    for _, other in stragglers:  # matched while the kind messages went out: told the same way
        _post(
            bot,
            "post",
            other.user_id,
            mentorship_messages.ended_for_other_side(
                other.locale, subject.user_id, recipient_is_student=other.role is Role.STUDENT
            ),
        )
    for request_id in erasure.reoffered_request_ids:
        offer_request(bot, request_id)
    _post(bot, "post", subject.user_id, messages.data_deleted(subject.locale))
    try:  # their Home tab stops showing their old profile and mentorships
        blank = Person(0, subject.team_id, subject.user_id, None, subject.locale, None, False)
        publish_home(bot, bot.client, blank)
    except SlackApiError as error:
        logger.warning("could not refresh an erased member's Home: %s", error.response.get("error"))


def _post(bot: BotContext, how: str, channel: str, message: Message, ts: str | None = None) -> None:
    try:
        if how == "update":
            bot.client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        else:
            bot.client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as error:
        logger.warning("could not send a data-rights message: %s", error.response.get("error"))


# ------------------------------------------------------------------------------------------------------
# Admins acting for a member


def admin_confirmed_now(bot: BotContext, person: Person) -> bool:
    """Whether `person` is an admin right now: listed in MENTORBOT_ADMINS, or a workspace admin or owner
    according to Slack at this moment (the stored flag may be an hour old). Fails closed."""
    if person.user_id in bot.config.admins:
        return True
    try:
        user = bot.client.users_info(user=person.user_id)["user"]
    except SlackApiError as error:
        logger.warning("could not check a member's admin status: %s", error.response.get("error"))
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


def admin_privacy_command(bot: BotContext, admin: Person, text: str, trigger_id: str) -> Message | None:
    """`/mentor admin privacy @someone export|delete`. Export sends the member's file to the admin's DM;
    delete opens the same confirmation a member gets. None when a modal was opened."""
    if not admin_confirmed_now(bot, admin):
        logger.warning("non-admin %s tried /mentor admin privacy", admin.user_id)
        return admins_only(admin.locale)
    parsed = parse_admin_privacy(text)
    if parsed is None:
        return messages.admin_usage(admin.locale)
    subject_user_id, what = parsed
    if what == "delete":
        modal = delete_confirmation_for(bot, admin.team_id, admin.user_id, subject_user_id)
        bot.client.views_open(trigger_id=trigger_id, view=modal)
        return None
    with bot.sessions.begin() as session:
        member = find_member(session, admin.team_id, subject_user_id)
        member_id = member.id if member is not None else None
    if member_id is None:
        return messages.unknown_member(admin.locale, subject_user_id)
    logger.info("admin %s exports the data of %s at their request", admin.user_id, subject_user_id)
    content = export_json(bot, member_id)
    if not _upload_json(bot, admin.user_id, subject_user_id, content, admin.locale):
        return messages.export_failed(admin.locale)
    return messages.admin_export_sent(admin.locale, subject_user_id)


# ------------------------------------------------------------------------------------------------------
# Retention


def anonymise_expired(bot: BotContext, now: datetime) -> int:
    """The retention job: erase free text about what closed more than `MENTORBOT_RETENTION_DAYS` ago and
    anonymise members gone from Slack that long. Returns the rows changed; idempotent (0 the second time).

    Members gone from Slack are not messaged: their mentorships already ended or were left behind; any
    still live is ended in the erasing transaction.
    """
    cutoff = now - timedelta(days=bot.config.retention_days)
    with bot.sessions.begin() as session:
        changed = queries.erase_old_free_text(session, cutoff)
        gone = queries.inactive_member_ids(session, cutoff)
        for member_id in gone:
            queries.erase_member(session, member_id, now)
    if changed or gone:
        logger.info("retention: %d texts erased, %d departed members anonymised", changed, len(gone))
    return changed + len(gone)
