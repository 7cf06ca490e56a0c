"""Workspaces apart, over signed HTTP: a request signed from school A that names school B's offers,
mentorships, follow-ups, bookings, requests, kudos or members — by their ids, or by B's user ids — never
reads or changes anything of B, and tells no one in B; A's statistics, CSV exports and privacy acts never
count or touch B. School B is made first, so that its rows hold the ids a forger in A would try.

One deployment serves both schools here with one token (single-workspace mode accepts any signed team),
which is the harder case: nothing but the queries' own team checks keeps the schools apart.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.messages import hand_matching as hand_matching_messages
from bot.messages import mentorships as mentorship_messages
from bot.messages import offers as offer_messages
from bot.messages import privacy as privacy_messages
from bot.messages import recognition as recognition_messages
from bot.messages.followups import comment_modal
from bot.messages.followups import end_modal as followup_end_modal
from bot.sandbox import Sandbox
from bot.stats import Period, programme_stats
from storage.models import (
    Base,
    Followup,
    FollowupKind,
    FollowupPeriod,
    FollowupState,
    Kudos,
    KudosStatus,
    MeetingBooking,
    MentoringRequest,
    Offer,
    RequestStatus,
    SurveyAnswer,
)
from storage.queries.matching import create_mentorship
from tests.factories import (
    ask_for_mentor,
    make_member,
    make_mentor,
    make_offer,
    make_request,
    make_student,
    mentor_in_sandbox,
    student_in_sandbox,
)
from tests.handlers.test_forged_payloads import forged_click, forged_submission

SCHOOL_B = "T0002"
ADMIN_A = "UADMIN"  # MENTORBOT_ADMINS in the sandbox, a member of school A (the sandbox's team)
B_PEOPLE = ("UBSTU", "UBSTU2", "UBMEN", "UBMEN2", "UBALUM", "UBADMIN")
B_WORDS = "Our private worries in school B"


class SchoolB:
    """School B's rows, by the ids a forger would name."""

    def __init__(self, sandbox: Sandbox, clock: ManualClock) -> None:
        now = clock.now()
        with sandbox.bot.sessions.begin() as session:
            student = make_student(session, SCHOOL_B, "UBSTU", locale="en")
            paired = make_student(session, SCHOOL_B, "UBSTU2", locale="en")
            mentor = make_mentor(session, SCHOOL_B, "UBMEN", locale="en", active_mentees=1)
            other_mentor = make_mentor(session, SCHOOL_B, "UBMEN2", locale="en")
            alumnus = make_mentor(session, SCHOOL_B, "UBALUM", locale="en", verified=False)
            admin = make_member(session, SCHOOL_B, "UBADMIN", role=None, locale="en")
            admin.is_workspace_admin = True
            request = make_request(session, SCHOOL_B, student, message=B_WORDS, created_at=now)
            offer = make_offer(session, request, other_mentor, offered_at=now)
            matched = make_request(session, SCHOOL_B, paired, status=RequestStatus.MATCHED, created_at=now)
            mentorship = create_mentorship(session, matched, mentor.id, now, 182)
            booking = MeetingBooking(
                team_id=SCHOOL_B,
                mentorship_id=mentorship.id,
                proposed_by_id=paired.id,
                slots=[int((now + timedelta(days=2)).timestamp())],
                mode="video",
            )
            session.add(booking)
            followups = [
                Followup(
                    team_id=SCHOOL_B,
                    kind=kind,
                    recipient_id=recipient.id,
                    mentorship_id=mentorship.id,
                    period=FollowupPeriod.of_mentorship(mentorship.id, kind),
                    due_at=now,
                    state=state,
                    sent_at=now if state is FollowupState.SENT else None,
                )
                for kind, recipient, state in (
                    (FollowupKind.FIRST_CONTACT_CHECK, mentor, FollowupState.SENT),
                    (FollowupKind.FIRST_MEETING_SURVEY, paired, FollowupState.SENT),
                    (FollowupKind.MEETING_PROMPT, paired, FollowupState.SENT),
                    (FollowupKind.END_OF_TERM, paired, FollowupState.SENT),
                    (FollowupKind.FIT_CHECK, mentor, FollowupState.SENT),
                    (FollowupKind.MEETING_HAPPENED, paired, FollowupState.SENT),
                    (FollowupKind.RECRUITING_INVITE, alumnus, FollowupState.SENT),
                    (FollowupKind.ADMIN_MENTOR_TO_THANK, admin, FollowupState.SENT),
                    (FollowupKind.ADMIN_DORMANT, admin, FollowupState.FAILED),
                )
            ]
            session.add_all(followups)
            session.flush()
            kudos = Kudos(
                team_id=SCHOOL_B,
                mentor_id=mentor.id,
                channel_id="CBTHANKS",
                asked_by="UBADMIN",
                status=KudosStatus.ASKED,
                asked_at=now,
            )
            session.add(kudos)
            session.add(
                SurveyAnswer(
                    team_id=SCHOOL_B,
                    mentorship_id=mentorship.id,
                    member_id=paired.id,
                    survey="first_meeting",
                    rating=2,
                    comment=B_WORDS,
                    answered_at=now,
                )
            )
            session.flush()
            self.offer_id, self.request_id, self.mentorship_id = offer.id, request.id, mentorship.id
            self.booking_id, self.kudos_id = booking.id, kudos.id
            self.followup_ids = [followup.id for followup in followups]
            self.member_ids = [student.id, paired.id, mentor.id, other_mentor.id, alumnus.id, admin.id]
            self.survey_id, self.to_thank_id = followups[1].id, followups[7].id


