"""Issue 15 §4 and §5 over signed HTTP: failed follow-ups re-sent once from the report, the recruiting
campaign's figures, roster topics stored and used, each mentor's impact note, kudos only with consent,
and every new button and view refused to non-admins without a word of what is behind them."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot import ids
from bot.i18n import t
from bot.recognition import YEAR_NOTE_WINDOW
from bot.roster import Pacer, import_roster
from bot.sandbox import Sandbox
from storage.models import (
    Followup,
    FollowupKind,
    FollowupState,
    Kudos,
    KudosStatus,
    Meeting,
    Member,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorTopic,
    ProgrammeSettings,
    Role,
    SettingsChange,
    SurveyAnswer,
)
from tests.conftest import ManualClock
from tests.factories import make_member, make_mentor, make_student, shown_text
from tests.factories_followups import dispatch, dispatch_through_quiet_hours, due_now, followup

STATS = ids.STATS_COMMAND
ADMIN = "UADMIN"
REFUSAL = t("en", "common.admins_only")


def a_student(sandbox: Sandbox, user_id: str = "USTU", email: str | None = None) -> int:
    sandbox.slack.add_user(user_id, locale="en-GB", tz="Europe/Paris", email=email)
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, sandbox.team_id, user_id, locale="en")
        student.tz = "Europe/Paris"
        return student.id


def report_of(sandbox: Sandbox, user_id: str = ADMIN):  # type: ignore[no-untyped-def]
    sandbox.slack.add_user(ADMIN, locale="en-GB")
    sandbox.command(user_id, "all", command=STATS)
    return sandbox.slack.last_message_to(user_id)


def reminders_to(sandbox: Sandbox, user_id: str) -> list[str]:
    return [
        shown_text(message)
        for message in sandbox.slack.messages_to(user_id)
        if ids.FOLLOWUP_STOP_REMINDERS in str(message.blocks)
    ]


def failed_reminder(sandbox: Sandbox, clock: ManualClock, member_id: int, period: str = "test") -> int:
    followup_id = due_now(sandbox, member_id, FollowupKind.STUDENT_REMINDER, clock.now(), period=period)
    sandbox.slack.fail_next("chat.postMessage", error="restricted_action")
    assert [item.followup_id for item in dispatch(sandbox).failed] == [followup_id]
    return followup_id


# ------------------------------------------------------------------------------------------------------
# §4: failed deliveries re-sent


def test_resend_delivers_a_failed_followup_once_however_often_it_is_clicked(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 9, 8, 9, 0, tzinfo=UTC))  # a Tuesday, 11:00 in Paris
    student = a_student(sandbox)
    followup_id = failed_reminder(sandbox, clock, student)
    assert reminders_to(sandbox, "USTU") == []

    report = report_of(sandbox)
    text = shown_text(report)
    assert "*Failed follow-ups* (the latest 1)" in text and "<@USTU>: `restricted_action`" in text

    sandbox.click(ADMIN, report, ids.RESEND_FOLLOWUP, value=str(followup_id))
    assert "Re-sent 1: 1 delivered" in shown_text(sandbox.slack.last_message_to(ADMIN))
    sandbox.click(ADMIN, report, ids.RESEND_FOLLOWUP, value=str(followup_id))  # the same button again

    assert "Nothing to re-send" in shown_text(sandbox.slack.last_message_to(ADMIN))
    assert len(reminders_to(sandbox, "USTU")) == 1
    assert followup(sandbox, followup_id).state == FollowupState.SENT
    assert dispatch(sandbox).sent == []  # nothing left over for the next pass


def test_resend_all_puts_every_failed_followup_back_through_the_dispatcher(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 9, 8, 9, 0, tzinfo=UTC))
    first = failed_reminder(sandbox, clock, a_student(sandbox, "USTU"))
    second = failed_reminder(sandbox, clock, a_student(sandbox, "UZOE"))

    sandbox.click(ADMIN, report_of(sandbox), ids.RESEND_ALL_FOLLOWUPS)

    assert "Re-sent 2: 2 delivered, 0 failed again" in shown_text(sandbox.slack.last_message_to(ADMIN))
    assert [followup(sandbox, one).state for one in (first, second)] == [FollowupState.SENT] * 2
    assert (len(reminders_to(sandbox, "USTU")), len(reminders_to(sandbox, "UZOE"))) == (1, 1)
    with sandbox.bot.sessions.begin() as session:
        audited = session.scalar(select(SettingsChange).where(SettingsChange.setting == "resend_followups"))
        assert audited is not None and audited.changed_by == ADMIN


def test_the_campaign_figures_match_an_independently_computed_seed(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    rng = random.Random(15)
    alumni = [f"UAL{n:02d}" for n in range(rng.randint(8, 14))]
    for user_id in alumni:
        sandbox.slack.add_user(user_id, locale="en-GB", tz="Europe/Paris")
        with sandbox.bot.sessions.begin() as session:
            make_member(session, sandbox.team_id, user_id, role=Role.ALUMNUS, locale="en").tz = "Europe/Paris"
    undelivered = set(rng.sample(alumni, 2))
    sandbox.slack.add_user(ADMIN, locale="en-GB")
    sandbox.command(ADMIN, "settings", command=STATS)
    sandbox.click(ADMIN, sandbox.slack.last_message_to(ADMIN), ids.START_RECRUITING)
    with sandbox.bot.sessions.begin() as session:  # two invitations still waiting: invited, not delivered
        for user_id in undelivered:
            member_id = session.scalar(select(Member.id).where(Member.slack_user_id == user_id))
            session.execute(
                Followup.__table__.update()
                .where(Followup.recipient_id == member_id)
                .values(due_at=clock.now() + timedelta(days=30))
            )
    dispatch_through_quiet_hours(sandbox, clock)
    delivered = [user_id for user_id in alumni if user_id not in undelivered]
    declined = rng.sample(delivered, 3)
    volunteered = rng.sample([user_id for user_id in delivered if user_id not in declined], 2)
    for user_id in declined:
        sandbox.click(user_id, sandbox.slack.last_message_to(user_id), ids.RECRUITING_NOT_NOW)
    with sandbox.bot.sessions.begin() as session:
        for user_id in volunteered:
            member_id = session.scalar(select(Member.id).where(Member.slack_user_id == user_id))
            session.add(
                MentorProfile(
                    member_id=member_id,
                    team_id=sandbox.team_id,
                    charter_version=1,
                    volunteered_at=clock.now() + timedelta(hours=1),
                    topics=[MentorTopic(topic="careers")],
                )
            )
    clock.advance(timedelta(hours=2))

    text = shown_text(report_of(sandbox))

    assert (
        f"Invited: {len(alumni)} · delivered: {len(delivered)} · volunteered since: {len(volunteered)}"
        f" · declined: {len(declined)}"
    ) in text


def test_roster_topics_are_stored_and_lead_the_reminder_and_the_directory(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 9, 8, 9, 0, tzinfo=UTC))
    student = a_student(sandbox, "ULEO", email="leo@school.example.org")
    with sandbox.bot.sessions.begin() as session:
        ben = make_mentor(session, sandbox.team_id, "UBEN", topics=("arts", "careers"), display_name="Ben").id
        mia = make_mentor(session, sandbox.team_id, "UMIA", topics=("health",), display_name="Mia").id
    roster = io.StringIO(
        "email,role,graduation_year,topics\nleo@school.example.org,student,2027,health;studies\n"
    )

    import_roster(sandbox.bot, roster, "roster.csv", Pacer(600000))

    with sandbox.bot.sessions.begin() as session:
        assert session.get(Member, student).topics == ["health", "studies"]
    due_now(sandbox, student, FollowupKind.STUDENT_REMINDER, clock.now())
    dispatch(sandbox)
    [reminder] = reminders_to(sandbox, "ULEO")
    topics = f"{t('en', 'topics.studies')}, {t('en', 'topics.health')}"
    assert reminder.startswith(f"Your topics: {topics}. 1 mentor(s) available cover them.")

    sandbox.command("ULEO", "mentors")
    directory = sandbox.slack.last_view_opened()
    assert [
        int(block["accessory"]["value"])
        for block in directory["blocks"]
        if (block.get("accessory") or {}).get("action_id") == ids.DIRECTORY_ASK
    ] == [mia, ben]  # the mentor in the student's roster topic first


# ------------------------------------------------------------------------------------------------------
# §5: recognition


def _school_year_of_a_mentor(sandbox: Sandbox) -> int:
    """A mentor with three mentorships: two this school year (Sept 2026 - June 2027), one the year before.
    This year: 3 meetings, students' ratings 4 and 5 (the mentor's own 1 does not count); last year's pair
    and its rating of 2 do not count."""
    sandbox.slack.add_user("UMEN", locale="en-GB", tz="Europe/Paris")
    sandbox.slack.add_user(ADMIN, locale="en-GB", tz="Europe/Paris")
    with sandbox.bot.sessions.begin() as session:
        mentor = make_mentor(session, sandbox.team_id, "UMEN", locale="en")
        mentor.tz = "Europe/Paris"
        admin = make_member(session, sandbox.team_id, ADMIN, role=None, locale="en")
        admin.tz = "Europe/Paris"
        pairs = []
        for user_id, started, ended in (
            ("USA", datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC)),
            ("USB", datetime(2027, 1, 10, tzinfo=UTC), None),
            ("USC", datetime(2025, 10, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)),
        ):
            student = make_student(session, sandbox.team_id, user_id, locale="en")
            pair = Mentorship(
                team_id=sandbox.team_id,
                student_id=student.id,
                mentor_id=mentor.id,
                status=MentorshipStatus.ENDED if ended else MentorshipStatus.ACTIVE,
                started_at=started,
                ended_at=ended,
            )
            session.add(pair)
            session.flush()
            pairs.append((pair, student))
        (first, usa), (second, usb), (old, usc) = pairs
        for pair, met_at, period in (
            (first, datetime(2026, 11, 1, tzinfo=UTC), "p1"),
            (first, datetime(2026, 12, 1, tzinfo=UTC), "p2"),
            (second, datetime(2027, 2, 1, tzinfo=UTC), "p1"),
            (old, datetime(2025, 11, 1, tzinfo=UTC), "p1"),
        ):
            session.add(Meeting(team_id=sandbox.team_id, mentorship_id=pair.id, period=period, met_at=met_at))
        for pair, member, rating, at in (
            (first, usa, 4, datetime(2026, 11, 2, tzinfo=UTC)),
            (second, usb, 5, datetime(2027, 2, 2, tzinfo=UTC)),
            (second, mentor, 1, datetime(2027, 2, 2, tzinfo=UTC)),
            (old, usc, 2, datetime(2025, 11, 2, tzinfo=UTC)),
        ):
            session.add(
                SurveyAnswer(
                    team_id=sandbox.team_id,
                    mentorship_id=pair.id,
                    member_id=member.id,
                    survey="first_meeting",
                    rating=rating,
                    answered_at=at,
                )
            )
        return mentor.id


def _after_the_school_year(clock: ManualClock) -> None:
    clock.set(datetime(2027, 7, 5, 9, 0, tzinfo=UTC))  # a Monday after June 2027, 11:00 in Paris


def test_a_mentor_gets_their_impact_note_with_the_right_counts_once_a_year(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentor = _school_year_of_a_mentor(sandbox)
    clock.set(datetime(2027, 6, 28, 9, 0, tzinfo=UTC))
    assert dispatch(sandbox).sent == []  # the school year is not over yet
    _after_the_school_year(clock)

    report = dispatch(sandbox)

    assert sorted(item.kind for item in report.sent) == ["admin_mentor_to_thank", "mentor_year_impact"]
    note = shown_text(sandbox.slack.last_message_to("UMEN"))
    assert "*The school year is over: thank you for mentoring!*" in note
    assert "Students helped: 2" in note and "Meetings held: 3" in note and "mentees: 4.5/5" in note
    assert t("en", "recognition.thanks_default") in note
    notice = shown_text(sandbox.slack.last_message_to(ADMIN))
    assert "*A mentor to thank*: <@UMEN>" in notice and "2 student(s) helped, 3 meeting(s)" in notice
    clock.advance(timedelta(days=1))
    assert dispatch(sandbox).sent == []  # once a year
    with sandbox.bot.sessions.begin() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    Followup.recipient_id == mentor, Followup.kind == "mentor_year_impact"
                )
            )
            == 1
        )
    clock.set(datetime(2027, 7, 5, 9, 0, tzinfo=UTC) + YEAR_NOTE_WINDOW + timedelta(days=1))
    assert dispatch(sandbox).planned == 0


def test_the_schools_thank_you_is_edited_in_settings_audited_and_used(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    _school_year_of_a_mentor(sandbox)
    sandbox.command(ADMIN, "settings", command=STATS)
    sandbox.click(ADMIN, sandbox.slack.last_message_to(ADMIN), ids.OPEN_THANKS_MODAL)
    sandbox.submit(
        ADMIN,
        sandbox.slack.last_view_opened(),
        {
            ids.THANKS_TEXT_EN: "Thanks from all of <Lycée> & us!",
            ids.THANKS_TEXT_FR: "Merci de toute l'école !",
        },
    )
    with sandbox.bot.sessions.begin() as session:
        settings = session.get(ProgrammeSettings, sandbox.team_id)
        assert settings is not None and settings.thanks_text_en == "Thanks from all of <Lycée> & us!"
        assert (
            session.scalar(
                select(func.count()).where(SettingsChange.setting.in_(["thanks_text_en", "thanks_text_fr"]))
            )
            == 2
        )
    _after_the_school_year(clock)

    dispatch(sandbox)

    assert "Thanks from all of &lt;Lycée&gt; &amp; us!" in shown_text(sandbox.slack.last_message_to("UMEN"))


def _posts_to(sandbox: Sandbox, channel: str) -> list[str]:
    return [
        str(call.params.get("text"))
        for call in sandbox.slack.calls_to("chat.postMessage")
        if call.params.get("channel") == channel and call.response.get("ok")
    ]


def _ask_to_share(sandbox: Sandbox, channel: str) -> None:
    notice = sandbox.slack.last_message_to(ADMIN)
    sandbox.click(ADMIN, notice, ids.KUDOS_ASK)
    modal = sandbox.slack.last_view_opened()
    assert modal["callback_id"] == ids.KUDOS_VIEW
    sandbox.submit(ADMIN, modal, {ids.KUDOS_CHANNEL: channel})


def test_a_kudos_is_posted_only_after_the_mentor_says_yes(sandbox: Sandbox, clock: ManualClock) -> None:
    _school_year_of_a_mentor(sandbox)
    _after_the_school_year(clock)
    dispatch(sandbox)
    admin_notice = sandbox.slack.last_message_to(ADMIN)

    _ask_to_share(sandbox, "CKUDOS")

    assert "Nothing is posted without their yes" in shown_text(sandbox.slack.last_message_to(ADMIN))
    question = sandbox.slack.last_message_to("UMEN")
    assert "May we thank you publicly in <#CKUDOS>?" in shown_text(question)
    assert _posts_to(sandbox, "CKUDOS") == []
    sandbox.click("UMEN", question, ids.KUDOS_NO)
    assert _posts_to(sandbox, "CKUDOS") == []
    assert "nothing will be posted" in shown_text(sandbox.slack.last_message_to("UMEN"))

    sandbox.click(ADMIN, admin_notice, ids.KUDOS_ASK)
    sandbox.submit(ADMIN, sandbox.slack.last_view_opened(), {ids.KUDOS_CHANNEL: "CTHANKS"})
    question = sandbox.slack.last_message_to("UMEN")
    sandbox.click("UMEN", question, ids.KUDOS_YES)
    sandbox.click("UMEN", question, ids.KUDOS_YES)  # twice: posted once

    [post] = _posts_to(sandbox, "CTHANKS")
    assert "<@UMEN>" in post
    assert _posts_to(sandbox, "CKUDOS") == []
    with sandbox.bot.sessions.begin() as session:
        statuses = sorted(str(status) for status in session.scalars(select(Kudos.status)))
        assert statuses == [KudosStatus.DECLINED, KudosStatus.SHARED]


def test_someone_else_cannot_answer_a_mentors_consent(sandbox: Sandbox, clock: ManualClock) -> None:
    _school_year_of_a_mentor(sandbox)
    _after_the_school_year(clock)
    dispatch(sandbox)
    _ask_to_share(sandbox, "CKUDOS")
    question = sandbox.slack.last_message_to("UMEN")

    sandbox.click(ADMIN, question, ids.KUDOS_YES)  # even an admin cannot consent for the mentor

    assert _posts_to(sandbox, "CKUDOS") == []
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(Kudos.status)) == KudosStatus.ASKED


def test_a_non_admin_is_refused_every_new_button_and_view_without_learning_anything(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 9, 8, 9, 0, tzinfo=UTC))
    followup_id = failed_reminder(sandbox, clock, a_student(sandbox, "USTU"))
    report = report_of(sandbox)
    sandbox.command(ADMIN, "settings", command=STATS)
    settings = sandbox.slack.last_message_to(ADMIN)
    sandbox.click(ADMIN, settings, ids.OPEN_THANKS_MODAL)
    thanks_modal = sandbox.slack.last_view_opened()
    _school_year_of_a_mentor(sandbox)
    _after_the_school_year(clock)
    dispatch(sandbox)
    notice = sandbox.slack.last_message_to(ADMIN)
    sandbox.click(ADMIN, notice, ids.KUDOS_ASK)
    kudos_modal = sandbox.slack.last_view_opened()
    sandbox.slack.add_user("UEVE", locale="en-GB")
    views_before = len(sandbox.slack.calls_to("views.open"))

    for action_id, shown in (
        (ids.RESEND_FOLLOWUP, report),
        (ids.RESEND_ALL_FOLLOWUPS, report),
        (ids.OPEN_THANKS_MODAL, settings),
        (ids.KUDOS_ASK, notice),
    ):
        sandbox.click("UEVE", shown, action_id)
        answer = shown_text(sandbox.slack.last_message_to("UEVE"))
        assert answer == REFUSAL, action_id
    sandbox.submit("UEVE", kudos_modal, {ids.KUDOS_CHANNEL: "CEVE"})
    assert shown_text(sandbox.slack.last_message_to("UEVE")) == REFUSAL
    sandbox.submit("UEVE", thanks_modal, {ids.THANKS_TEXT_EN: "pwned"})
    assert shown_text(sandbox.slack.last_message_to("UEVE")) == REFUSAL

    assert len(sandbox.slack.calls_to("views.open")) == views_before
    assert followup(sandbox, followup_id).state == FollowupState.FAILED
    assert _posts_to(sandbox, "CEVE") == []
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Kudos)) == 0
        settings_row = session.get(ProgrammeSettings, sandbox.team_id)
        assert settings_row is not None and settings_row.thanks_text_en is None
