"""The follow-ups' messages: one builder per kind, used by the dispatcher and by anything that re-sends or
re-shows a follow-up, so a prompt looks the same however it reaches a person.

Every button carries the follow-up's id as its value; the answer handler re-checks it in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)

from bot import ids
from bot.i18n import catalogue, days, every, t, tn
from bot.messages import booking, feedback, recruiting
from bot.messages.kit import (
    AnyBlock,
    Message,
    button,
    buttons,
    mention,
    message,
    modal,
    note,
    section,
    slack_date,
)
from bot.messages.recognition import ImpactFigures, admin_to_thank, impact_note, reminder_topics
from bot.messages.topics import Topic
from storage.models import FollowupKind

COMMENT_MAX_LENGTH = 1000
END_REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Cadences:
    """The school's settings a follow-up's text names (how often the pair is asked, how long a term
    lasts), so the words follow the settings; the defaults are the programme's."""

    meeting_prompt_interval_days: int = 30
    mentorship_term_days: int = 182
    dormant_after_prompts: int = 3


@dataclass(frozen=True)
class FollowupContent:
    """What a follow-up's message shows; fields a kind does not use keep their defaults."""

    followup_id: int
    kind: FollowupKind
    student_user_id: str | None = None
    mentor_user_id: str | None = None
    recipient_is_mentor: bool = False
    days: int = 0  # since the match (or the request) when the follow-up fell due: its setting, as lived
    meetings: int = 0
    months: int = 0
    mentors: int = 0
    new_mentors: int = 0  # the student reminder: mentors who joined in their topics in the last `days`
    term_ends_at: datetime | None = None
    is_reminder: bool = False
    mentorship_id: int | None = None
    meeting_at: datetime | None = None  # a booked meeting's (`bot.booking`)
    meeting_mode: str | None = None
    meeting_link: str | None = None
    cadences: Cadences = Cadences()
    request_id: int | None = None  # the request of an unmatched-request alert: "Find a mentor" opens it
    # The impact note (mentor thanks): the mentor's school year, and the school's thank-you by language
    # (None: the catalogue's words).
    impact: ImpactFigures | None = None
    thanks: tuple[tuple[str, str | None], ...] = ()
    # The student reminder: the student's own topics (latest request, else roster) and who covers them.
    student_topics: tuple[Topic, ...] = ()
    mentors_in_topics: int = 0
    alert: feedback.Alert | None = None  # the admins' alerts: who, since when, the comment, the buttons
    digest: feedback.Digest | None = None

    @property
    def partner_user_id(self) -> str | None:
        return self.student_user_id if self.recipient_is_mentor else self.mentor_user_id

    @property
    def value(self) -> str:
        return str(self.followup_id)


def _who(user_id: str | None) -> str:
    return mention(user_id) if user_id else "?"


def _alert(locale: str, c: FollowupContent, text: str) -> Message:
    """An admins' alert: its text, and with what the dispatcher read (`alert`), what they need to act."""
    if c.alert is None:
        return message(text, [section(text)])
    return message(text, feedback.alert_blocks(locale, text, c.alert))


def _first_contact_check(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.first_contact_check.text",
        student=_who(c.student_user_id),
        days=days(locale, c.days),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                button(
                    t(locale, "followups.answers.contact_yes"), ids.FOLLOWUP_CONTACT_YES, c.value, "primary"
                ),
                button(t(locale, "followups.answers.contact_not_yet"), ids.FOLLOWUP_CONTACT_NOT_YET, c.value),
            ),
        ],
    )


def _first_contact_reminder(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.first_contact_reminder.text",
        mentor=_who(c.mentor_user_id),
        days=days(locale, c.days),
    )
    # The match DM's own button, handled where first contacts are recorded: its value is the mentorship.
    contacted = button(t(locale, "followups.contacted"), ids.FIRST_CONTACT_DONE, str(c.mentorship_id))
    return message(text, [section(text), buttons(contacted)])