def rows_of(sandbox: Sandbox, team_id: str) -> dict[str, list[tuple]]:
    """Every row of `team_id` in every table, to prove a forgery changed nothing of it."""
    with sandbox.engine.connect() as connection:
        return {
            table.name: sorted(
                map(tuple, connection.execute(select(table).where(table.c.team_id == team_id)).all()),
                key=repr,
            )
            for table in Base.metadata.sorted_tables
            if "team_id" in table.c
        }


def told_in_b(sandbox: Sandbox) -> list[str]:
    return [message.text for user_id in B_PEOPLE for message in sandbox.slack.messages_to(user_id)]


@pytest.fixture
def school_b(sandbox: Sandbox, clock: ManualClock) -> SchoolB:
    school = SchoolB(sandbox, clock)
    for user_id in (ADMIN_A, "UINTRUDER"):
        sandbox.slack.add_user(user_id, locale="en-GB")
    sandbox.slack.reset()
    return school


# Buttons carrying an id, by the kind of id they carry.
BY_OFFER = (ids.ACCEPT_OFFER, ids.DECLINE_OFFER, ids.CONFIRM_MENTOR_PROPOSAL, ids.REFUSE_MENTOR_PROPOSAL)
BY_MENTORSHIP = (
    ids.FIRST_CONTACT_DONE,
    ids.END_MENTORSHIP,
    ids.BOOKING_PROPOSE,
    ids.ADMIN_CLOSE_PAIR,
    ids.ADMIN_PAIR_HISTORY,
)
BY_FOLLOWUP = (
    ids.FOLLOWUP_CONTACT_YES,
    ids.FOLLOWUP_RELEASE_MATCH,
    ids.FOLLOWUP_RATE_1,
    ids.FOLLOWUP_NOT_MET_YET,
    ids.FOLLOWUP_MET_VIDEO,
    ids.FOLLOWUP_REMIND_NEXT_WEEK,
    ids.FOLLOWUP_END,
    ids.FOLLOWUP_CONTINUE,
    ids.FOLLOWUP_RENEW,
    ids.FOLLOWUP_CLOSE,
    ids.FOLLOWUP_STOP_REMINDERS,
    ids.FOLLOWUP_SNOOZE,
    ids.FOLLOWUP_FIT_NOT_GOOD,
    ids.FOLLOWUP_MEETING_HAPPENED,
    ids.RECRUITING_NOT_NOW,
    ids.KUDOS_ASK,
    ids.RESEND_FOLLOWUP,
)
BY_BOOKING = (ids.BOOKING_PICK_1, ids.BOOKING_NONE_FIT, ids.BOOKING_RESCHEDULE, ids.BOOKING_CANCEL)
BY_REQUEST = (ids.TAKE_QUEUED_REQUEST, ids.FIND_MENTOR, ids.CANCEL_REQUEST)
BY_MEMBER = (ids.DIRECTORY_ASK, ids.VERIFY_ALUMNUS_APPROVE, ids.VERIFY_ALUMNUS_DECLINE)
BY_KUDOS = (ids.KUDOS_YES, ids.KUDOS_NO)


