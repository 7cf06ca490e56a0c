"""Every follow-up message, rendered in both languages and validated as Slack would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ids
from bot.followups import Answer
from bot.messages import followups as messages
from bot.messages.feedback import Digest
from bot.messages.followups import FollowupContent
from bot.slack_double.web_api import block_kit_problem
from storage.models import SCHEDULED_KINDS, FollowupKind

CONTENT = dict(
    followup_id=42,
    student_user_id="USTU",
    mentor_user_id="UMEN",
    days=14,
    meetings=3,
    months=6,
    mentors=12,
    term_ends_at=datetime(2027, 3, 8, tzinfo=UTC),
    mentorship_id=7,
    # A booked meeting at its worst: the longest link a mentor may give, full of characters to escape.
    meeting_at=datetime(2026, 9, 10, 14, tzinfo=UTC),
    meeting_mode="video",
    meeting_link="https://meet.example/" + "<&>" * 159,
    digest=Digest(datetime(2027, 3, 8, tzinfo=UTC), 10_000, 9_999, 9_998, 99_999, 1_000),
)


def buttons_of(blocks: list[dict]) -> list[tuple[str, str | None]]:
    return [
        (element["action_id"], element.get("value"))
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("kind", SCHEDULED_KINDS)
@pytest.mark.parametrize("to_mentor", [False, True])
def test_every_followup_renders_valid_block_kit_in_both_languages(
    locale: str, kind: FollowupKind, to_mentor: bool
) -> None:
    message = messages.followup_message(
        locale, FollowupContent(kind=kind, recipient_is_mentor=to_mentor, **CONTENT)
    )

    assert message.text and block_kit_problem(blocks=message.blocks) is None
    for action_id, value in buttons_of(message.blocks):
        # Buttons that open another flow (a request, the directory, the volunteer modal, the match's first
        # contact, booking a meeting) carry that flow's value, not the follow-up's id.
        other_flows = (
            ids.OPEN_REQUEST_MODAL,
            ids.OPEN_DIRECTORY,
            ids.OPEN_VOLUNTEER_MODAL,
            ids.FIRST_CONTACT_DONE,
            ids.BOOKING_PROPOSE,
        )
        if action_id not in other_flows:
            assert value == "42", f"{action_id} must carry the follow-up id"


def test_the_survey_offers_a_five_point_scale_and_not_met_yet() -> None:
    message = messages.followup_message(
        "en", FollowupContent(kind=FollowupKind.FIRST_MEETING_SURVEY, **CONTENT)
    )

    assert [action for action, _ in buttons_of(message.blocks)] == [
        ids.FOLLOWUP_RATE_1,
        ids.FOLLOWUP_RATE_2,
        ids.FOLLOWUP_RATE_3,
        ids.FOLLOWUP_RATE_4,
        ids.FOLLOWUP_RATE_5,
        ids.FOLLOWUP_NOT_MET_YET,
    ]
    assert "<@UMEN>" in message.text  # a student is asked about their mentor


def test_only_the_mentor_may_release_a_match_without_first_contact() -> None:
    to_student = messages.followup_message(
        "fr", FollowupContent(kind=FollowupKind.FIRST_CONTACT_ESCALATION, **CONTENT)
    )
    to_mentor = messages.followup_message(
        "fr", FollowupContent(kind=FollowupKind.FIRST_CONTACT_ESCALATION, recipient_is_mentor=True, **CONTENT)
    )

    assert buttons_of(to_student.blocks) == []
    assert buttons_of(to_mentor.blocks) == [(ids.FOLLOWUP_RELEASE_MATCH, "42")]


def test_the_meeting_prompt_is_the_meeting_log() -> None:
    message = messages.followup_message("fr", FollowupContent(kind=FollowupKind.MEETING_PROMPT, **CONTENT))

    assert [action for action, _ in buttons_of(message.blocks)] == [
        ids.FOLLOWUP_MET,
        ids.FOLLOWUP_MET_VIDEO,
        ids.FOLLOWUP_MET_IN_PERSON,
        ids.FOLLOWUP_MET_PHONE,
        ids.FOLLOWUP_REMIND_NEXT_WEEK,
        ids.FOLLOWUP_END,
        ids.BOOKING_PROPOSE,  # "Book our next meeting", with the mentorship's id
    ]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("answer", list(Answer))
def test_an_answered_followup_shows_the_choice_without_buttons(locale: str, answer: Answer) -> None:
    shown = messages.followup_message(locale, FollowupContent(kind=FollowupKind.MEETING_PROMPT, **CONTENT))

    answered = messages.answered(locale, shown, answer)

    assert buttons_of(answered.blocks) == [] and block_kit_problem(blocks=answered.blocks) is None
    assert messages.t(locale, f"followups.answers.{answer}") in answered.text


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_modals_and_the_home_section_render_in_both_languages(locale: str) -> None:
    assert block_kit_problem(view=messages.comment_modal(locale, 42)) is None
    assert block_kit_problem(view=messages.end_modal(locale, 42)) is None
    home_blocks = messages.next_followup_blocks(
        locale, 42, FollowupKind.MEETING_PROMPT, datetime(2026, 11, 6, tzinfo=UTC)
    )
    assert block_kit_problem(blocks=home_blocks) is None
    assert buttons_of(home_blocks) == [(ids.FOLLOWUP_SNOOZE, "42")]
    assert "<!date^1793923200^{date_long}|2026-11-06>" in home_blocks[0]["text"]["text"]


@pytest.mark.parametrize(
    ("locale", "count", "expected"),
    [
        ("en", 1, "New: 1 mentor joined in your topics in the last 28 days."),
        ("en", 3, "New: 3 mentors joined in your topics in the last 28 days."),
        ("fr", 1, "Nouveau : 1 mentor a rejoint le programme sur vos thèmes ces 28 derniers jours."),
        ("fr", 3, "Nouveau : 3 mentors ont rejoint le programme sur vos thèmes ces 28 derniers jours."),
    ],
)
def test_the_student_reminder_says_how_many_mentors_joined(locale: str, count: int, expected: str) -> None:
    content = FollowupContent(followup_id=42, kind=FollowupKind.STUDENT_REMINDER, days=28, new_mentors=count)

    message = messages.followup_message(locale, content)

    assert block_kit_problem(blocks=message.blocks) is None
    assert expected in [block["text"]["text"] for block in message.blocks if block["type"] == "section"]
    assert buttons_of(message.blocks)[0] == (ids.OPEN_DIRECTORY, None)


def test_the_student_reminder_without_news_has_no_news_line() -> None:
    content = FollowupContent(followup_id=42, kind=FollowupKind.STUDENT_REMINDER, days=28, new_mentors=0)

    message = messages.followup_message("en", content)

    assert not any("New:" in block.get("text", {}).get("text", "") for block in message.blocks)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_fit_question_offers_three_answers_and_says_the_other_never_learns_who(locale: str) -> None:
    message = messages.followup_message(locale, FollowupContent(kind=FollowupKind.FIT_CHECK, **CONTENT))

    assert block_kit_problem(blocks=message.blocks) is None
    assert buttons_of(message.blocks) == [
        (ids.FOLLOWUP_FIT_GOOD, "42"),
        (ids.FOLLOWUP_FIT_UNDECIDED, "42"),
        (ids.FOLLOWUP_FIT_NOT_GOOD, "42"),
    ]
    for answer in (Answer.FIT_GOOD, Answer.FIT_UNDECIDED, Answer.FIT_NOT_GOOD):
        shown = messages.answered(locale, message, answer)
        assert buttons_of(shown.blocks) == [] and block_kit_problem(blocks=shown.blocks) is None


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("to_student", [False, True])
def test_not_a_good_fit_tells_each_side_the_same_kind_words(locale: str, to_student: bool) -> None:
    message = messages.not_a_good_fit_ended(locale, "UPARTNER", recipient_is_student=to_student)

    assert block_kit_problem(blocks=message.blocks) is None and "<@UPARTNER>" in message.text
    assert buttons_of(message.blocks) == ([(ids.OPEN_REQUEST_MODAL, None)] if to_student else [])
    gone = messages.not_a_good_fit_ended(locale, None, recipient_is_student=to_student)
    assert block_kit_problem(blocks=gone.blocks) is None


def text_of(locale: str, kind: FollowupKind, **changes: object) -> str:
    return messages.followup_message(locale, FollowupContent(kind=kind, **(CONTENT | changes))).text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "It's been 45 days since you were matched"), ("fr", "a été formé il y a 45\u00a0jours")],
)
def test_a_survey_sent_45_days_after_the_match_says_45_days_not_a_month(locale: str, expected: str) -> None:
    text = text_of(locale, FollowupKind.FIRST_MEETING_SURVEY, days=45)

    assert expected in text
    assert "month" not in text and "mois" not in text


@pytest.mark.parametrize(
    ("locale", "days", "expected"),
    [
        ("en", 7, "you were matched with <@UMEN> 1 week ago"),
        ("en", 10, "you were matched with <@UMEN> 10 days ago"),
        ("fr", 7, "a été formé il y a 1\u00a0semaine"),
        ("fr", 10, "a été formé il y a 10\u00a0jours"),
    ],
)
def test_the_first_contact_reminder_says_how_long_ago_the_match_was(
    locale: str, days: int, expected: str
) -> None:
    assert expected in text_of(locale, FollowupKind.FIRST_CONTACT_REMINDER, days=days)


@pytest.mark.parametrize(
    ("locale", "meetings", "months", "expected"),
    [
        ("en", 0, 1, "Over 1 month you held 0 meetings together"),
        ("en", 1, 2, "Over 2 months you held 1 meeting together"),
        ("en", 2, 6, "Over 6 months you held 2 meetings together"),
        ("fr", 0, 1, "En 1\u00a0mois, vous avez tenu 0 rendez-vous ensemble"),
        ("fr", 1, 2, "En 2\u00a0mois, vous avez tenu 1 rendez-vous ensemble"),
        ("fr", 2, 6, "En 6\u00a0mois, vous avez tenu 2 rendez-vous ensemble"),
    ],
)
def test_the_mentor_thanks_counts_with_plural_rules(
    locale: str, meetings: int, months: int, expected: str
) -> None:
    assert expected in text_of(locale, FollowupKind.MENTOR_THANKS, meetings=meetings, months=months)


@pytest.mark.parametrize(
    ("locale", "mentors", "expected"),
    [
        ("en", 0, "0 mentors cover the topics"),
        ("en", 1, "1 mentor covers the topics"),
        ("en", 2, "2 mentors cover the topics"),
        ("fr", 0, "0 mentor couvre les thèmes"),
        ("fr", 1, "1 mentor couvre les thèmes"),
        ("fr", 2, "2 mentors couvrent les thèmes"),
    ],
)
def test_the_student_reminder_counts_mentors_with_plural_rules(
    locale: str, mentors: int, expected: str
) -> None:
    assert expected in text_of(locale, FollowupKind.STUDENT_REMINDER, mentors=mentors)


@pytest.mark.parametrize(
    ("locale", "interval", "prompt", "quiet_for"),
    [
        ("en", 30, "we check in every month", "for 3 months"),
        ("en", 14, "we check in every 2 weeks", "for 6 weeks"),
        ("fr", 30, "nous faisons le point chaque mois", "Cela fait 3\u00a0mois"),
        ("fr", 14, "nous faisons le point toutes les 2\u00a0semaines", "Cela fait 6\u00a0semaines"),
    ],
)
def test_meeting_prompts_and_the_dormant_check_follow_the_prompt_interval(
    locale: str, interval: int, prompt: str, quiet_for: str
) -> None:
    cadences = messages.Cadences(meeting_prompt_interval_days=interval)

    assert prompt in text_of(locale, FollowupKind.MEETING_PROMPT, cadences=cadences)
    assert quiet_for in text_of(locale, FollowupKind.DORMANT_CHECK, cadences=cadences)


@pytest.mark.parametrize(("locale", "expected"), [("en", "in 45 days"), ("fr", "en 45\u00a0jours")])
def test_an_unmatched_request_says_how_long_it_waited(locale: str, expected: str) -> None:
    assert expected in text_of(locale, FollowupKind.REQUEST_UNMATCHED, days=45)
    assert expected in text_of(locale, FollowupKind.ADMIN_REQUEST_UNMATCHED, days=45)