def _first_contact_escalation(locale: str, c: FollowupContent) -> Message:
    if not c.recipient_is_mentor:
        text = t(
            locale,
            "followups.first_contact_escalation.student",
            mentor=_who(c.mentor_user_id),
            days=days(locale, c.days),
        )
        return message(text, [section(text)])
    text = t(
        locale,
        "followups.first_contact_escalation.mentor",
        student=_who(c.student_user_id),
        days=days(locale, c.days),
    )
    return message(
        text,
        [
            section(text),
            buttons(button(t(locale, "followups.answers.release"), ids.FOLLOWUP_RELEASE_MATCH, c.value)),
        ],
    )


def _admin_no_first_contact(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.admin.no_first_contact",
        student=_who(c.student_user_id),
        mentor=_who(c.mentor_user_id),
        days=days(locale, c.days),
    )
    return _alert(locale, c, text)


def _rating_buttons(locale: str, c: FollowupContent) -> list:
    return [
        button(t(locale, f"followups.answers.rate_{n}"), getattr(ids, f"FOLLOWUP_RATE_{n}"), c.value)
        for n in range(1, 6)
    ]


def _first_meeting_survey(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.first_meeting_survey.text",
        partner=_who(c.partner_user_id),
        days=days(locale, c.days),
    )
    return message(
        text,
        [
            section(text),
            note(t(locale, "followups.scale")),
            buttons(*_rating_buttons(locale, c)),
            buttons(button(t(locale, "followups.answers.not_met_yet"), ids.FOLLOWUP_NOT_MET_YET, c.value)),
        ],
    )


def _meeting_prompt(locale: str, c: FollowupContent) -> Message:
    if c.is_reminder:
        text = t(locale, "followups.meeting_prompt.reminder", partner=_who(c.partner_user_id))
    else:
        interval = every(locale, c.cadences.meeting_prompt_interval_days)
        text = t(locale, "followups.meeting_prompt.text", partner=_who(c.partner_user_id), interval=interval)
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "followups.answers.met"), ids.FOLLOWUP_MET, c.value, "primary"),
                button(t(locale, "followups.answers.met_video"), ids.FOLLOWUP_MET_VIDEO, c.value),
                button(t(locale, "followups.answers.met_in_person"), ids.FOLLOWUP_MET_IN_PERSON, c.value),
                button(t(locale, "followups.answers.met_phone"), ids.FOLLOWUP_MET_PHONE, c.value),
            ),
            buttons(
                button(
                    t(locale, "followups.answers.remind_next_week"), ids.FOLLOWUP_REMIND_NEXT_WEEK, c.value
                ),
                button(t(locale, "followups.answers.end"), ids.FOLLOWUP_END, c.value, "danger"),
            ),
            # Booking the next one, as the match DM books the first: its value is the mentorship.
            buttons(button(t(locale, "booking.book_next"), ids.BOOKING_PROPOSE, str(c.mentorship_id or 0))),
        ],
    )


def _dormant_check(locale: str, c: FollowupContent) -> Message:
    quiet_for = c.cadences.dormant_after_prompts * c.cadences.meeting_prompt_interval_days
    text = t(
        locale,
        "followups.dormant_check.text",
        partner=_who(c.partner_user_id),
        duration=days(locale, quiet_for),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "followups.answers.continue"), ids.FOLLOWUP_CONTINUE, c.value, "primary"),
                button(t(locale, "followups.answers.end"), ids.FOLLOWUP_END, c.value, "danger"),
            ),
        ],
    )


def _admin_dormant(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.admin.dormant",
        student=_who(c.student_user_id),
        mentor=_who(c.mentor_user_id),
        interval=every(locale, c.cadences.meeting_prompt_interval_days),
    )
    return _alert(locale, c, text)


def _end_of_term(locale: str, c: FollowupContent) -> Message:
    assert c.term_ends_at is not None
    text = t(
        locale,
        "followups.end_of_term.text",
        partner=_who(c.partner_user_id),
        date=slack_date(c.term_ends_at),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "followups.answers.renew"), ids.FOLLOWUP_RENEW, c.value, "primary"),
                button(t(locale, "followups.answers.close"), ids.FOLLOWUP_CLOSE, c.value),
            ),
        ],
    )