def forged_values(school: SchoolB, action_id: str) -> list[int]:
    if action_id in BY_OFFER:
        return [school.offer_id]
    if action_id in BY_MENTORSHIP:
        return [school.mentorship_id]
    if action_id in BY_FOLLOWUP:
        return school.followup_ids
    if action_id in BY_BOOKING:
        return [school.booking_id]
    if action_id in BY_REQUEST:
        return [school.request_id]
    if action_id in BY_MEMBER:
        return school.member_ids
    return [school.kudos_id]


@pytest.mark.parametrize(
    "action_id", BY_OFFER + BY_MENTORSHIP + BY_FOLLOWUP + BY_BOOKING + BY_REQUEST + BY_MEMBER + BY_KUDOS
)
def test_a_button_forged_in_school_a_with_school_bs_ids_changes_nothing_of_b(
    sandbox: Sandbox, school_b: SchoolB, action_id: str
) -> None:
    before = rows_of(sandbox, SCHOOL_B)

    for value in forged_values(school_b, action_id):
        assert forged_click(sandbox, ADMIN_A, action_id, str(value)) == 200

    assert rows_of(sandbox, SCHOOL_B) == before
    assert told_in_b(sandbox) == []
    opened = [call.params.get("view", {}) for call in sandbox.slack.calls_to("views.open") if call.ok]
    assert B_WORDS not in str(opened) and "UBSTU" not in str(opened)  # and nothing of B is shown


def test_b_s_own_user_ids_signed_from_school_a_act_on_nothing_of_b(
    sandbox: Sandbox, school_b: SchoolB
) -> None:
    """A payload from A that claims to be B's mentor, student or admin is a stranger of A to the bot."""
    before = rows_of(sandbox, SCHOOL_B)

    forged_click(sandbox, "UBMEN2", ids.ACCEPT_OFFER, str(school_b.offer_id))
    forged_click(sandbox, "UBSTU2", ids.FOLLOWUP_RATE_1, str(school_b.survey_id))
    forged_click(sandbox, "UBSTU2", ids.BOOKING_CANCEL, str(school_b.booking_id))
    forged_click(sandbox, "UBADMIN", ids.ADMIN_CLOSE_PAIR, str(school_b.mentorship_id))
    forged_click(sandbox, "UBMEN", ids.KUDOS_YES, str(school_b.kudos_id))

    assert rows_of(sandbox, SCHOOL_B) == before


def test_modals_forged_in_school_a_with_school_bs_ids_change_nothing_of_b(
    sandbox: Sandbox, school_b: SchoolB
) -> None:
    before = rows_of(sandbox, SCHOOL_B)
    submissions = [
        (
            offer_messages.decline_modal("en", school_b.offer_id),
            {offer_messages.DECLINE_REASON_INPUT: "spite"},
        ),
        (
            mentorship_messages.end_modal("en", school_b.mentorship_id, "UBSTU2"),
            {ids.END_REASON_INPUT: "bye"},
        ),
        (comment_modal("en", school_b.survey_id), {ids.FOLLOWUP_COMMENT_INPUT: "awful"}),
        (followup_end_modal("en", school_b.survey_id), {}),
        (
            recognition_messages.kudos_modal("en", "UBMEN", school_b.to_thank_id),
            {ids.KUDOS_CHANNEL: "CATHANKS"},
        ),
        (privacy_messages.delete_confirmation("en", "UBSTU"), {}),
    ]

    for view, values in submissions:
        assert forged_submission(sandbox, ADMIN_A, view, values) == 200

    assert rows_of(sandbox, SCHOOL_B) == before
    assert told_in_b(sandbox) == []


def test_admin_commands_of_school_a_naming_b_s_people_touch_nothing_of_b(
    sandbox: Sandbox, school_b: SchoolB
) -> None:
    before = rows_of(sandbox, SCHOOL_B)

    sandbox.command(ADMIN_A, "admin privacy <@UBSTU> export")
    sandbox.command(ADMIN_A, "admin privacy <@UBSTU> delete")
    sandbox.submit(ADMIN_A, sandbox.slack.last_view_opened(), {})
    sandbox.command(ADMIN_A, "admin role <@UBMEN> student")
    forged_click(sandbox, ADMIN_A, ids.RESEND_ALL_FOLLOWUPS, "all")

    assert rows_of(sandbox, SCHOOL_B) == before
    assert sandbox.slack.uploaded_files == []  # no export of anyone of B
    assert told_in_b(sandbox) == []


