"""The admins' feedback loop over signed HTTP: alerts with what admins need to act (in the admins' channel
or by DM), what people wrote read in `/mentoring-stats feedback` and its CSV, the Monday digest, and a
non-admin refused everything without learning anything."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox, start_sandbox
from bot.slack_double.web_api import Message
from storage.models import (
    Followup,
    FollowupKind,
    FollowupState,
    Meeting,
    Member,
    Mentorship,
    MentorshipStatus,
    OfferStatus,
    ProgrammeSettings,
    RequestStatus,
    Role,
    SettingsChange,
    SurveyAnswer,
)
from tests.conftest import START
from tests.factories import (
    action_ids,
    make_member,
    make_mentor,
    make_mentorship,
    make_offer,
    make_request,
    make_student,
    shown_text,
)
from tests.factories_followups import (
    dispatch,
    dispatch_through_quiet_hours,
    last_with,
    matched_pair,
    mentorship,
)

STATS = ids.STATS_COMMAND
CHANNEL = "CADMINS"
HOSTILE = '<!channel> =HYPERLINK("http://evil") & <@UMEN> awful'


def stats(sandbox: Sandbox, user_id: str, text: str) -> None:
    sandbox.driver.slash_command(user_id, command=STATS, text=text)
    sandbox.settle()


def pick_admin_channel(sandbox: Sandbox, channel_id: str) -> None:
    stats(sandbox, "UADMIN", "settings")
    overview = sandbox.slack.last_message_to("UADMIN")
    sandbox.click("UADMIN", overview, ids.OPEN_ADMIN_CHANNEL_MODAL)
    modal = sandbox.slack.last_view_opened()
    assert modal["callback_id"] == ids.ADMIN_CHANNEL_VIEW
    [select_element] = [
        block["element"] for block in modal["blocks"] if block.get("block_id") == ids.ADMIN_CHANNEL_INPUT
    ]
    assert select_element["filter"]["include"] == ["public", "private"]
    sandbox.submit("UADMIN", modal, {ids.ADMIN_CHANNEL_INPUT: channel_id})


def rate_on_day_30(sandbox: Sandbox, clock: ManualClock, user_id: str, action_id: str, comment: str | None):  # type: ignore[no-untyped-def]
    clock.set(START + timedelta(days=30))
    dispatch_through_quiet_hours(sandbox, clock)
    survey = last_with(sandbox, user_id, action_id)
    sandbox.click(user_id, survey, action_id)
    comment_modal = sandbox.slack.last_view_opened()
    assert "admins will read it" in shown_text(comment_modal) or "le liront" in shown_text(comment_modal)
    if comment is not None:
        sandbox.submit(user_id, comment_modal, {ids.FOLLOWUP_COMMENT_INPUT: comment})


def alerts(sandbox: Sandbox, kind: FollowupKind) -> list[Followup]:
    with sandbox.bot.sessions.begin() as session:
        found = session.scalars(select(Followup).where(Followup.kind == kind)).all()
        for row in found:
            session.expunge(row)
        return list(found)


def posted_to(sandbox: Sandbox, channel: str) -> list[dict]:
    return [
        call.params
        for call in sandbox.slack.calls_to("chat.postMessage")
        if call.params["channel"] == channel
    ]


def buttons_of(message: Message) -> dict[str, dict]:
    return {
        element["action_id"]: element
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


# ------------------------------------------------------------------------------------------------------
# Alerts


def test_a_rating_of_two_with_a_comment_raises_one_alert_in_the_admins_channel_with_the_comment_escaped(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    sandbox.slack.add_user("UBOSS", locale="fr-FR", is_admin=True)  # a second admin, who reads the channel
    with sandbox.bot.sessions.begin() as session:
        boss = make_member(session, sandbox.team_id, "UBOSS", role=None)
        boss.is_workspace_admin = True
    sandbox.slack.add_channel(CHANNEL, {"UADMIN", "UBOSS"})
    pick_admin_channel(sandbox, CHANNEL)
    with sandbox.bot.sessions.begin() as session:
        assert session.get(ProgrammeSettings, sandbox.team_id).admin_channel_id == CHANNEL
        [change] = session.scalars(select(SettingsChange).where(SettingsChange.setting == "admin_channel_id"))
        assert (change.changed_by, change.old_value, change.new_value) == ("UADMIN", None, CHANNEL)

    rate_on_day_30(sandbox, clock, pair.student_user, ids.FOLLOWUP_RATE_2, HOSTILE)
    clock.advance(timedelta(minutes=2))
    dispatch(sandbox)

    [alert] = alerts(sandbox, FollowupKind.ADMIN_LOW_RATING)
    assert alert.state == FollowupState.SENT and alert.channel_id == CHANNEL
    # In the school's language (the sandbox's is French), whoever holds the row.
    [posted] = [params for params in posted_to(sandbox, CHANNEL) if "sur 5" in params["text"]]
    shown = sandbox.slack.last_message_to("UBOSS")
    text = shown_text(shown)
    assert "<@USTU> a donné 2 sur 5 à son mentorat avec <@UMEN>" in text
    assert "&lt;!channel&gt; =HYPERLINK" in text and "&amp; &lt;@UMEN&gt; awful" in text
    assert "<!channel>" not in text
    low_rating_dms = [
        m for m in sandbox.slack.messages_to("UADMIN") if m.channel.startswith("D") and "out of 5" in m.text
    ]
    assert low_rating_dms == []  # one message in the channel, no DM to each admin
    assert posted["channel"] == CHANNEL

    actions = buttons_of(shown)
    assert set(actions) == {
        ids.ADMIN_PAIR_HISTORY,
        ids.ADMIN_CONTACT_STUDENT,
        ids.ADMIN_CONTACT_MENTOR,
        ids.ADMIN_CLOSE_PAIR,
    }
    assert actions[ids.ADMIN_CONTACT_STUDENT]["url"] == f"slack://user?team={sandbox.team_id}&id=USTU"
    assert actions[ids.ADMIN_CONTACT_MENTOR]["url"] == f"slack://user?team={sandbox.team_id}&id=UMEN"

    sandbox.click("UBOSS", shown, ids.ADMIN_PAIR_HISTORY)
    history = sandbox.slack.last_view_opened()
    assert history["callback_id"] == ids.PAIR_HISTORY_VIEW
    assert "<@USTU>" in shown_text(history) and "first-meeting rating" not in shown_text(history)
    assert "note après la première rencontre · <@USTU> · 2" in shown_text(history)  # UBOSS reads French

    sandbox.click("UBOSS", shown, ids.ADMIN_CLOSE_PAIR)
    closed = mentorship(sandbox, pair.mentorship_id)
    assert closed.status == MentorshipStatus.ENDED and closed.end_reason == "closed by an admin"
    assert "ont clos votre mentorat" not in sandbox.slack.last_message_to("USTU").text
    assert "have closed your mentorship with <@UMEN>" in sandbox.slack.last_message_to("USTU").text
    assert "clos votre mentorat avec <@USTU>" in sandbox.slack.last_message_to("UMEN").text
    sandbox.click("UBOSS", shown, ids.ADMIN_CLOSE_PAIR)  # a second click ends nothing more
    assert "déjà terminé" in sandbox.slack.last_message_to("UBOSS").text


def test_without_a_channel_each_admin_gets_the_alert_by_dm(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = matched_pair(sandbox, clock)
    sandbox.slack.add_user("UBOSS", locale="fr-FR", is_admin=True)
    with sandbox.bot.sessions.begin() as session:
        boss = make_member(session, sandbox.team_id, "UBOSS", role=None)
        boss.is_workspace_admin = True
        boss.tz = "Europe/Paris"
        make_member(session, sandbox.team_id, "UADMIN", role=None, locale="en")

    rate_on_day_30(sandbox, clock, pair.mentor_user, ids.FOLLOWUP_RATE_1, None)  # no comment
    clock.advance(timedelta(minutes=2))
    dispatch_through_quiet_hours(sandbox, clock)

    sent = alerts(sandbox, FollowupKind.ADMIN_LOW_RATING)
    assert len(sent) == 2 and all(row.state == FollowupState.SENT for row in sent)
    to_admin = sandbox.slack.last_message_to("UADMIN")
    assert to_admin.channel == "DADMIN"
    assert "<@UMEN> rated their mentorship with <@USTU> 1 out of 5" in to_admin.text
    assert "Comment" not in shown_text(to_admin)
    to_boss = sandbox.slack.last_message_to("UBOSS")
    assert to_boss.channel == "DBOSS" and "<@UMEN> a donné 1 sur 5" in to_boss.text


def test_a_rating_of_three_raises_no_alert(sandbox: Sandbox, clock: ManualClock) -> None:
    pair = matched_pair(sandbox, clock)
    rate_on_day_30(sandbox, clock, pair.student_user, ids.FOLLOWUP_RATE_3, "fine")
    clock.advance(timedelta(minutes=2))
    dispatch(sandbox)
    assert alerts(sandbox, FollowupKind.ADMIN_LOW_RATING) == []


def test_the_existing_alerts_say_since_when_and_offer_the_buttons(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    clock.set(START + timedelta(days=14))
    dispatch_through_quiet_hours(sandbox, clock)
    alert = sandbox.slack.last_message_to("UADMIN")
    assert "le premier contact n'a toujours pas eu lieu" in alert.text
    assert ids.ADMIN_CLOSE_PAIR in buttons_of(alert) and ids.ADMIN_PAIR_HISTORY in buttons_of(alert)
    assert f"<!date^{int(START.timestamp())}^" in shown_text(alert)  # since the match
    assert buttons_of(alert)[ids.ADMIN_CLOSE_PAIR]["value"] == str(pair.mentorship_id)


# ------------------------------------------------------------------------------------------------------
# What people wrote


def seed_feedback(sandbox: Sandbox, now: datetime) -> None:
    """Twelve things written, one a day back from `now`: comments, decline reasons, end reasons."""
    with sandbox.bot.sessions.begin() as session:
        team = sandbox.team_id
        for n in range(12):
            at = now - timedelta(days=n + 1)
            student = make_student(session, team, f"US{n:02d}", locale="en")
            mentor = make_mentor(session, team, f"UM{n:02d}", locale="en")
            if n % 3 == 0:
                pair = make_mentorship(session, student, mentor, started_at=at - timedelta(days=40))
                session.add(
                    SurveyAnswer(
                        team_id=team,
                        mentorship_id=pair.id,
                        member_id=student.id,
                        survey="first_meeting",
                        rating=4,
                        comment=f"item {n} {HOSTILE}" if n == 0 else f"item {n}",
                        answered_at=at,
                    )
                )
            elif n % 3 == 1:
                request = make_request(session, team, student, created_at=at - timedelta(days=1))
                offer = make_offer(session, request, mentor, status=OfferStatus.DECLINED, offered_at=at)
                offer.answered_at, offer.decline_reason = at, f"item {n}"
            else:
                pair = make_mentorship(session, student, mentor, started_at=at - timedelta(days=40))
                pair.status, pair.ended_at, pair.ended_by_id = MentorshipStatus.ENDED, at, mentor.id
                pair.end_reason = f"item {n}"


def test_admins_read_what_people_wrote_latest_first_ten_at_a_time(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    seed_feedback(sandbox, clock.now())

    stats(sandbox, "UADMIN", "feedback 30d")
    first = sandbox.slack.last_message_to("UADMIN")
    text = shown_text(first)
    order = [
        text.index(f"item {n}\n") if f"item {n}\n" in text else text.index(f"item {n}") for n in range(10)
    ]
    assert order == sorted(order) and "item 10" not in text
    assert "1 to 10" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "<@US00> about their mentorship with <@UM00>, rated 4 out of 5" in text
    assert "<@UM01> declined the request of <@US01>" in text
    assert "<@UM02> ended the mentorship with <@US02>" in text

    sandbox.click("UADMIN", first, ids.FEEDBACK_MORE)
    second = sandbox.slack.last_message_to("UADMIN")
    assert "item 10" in shown_text(second) and "item 11" in shown_text(second)
    assert "item 9\n" not in shown_text(second) and ids.FEEDBACK_MORE not in action_ids(second)

    stats(sandbox, "UADMIN", "feedback 30j")  # the French word, and the French period
    assert "11 to" not in shown_text(sandbox.slack.last_message_to("UADMIN"))
    stats(sandbox, "UADMIN", "feedback yesterday")
    assert "/mentoring-stats feedback" in sandbox.slack.last_message_to("UADMIN").text


def test_the_feedback_csv_parses_and_defuses_formulas(sandbox: Sandbox, clock: ManualClock) -> None:
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    seed_feedback(sandbox, clock.now())
    with sandbox.bot.sessions.begin() as session:
        answer = session.scalars(select(SurveyAnswer).where(SurveyAnswer.comment.like("item 3%"))).one()
        answer.comment = '=HYPERLINK("http://evil","click")'
    stats(sandbox, "UADMIN", "feedback all")
    sandbox.click("UADMIN", sandbox.slack.last_message_to("UADMIN"), ids.FEEDBACK_CSV)

    [upload] = sandbox.slack.uploaded_files
    assert upload.filename == f"feedback-{clock.now():%Y-%m-%d}.csv"
    rows = list(csv.DictReader(io.StringIO(upload.content.decode("utf-8"))))
    assert len(rows) == 12
    assert [row["text"].split(" ")[0:2] for row in rows][:2] == [["item", "0"], ["item", "1"]]
    [formula] = [row for row in rows if 'HYPERLINK("http://evil","click")' in row["text"]]
    assert formula["text"].startswith("'=") and formula["kind"] == "comment" and formula["rating"] == "4"
    assert {row["kind"] for row in rows} == {"comment", "decline", "end"}
    assert "in your direct messages" in sandbox.slack.last_message_to("UADMIN").text


# ------------------------------------------------------------------------------------------------------
# Non-admins


def test_a_non_admin_is_refused_every_command_button_and_view_without_learning_anything(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    pair = matched_pair(sandbox, clock)
    seed_feedback(sandbox, clock.now())
    sandbox.slack.add_user("USNOOP", locale="en-GB")
    views_before = len(sandbox.slack.calls_to("views.open"))

    def refused() -> None:
        told = sandbox.slack.last_message_to("USNOOP")
        assert told.text == "Sorry, only the mentoring programme's admins can do that."
        assert "item" not in shown_text(told) and "USTU" not in shown_text(told)

    stats(sandbox, "USNOOP", "feedback all")
    refused()
    for action_id, value in (
        (ids.ADMIN_PAIR_HISTORY, str(pair.mentorship_id)),
        (ids.ADMIN_CLOSE_PAIR, str(pair.mentorship_id)),
        (ids.FEEDBACK_MORE, "all:0"),
        (ids.FEEDBACK_CSV, "all"),
        (ids.DIGEST_FULL_REPORT, "1"),
        (ids.OPEN_ADMIN_CHANNEL_MODAL, ""),
    ):
        sandbox.driver.block_action(
            "USNOOP", [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}]
        )
        sandbox.settle()
        refused()
    forged = {
        "id": "VFORGED",
        "callback_id": ids.ADMIN_CHANNEL_VIEW,
        "type": "modal",
        "blocks": [
            {
                "type": "input",
                "block_id": ids.ADMIN_CHANNEL_INPUT,
                "label": {"type": "plain_text", "text": "x"},
                "element": {"type": "conversations_select", "action_id": ids.ADMIN_CHANNEL_INPUT},
            }
        ],
    }
    sandbox.driver.submit_view("USNOOP", forged, {ids.ADMIN_CHANNEL_INPUT: "CEVIL"})
    sandbox.settle()
    refused()

    assert len(sandbox.slack.calls_to("views.open")) == views_before  # no history, no settings modal
    assert sandbox.slack.uploaded_files == []
    assert mentorship(sandbox, pair.mentorship_id).status == MentorshipStatus.ACTIVE
    with sandbox.bot.sessions.begin() as session:
        assert session.get(ProgrammeSettings, sandbox.team_id).admin_channel_id is None


# ------------------------------------------------------------------------------------------------------
# The Monday digest


@pytest.fixture
def digest_sandbox(database_url: str, clock: ManualClock) -> Iterator[Sandbox]:
    running = start_sandbox(database_url, clock, admins=frozenset({"UADMIN"}), weekly_digest=True)
    try:
        yield running
        assert running.slack.block_kit_errors == [], running.slack.block_kit_errors
    finally:
        running.stop()


def seed_week(sandbox: Sandbox, monday_9am: datetime) -> None:
    """In the week before: 3 requests, 2 matches, 1 first contact, 2 meetings; one more of each before it;
    and one pair alerted (dormant) that is still together, one alerted that has ended."""
    week = monday_9am - timedelta(days=7)
    inside = [week + timedelta(hours=1), week + timedelta(days=3), monday_9am - timedelta(minutes=1)]
    before = week - timedelta(minutes=1)
    with sandbox.bot.sessions.begin() as session:
        team = sandbox.team_id
        admin = make_member(session, team, "UADMIN", role=None, locale="en")
        admin.tz = "Europe/Paris"
        mentors = [make_mentor(session, team, f"UM{n}", locale="en") for n in range(4)]
        for n, at in enumerate([*inside, before]):
            student = make_student(session, team, f"US{n}", locale="en")
            make_request(session, team, student, status=RequestStatus.MATCHED, created_at=at)
        pairs = []
        for n, (at, contact) in enumerate(
            [(inside[0], inside[1]), (inside[1], None), (before, before), (before - timedelta(days=1), None)]
        ):
            student = make_student(session, team, f"UP{n}", locale="en")
            pairs.append(
                make_mentorship(session, student, mentors[n], started_at=at, first_contact_at=contact)
            )
        for n, at in enumerate([inside[0], inside[2], before]):
            session.add(Meeting(team_id=team, mentorship_id=pairs[2].id, period=f"p{n}", met_at=at))
        pairs[3].status, pairs[3].ended_at = MentorshipStatus.ENDED, before
        for pair in (pairs[2], pairs[3]):
            session.add(
                Followup(
                    team_id=team,
                    kind=FollowupKind.ADMIN_DORMANT,
                    recipient_id=admin.id,
                    mentorship_id=pair.id,
                    period=f"m{pair.id}:d2026-08-01",
                    due_at=before,
                    state=FollowupState.SENT,
                    sent_at=before,
                )
            )


def digests(sandbox: Sandbox) -> list[Message]:
    return [m for m in sandbox.slack.messages_to("UADMIN") if "mentoring week" in m.text]


def test_the_digest_goes_out_once_on_monday_morning_with_the_weeks_counts(
    digest_sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox = digest_sandbox
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    monday_9am = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)  # 09:00 in Paris (summer time)
    seed_week(sandbox, monday_9am)

    clock.set(monday_9am - timedelta(minutes=1))
    dispatch(sandbox)
    assert digests(sandbox) == []

    clock.set(monday_9am + timedelta(minutes=1))
    dispatch(sandbox)
    [digest] = digests(sandbox)
    text = shown_text(digest)
    assert "New requests: 3" in text
    assert "Matches: 2" in text
    assert "First contacts: 1" in text
    assert "Meetings logged: 2" in text
    assert "Alerts still open (pairs alerted that are still together): 1" in text
    assert "`/mentoring-stats`" in text

    for later in (timedelta(minutes=5), timedelta(days=2), timedelta(days=6)):
        clock.set(monday_9am + later)
        dispatch(sandbox)
    assert len(digests(sandbox)) == 1  # once a week
    clock.set(monday_9am + timedelta(days=7, minutes=1))
    dispatch(sandbox)
    assert len(digests(sandbox)) == 2  # and the next Monday again

    sandbox.click("UADMIN", digest, ids.DIGEST_FULL_REPORT)
    assert sandbox.slack.last_message_to("UADMIN").text != digest.text  # the report itself


def test_the_digest_goes_to_the_admins_channel_once_when_there_is_one(
    digest_sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox = digest_sandbox
    monday_9am = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)
    seed_week(sandbox, monday_9am)
    with sandbox.bot.sessions.begin() as session:
        boss = make_member(session, sandbox.team_id, "UBOSS", role=Role.ALUMNUS)
        boss.is_workspace_admin = True
    from bot.programme import programme_settings

    with sandbox.bot.sessions.begin() as session:
        programme_settings(session, sandbox.team_id).admin_channel_id = CHANNEL
    clock.set(monday_9am + timedelta(minutes=1))
    dispatch(sandbox)
    # One post, in the school's language (French in the sandbox).
    assert len([p for p in posted_to(sandbox, CHANNEL) if "semaine du mentorat" in p["text"]]) == 1
    assert [m for m in sandbox.slack.messages_to("UADMIN") if "mentoring week" in m.text] == []
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(Member.id).where(Member.slack_user_id == "UBOSS")) is not None
        assert (
            len(session.scalars(select(Followup).where(Followup.kind == FollowupKind.WEEKLY_DIGEST)).all())
            == 1
        )
    assert Mentorship