def _closing_survey(locale: str, c: FollowupContent) -> Message:
    text = t(locale, "followups.closing_survey.text", partner=_who(c.partner_user_id))
    return message(
        text, [section(text), note(t(locale, "followups.scale")), buttons(*_rating_buttons(locale, c))]
    )


def _mentor_thanks(locale: str, c: FollowupContent) -> Message:
    if c.impact is not None:
        thanks = dict(c.thanks).get(locale) or t(locale, "recognition.thanks_default")
        student = c.student_user_id if c.kind is FollowupKind.MENTOR_THANKS else None
        return impact_note(locale, student, c.impact, thanks)
    text = t(
        locale,
        "followups.mentor_thanks.text",
        student=_who(c.student_user_id),
        meetings=tn(locale, "followups.mentor_thanks.meetings", c.meetings),
        months=tn(locale, "followups.mentor_thanks.months", c.months),
    )
    return message(text, [section(text)])


def _admin_mentor_to_thank(locale: str, c: FollowupContent) -> Message:
    impact = c.impact or ImpactFigures(0, 0, None)
    return admin_to_thank(locale, c.followup_id, c.mentor_user_id, impact)


def _student_reminder(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.student_reminder.text",
        mentors=tn(locale, "followups.student_reminder.mentors", c.mentors),
    )
    if c.student_topics:
        labels = [topic.label(locale) for topic in c.student_topics]
        text = reminder_topics(locale, labels, c.mentors_in_topics) + "\n" + text
    news = (
        [section(tn(locale, "followups.student_reminder.new_mentors", c.new_mentors, days=c.days))]
        if c.new_mentors
        else []
    )
    return message(
        text,
        [
            section(text),
            *news,
            buttons(
                button(t(locale, "menu.meet_mentors"), ids.OPEN_DIRECTORY, style="primary"),
                button(t(locale, "menu.find_mentor"), ids.OPEN_REQUEST_MODAL),
                button(t(locale, "followups.answers.stop_reminders"), ids.FOLLOWUP_STOP_REMINDERS, c.value),
            ),
        ],
    )


def _request_unmatched(locale: str, c: FollowupContent) -> Message:
    text = t(locale, "followups.request_unmatched.text", days=days(locale, c.days))
    return message(text, [section(text)])


def _admin_request_unmatched(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.admin.request_unmatched",
        student=_who(c.student_user_id),
        days=days(locale, c.days),
    )
    alert = _alert(locale, c, text)
    if not c.request_id:
        return alert
    find = buttons(button(t(locale, "handmatch.find_button"), ids.FIND_MENTOR, str(c.request_id)))
    return message(alert.text, [*alert.blocks, find])


def _fit_check(locale: str, c: FollowupContent) -> Message:
    text = t(locale, "fit.question", partner=_who(c.partner_user_id))
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "followups.answers.fit_good"), ids.FOLLOWUP_FIT_GOOD, c.value, "primary"),
                button(t(locale, "followups.answers.fit_undecided"), ids.FOLLOWUP_FIT_UNDECIDED, c.value),
                button(t(locale, "followups.answers.fit_not_good"), ids.FOLLOWUP_FIT_NOT_GOOD, c.value),
            ),
            note(t(locale, "fit.privacy_note", partner=_who(c.partner_user_id))),
        ],
    )


def _admin_not_a_good_fit(locale: str, c: FollowupContent) -> Message:
    text = t(locale, "fit.admin_notice", student=_who(c.student_user_id), mentor=_who(c.mentor_user_id))
    return _alert(locale, c, text)