# ------------------------------------------------------------------------------------------------------
# What school A reads


def school_a(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "UASTU", locale="en")
    mentor_in_sandbox(sandbox, "UAMEN", locale="en")


def test_school_a_s_figures_are_the_same_whether_school_b_exists_or_not(
    sandbox: Sandbox, clock: ManualClock, database_url: str
) -> None:
    school_a(sandbox)
    with sandbox.bot.sessions.begin() as session:
        alone = {period: programme_stats(session, sandbox.team_id, period, clock.now()) for period in Period}

    SchoolB(sandbox, clock)

    with sandbox.bot.sessions.begin() as session:
        beside_b = {
            period: programme_stats(session, sandbox.team_id, period, clock.now()) for period in Period
        }
    assert beside_b == alone


def test_school_a_s_report_csv_and_feedback_hold_nothing_of_school_b(
    sandbox: Sandbox, school_b: SchoolB
) -> None:
    school_a(sandbox)
    sandbox.command(ADMIN_A, "all", command=ids.STATS_COMMAND)
    report = sandbox.slack.last_message_to(ADMIN_A)
    forged_click(sandbox, ADMIN_A, ids.EXPORT_STATS_CSV, "")
    forged_click(sandbox, ADMIN_A, ids.FEEDBACK_CSV, "all")
    sandbox.command(ADMIN_A, "feedback all", command=ids.STATS_COMMAND)
    feedback = sandbox.slack.last_message_to(ADMIN_A)

    csvs = {
        file.filename.split("-")[0]: file.content.decode()
        for file in sandbox.slack.uploaded_files
        if file.filename.endswith(".csv")
    }
    assert {"mentorships", "members", "feedback"} <= set(csvs)
    for content in (*csvs.values(), str(report.blocks), str(feedback.blocks)):
        assert not any(user_id in content for user_id in B_PEOPLE)
        assert B_WORDS not in content
    assert "UASTU" in csvs["members"]


def test_a_student_of_school_a_is_never_offered_school_bs_mentors(
    sandbox: Sandbox, school_b: SchoolB
) -> None:
    school_a(sandbox)
    before = rows_of(sandbox, SCHOOL_B)

    ask_for_mentor(sandbox, "UASTU")
    sandbox.command("UASTU", "mentors")

    offered = {call.params["channel"] for call in sandbox.slack.calls_to("chat.postMessage")}
    assert "UAMEN" in offered and not offered & set(B_PEOPLE)
    directory = str(sandbox.slack.last_view_opened()["blocks"])
    assert "UAMEN" in directory and not any(user_id in directory for user_id in B_PEOPLE)
    assert rows_of(sandbox, SCHOOL_B) == before


def test_school_bs_mentor_named_in_school_a_is_neither_preferred_nor_offered(
    sandbox: Sandbox, school_b: SchoolB, clock: ManualClock
) -> None:
    """The request modal's "preferred mentor" and the admins' hand match both carry a member id."""
    school_a(sandbox)
    b_mentor = school_b.member_ids[3]  # UBMEN2, available
    before = rows_of(sandbox, SCHOOL_B)

    ask_for_mentor(sandbox, "UASTU", mentor_member_id=b_mentor)
    with sandbox.bot.sessions.begin() as session:
        request = session.scalars(
            select(MentoringRequest).where(MentoringRequest.team_id == sandbox.team_id)
        ).one()
        request_id, preferred = request.id, request.preferred_mentor_id
    pick = hand_matching_messages.find_mentor_modal(
        "en",
        hand_matching_messages.RequestCard(request_id, "UASTU", [], "Any advice?", clock.now()),
        [hand_matching_messages.CandidateCard(b_mentor, "UBMEN2", None)],
    )
    forged_submission(sandbox, ADMIN_A, pick, {ids.HAND_MATCH_CANDIDATE: str(b_mentor)})

    assert preferred is None
    assert rows_of(sandbox, SCHOOL_B) == before
    with sandbox.bot.sessions.begin() as session:
        assert session.scalars(select(Offer.mentor_id).where(Offer.request_id == request_id)).all() != []
        assert (
            b_mentor
            not in session.scalars(select(Offer.mentor_id).where(Offer.request_id == request_id)).all()
        )
    assert told_in_b(sandbox) == []