def _admin_low_rating(locale: str, c: FollowupContent) -> Message:
    alert = c.alert
    rater = alert.rater_user_id if alert else None
    partner = c.mentor_user_id if rater == c.student_user_id else c.student_user_id
    text = feedback.low_rating_text(
        locale,
        rater,
        partner,
        (alert.rating if alert else None) or 0,
        (alert.survey if alert else None) or "first_meeting",
    )
    return _alert(locale, c, text)


def _weekly_digest(locale: str, c: FollowupContent) -> Message:
    assert c.digest is not None
    return feedback.digest(locale, c.digest, c.value)


def _closed_without_answer(locale: str, c: FollowupContent) -> Message:
    text = t(locale, "fit.closed_without_answer", partner=_who(c.partner_user_id))
    blocks: list[AnyBlock] = [section(text)]
    if not c.recipient_is_mentor:
        blocks += [
            section(t(locale, "fit.closed_new_mentor")),
            buttons(button(t(locale, "menu.find_mentor"), ids.OPEN_REQUEST_MODAL, style="primary")),
        ]
    return message(text, blocks)


def not_a_good_fit_ended(locale: str, partner_user_id: str | None, *, recipient_is_student: bool) -> Message:
    """To each of a pair that one of them found not a good fit: the same kind words for both, so neither
    learns who said it; the student is offered a new request, which never goes back to this mentor."""
    partner = _who(partner_user_id)
    text = t(locale, "fit.ended", partner=partner)
    blocks: list[AnyBlock] = [section(text), section(t(locale, "fit.ended_kind"))]
    if recipient_is_student:
        blocks += [
            section(t(locale, "fit.new_mentor", mentor=partner)),
            buttons(button(t(locale, "menu.find_mentor"), ids.OPEN_REQUEST_MODAL, style="primary")),
        ]
    return message(text, blocks)


def _meeting_when(locale: str, c: FollowupContent) -> str:
    return booking.slot_text(locale, c.meeting_at, None) if c.meeting_at else t(locale, "booking.no_time")


def _meeting_reminder(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.meeting_reminder.text",
        partner=_who(c.partner_user_id),
        when=_meeting_when(locale, c),
    )
    how = booking.how_text(
        locale, booking.Meeting(c.meeting_mode or "video", c.meeting_link), c.partner_user_id or ""
    )
    return message(text, [section(text), section(how)])


def _meeting_happened(locale: str, c: FollowupContent) -> Message:
    text = t(
        locale,
        "followups.meeting_happened.text",
        partner=_who(c.partner_user_id),
        when=_meeting_when(locale, c),
    )
    return message(
        text,
        [
            section(text),
            buttons(
                button(
                    t(locale, "followups.answers.meeting_happened"),
                    ids.FOLLOWUP_MEETING_HAPPENED,
                    c.value,
                    "primary",
                ),
                button(t(locale, "followups.answers.meeting_missed"), ids.FOLLOWUP_MEETING_MISSED, c.value),
            ),
        ],
    )


BUILDERS: dict[FollowupKind, Callable[[str, FollowupContent], Message]] = {
    FollowupKind.FIRST_CONTACT_CHECK: _first_contact_check,
    FollowupKind.FIRST_CONTACT_REMINDER: _first_contact_reminder,
    FollowupKind.FIRST_CONTACT_ESCALATION: _first_contact_escalation,
    FollowupKind.ADMIN_NO_FIRST_CONTACT: _admin_no_first_contact,
    FollowupKind.FIRST_MEETING_SURVEY: _first_meeting_survey,
    FollowupKind.MEETING_PROMPT: _meeting_prompt,
    FollowupKind.DORMANT_CHECK: _dormant_check,
    FollowupKind.ADMIN_DORMANT: _admin_dormant,
    FollowupKind.END_OF_TERM: _end_of_term,
    FollowupKind.CLOSING_SURVEY: _closing_survey,
    FollowupKind.MENTOR_THANKS: _mentor_thanks,
    FollowupKind.STUDENT_REMINDER: _student_reminder,
    FollowupKind.REQUEST_UNMATCHED: _request_unmatched,
    FollowupKind.ADMIN_REQUEST_UNMATCHED: _admin_request_unmatched,
    FollowupKind.RECRUITING_INVITE: lambda locale, c: recruiting.invitation(
        locale, c.followup_id, c.cadences.meeting_prompt_interval_days, c.cadences.mentorship_term_days
    ),
    FollowupKind.FIT_CHECK: _fit_check,
    FollowupKind.ADMIN_NOT_A_GOOD_FIT: _admin_not_a_good_fit,
    FollowupKind.CLOSED_WITHOUT_ANSWER: _closed_without_answer,
    FollowupKind.MEETING_REMINDER: _meeting_reminder,
    FollowupKind.MEETING_HAPPENED: _meeting_happened,
    FollowupKind.MENTOR_YEAR_IMPACT: _mentor_thanks,
    FollowupKind.ADMIN_MENTOR_TO_THANK: _admin_mentor_to_thank,
    FollowupKind.ADMIN_LOW_RATING: _admin_low_rating,
    FollowupKind.WEEKLY_DIGEST: _weekly_digest,
}


def followup_message(locale: str, content: FollowupContent) -> Message:
    """The message of one follow-up, in the recipient's language."""
    return BUILDERS[content.kind](locale, content)


def answered(locale: str, shown: Message, answer: str) -> Message:
    """The follow-up as it was, its buttons replaced by what the person chose (and a word after it)."""
    blocks = [block for block in Block.parse_all(shown.blocks) if block.type != "actions"]
    chosen = t(locale, "followups.chosen", choice=t(locale, f"followups.answers.{answer}"))
    blocks.append(note(chosen))
    after = f"followups.after.{answer}"
    if after in catalogue(locale):
        blocks.append(section(t(locale, after)))
    return message(f"{shown.text}\n{chosen}", blocks)


def refusal(locale: str, key: str) -> Message:
    text = t(locale, key)
    return message(text, [section(text)])


def comment_modal(locale: str, followup_id: int) -> dict:
    """The optional comment that follows a rating."""
    return modal(
        callback_id=ids.FOLLOWUP_COMMENT_VIEW,
        title=t(locale, "followups.comment.title"),
        submit=t(locale, "followups.comment.submit"),
        close=t(locale, "followups.comment.close"),
        private_metadata=str(followup_id),
        blocks=[
            note(t(locale, "feedback.comment_note")),
            InputBlock(
                block_id=ids.FOLLOWUP_COMMENT_INPUT,
                label=PlainTextObject(text=t(locale, "followups.comment.label")),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.FOLLOWUP_COMMENT_INPUT, multiline=True, max_length=COMMENT_MAX_LENGTH
                ),
            ),
        ],
    )


def end_modal(locale: str, followup_id: int) -> dict:
    """ "End our mentorship" from a prompt: an optional reason, kept for the admins."""
    return modal(
        callback_id=ids.FOLLOWUP_END_VIEW,
        title=t(locale, "followups.end.title"),
        submit=t(locale, "followups.end.submit"),
        close=t(locale, "followups.end.close"),
        private_metadata=str(followup_id),
        blocks=[
            section(t(locale, "followups.end.text")),
            InputBlock(
                block_id=ids.FOLLOWUP_END_REASON_INPUT,
                label=PlainTextObject(text=t(locale, "followups.end.label")),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ids.FOLLOWUP_END_REASON_INPUT, multiline=True, max_length=END_REASON_MAX_LENGTH
                ),
            ),
        ],
    )


def next_followup_blocks(
    locale: str, followup_id: int, kind: FollowupKind, due_at: datetime
) -> list[AnyBlock]:
    """The Home's "next follow-up", with a snooze of a week."""
    text = t(
        locale,
        "followups.home.next",
        what=t(locale, f"followups.home.kinds.{kind.value}"),
        date=slack_date(due_at),
    )
    return [
        section(text),
        buttons(button(t(locale, "followups.home.snooze"), ids.FOLLOWUP_SNOOZE, str(followup_id))),
    ]
