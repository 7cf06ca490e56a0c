"""Booking a meeting over signed HTTP: a student in Paris proposes three times to a mentor in New York,
who picks one; both get the booking and an .ics that says the right UTC instant; the meeting moves,
is cancelled, and "did it happen?" logs it. Forged clicks change nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import BookingState, Meeting, MeetingBooking, Member, Mentorship
from tests.factories import action_ids, ask_for_mentor, mentor_in_sandbox, shown_text, student_in_sandbox
from tests.factories_followups import dispatch_through_quiet_hours, last_with

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
# Three times the student picks in Paris (Thursday to Saturday of the sandbox's first week).
SLOTS = (
    datetime(2026, 9, 10, 18, 0, tzinfo=PARIS),  # 16:00 UTC
    datetime(2026, 9, 11, 19, 0, tzinfo=PARIS),  # 17:00 UTC, 13:00 in New York
    datetime(2026, 9, 12, 10, 0, tzinfo=PARIS),  # 08:00 UTC
)


def matched(sandbox: Sandbox) -> int:
    """A student in Paris (English) matched with a mentor in New York (French), through the real accept;
    the mentorship's id."""
    mentor_in_sandbox(sandbox, "UMEN", locale="fr", topics=["careers"], real_name="Marie Mentor")
    sandbox.slack.add_user("UMEN", locale="fr-FR", tz="America/New_York", tz_offset=-14400)
    student_in_sandbox(sandbox, "USTU", locale="en", real_name="Sam Student")
    with sandbox.bot.sessions.begin() as session:
        for member in session.scalars(select(Member)):
            member.tz = "America/New_York" if member.slack_user_id == "UMEN" else "Europe/Paris"
    ask_for_mentor(sandbox, "USTU")
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.ACCEPT_OFFER)
    with sandbox.bot.sessions.begin() as session:
        return session.scalars(select(Mentorship.id)).one()


def propose(sandbox: Sandbox, user_id: str, shown: Message, action_id: str, slots=SLOTS) -> None:  # type: ignore[no-untyped-def]
    sandbox.click(user_id, shown, action_id)
    modal = sandbox.slack.last_view_opened()
    values: dict[str, object] = {ids.BOOKING_MODE: "video"}
    values.update({input_id: slot for input_id, slot in zip(ids_of_slots(), slots, strict=False)})
    sandbox.submit(user_id, modal, values)


def ids_of_slots() -> tuple[str, ...]:
    return (ids.BOOKING_SLOT_1, ids.BOOKING_SLOT_2, ids.BOOKING_SLOT_3)


def the_booking(sandbox: Sandbox) -> MeetingBooking:
    with sandbox.bot.sessions.begin() as session:
        booking = session.scalars(select(MeetingBooking)).one()
        session.expunge(booking)
        return booking


def invitation_events(sandbox: Sandbox) -> list:  # type: ignore[type-arg]
    return [
        Calendar.from_ical(file.content).walk("VEVENT")[0]
        for file in sandbox.slack.uploaded_files
        if file.filename.endswith(".ics")
    ]


def test_a_pair_books_its_first_meeting_in_two_clicks(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = matched(sandbox)
    match_dm = last_with(sandbox, "USTU", ids.BOOKING_PROPOSE)
    open_dm = next(
        element
        for block in match_dm.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.BOOKING_OPEN_DM
    )
    assert open_dm["url"] == f"slack://user?team={sandbox.team_id}&id=UMEN"

    propose(sandbox, "USTU", match_dm, ids.BOOKING_PROPOSE)
    assert "Marie" not in sandbox.slack.last_message_to("USTU").text  # mentions, not names
    assert "will pick one of your times" in sandbox.slack.last_message_to("USTU").text

    # The mentor sees a button per time, each a Slack date token with a New York fallback.
    proposal = sandbox.slack.last_message_to("UMEN")
    assert action_ids(proposal) == [ids.BOOKING_NONE_FIT]  # the picks are the sections' accessories
    slot_texts = [block["text"]["text"] for block in proposal.blocks if "accessory" in block]
    epoch = int(SLOTS[1].timestamp())
    assert (
        slot_texts[1]
        == f"<!date^{epoch}^{{date_short_pretty}} à {{time}}|2026-09-11 13:00 (America/New_York)>"
    )
    assert "huddle Slack" in shown_text(proposal)  # no link set: a huddle in their DM

    sandbox.click("UMEN", proposal, ids.BOOKING_PICK_2)

    booking = the_booking(sandbox)
    assert booking.state == BookingState.BOOKED and booking.mentorship_id == mentorship_id
    assert booking.chosen_at == datetime(2026, 9, 11, 17, 0, tzinfo=UTC)
    assert "est fixée" in sandbox.slack.last_message_to("UMEN").text  # the proposal, rewritten
    to_student = sandbox.slack.last_message_to("USTU")
    assert "is booked" in to_student.text
    assert action_ids(to_student) == [ids.BOOKING_RESCHEDULE, ids.BOOKING_CANCEL]
    # One invitation in each DM, the same event, at 17:00 UTC: 19:00 in Paris, 13:00 in New York.
    channels = {file.channel_id for file in sandbox.slack.uploaded_files}
    assert len(sandbox.slack.uploaded_files) == 2 and len(channels) == 2
    events = invitation_events(sandbox)
    assert {event["UID"] for event in events} == {f"booking-{booking.id}@mentorbot.invalid"}
    for event in events:
        assert event["DTSTART"].dt == datetime(2026, 9, 11, 17, 0, tzinfo=UTC)
        assert event["DTEND"].dt == datetime(2026, 9, 11, 18, 0, tzinfo=UTC)
        assert event["DTSTART"].dt.astimezone(NEW_YORK).hour == 13
        assert str(event["ORGANIZER"]) == "mailto:noreply@mentorbot.invalid"
        assert event.get("ATTENDEE") is None  # no e-mail known for either


def test_a_booked_meeting_moves_then_happens_and_is_logged(sandbox: Sandbox, clock: ManualClock) -> None:
    mentorship_id = matched(sandbox)
    propose(sandbox, "USTU", last_with(sandbox, "USTU", ids.BOOKING_PROPOSE), ids.BOOKING_PROPOSE)
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_PICK_2)

    # The student moves it to Thursday 18:00 Paris; the mentor confirms the new time.
    propose(sandbox, "USTU", sandbox.slack.last_message_to("USTU"), ids.BOOKING_RESCHEDULE, SLOTS[:1])
    assert the_booking(sandbox).state == BookingState.PROPOSED
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_PICK_1)
    booking = the_booking(sandbox)
    assert booking.chosen_at == datetime(2026, 9, 10, 16, 0, tzinfo=UTC) and booking.revision == 2
    events = invitation_events(sandbox)
    assert len(events) == 4 and len({event["UID"] for event in events}) == 1  # an update, not a second
    assert (
        events[-1]["DTSTART"].dt == datetime(2026, 9, 10, 16, 0, tzinfo=UTC) and events[-1]["SEQUENCE"] == 2
    )

    # The morning of the meeting, a reminder; the first booking's reminders (Friday) never come.
    # Each is due at 08:00 in their own zone and held until their working hours open (09:00).
    skipped = []
    for hour_utc in (6, 12):  # 08:00 in Paris, then 08:00 in New York
        clock.set(datetime(2026, 9, 10, hour_utc, 0, tzinfo=UTC))
        skipped += dispatch_through_quiet_hours(sandbox, clock).skipped
    assert "Today: your meeting with <@UMEN>" in sandbox.slack.last_message_to("USTU").text
    assert "Aujourd'hui" in sandbox.slack.last_message_to("UMEN").text
    for hour_utc in (6, 12):
        clock.set(datetime(2026, 9, 11, hour_utc, 0, tzinfo=UTC))
        skipped += dispatch_through_quiet_hours(sandbox, clock).skipped
    assert sorted(item.kind for item in skipped) == ["meeting_reminder", "meeting_reminder"]

    # The next morning, "did it happen?": yes logs the first contact and the meeting, by video.
    happened = last_with(sandbox, "USTU", ids.FOLLOWUP_MEETING_HAPPENED)
    sandbox.click("USTU", happened, ids.FOLLOWUP_MEETING_HAPPENED)
    sandbox.click(
        "UMEN", last_with(sandbox, "UMEN", ids.FOLLOWUP_MEETING_MISSED), ids.FOLLOWUP_MEETING_MISSED
    )
    with sandbox.bot.sessions.begin() as session:
        [meeting] = session.scalars(select(Meeting)).all()
        assert (meeting.mentorship_id, meeting.how) == (mentorship_id, "video")
        assert meeting.met_at == datetime(2026, 9, 10, 16, 0, tzinfo=UTC)
        assert session.get(Mentorship, mentorship_id).first_contact_at == meeting.met_at  # type: ignore[union-attr]
    assert "Merci de nous le dire" in shown_text(sandbox.slack.last_message_to("UMEN"))


def test_none_fit_asks_again_and_a_cancel_tells_both(sandbox: Sandbox, clock: ManualClock) -> None:
    matched(sandbox)
    propose(sandbox, "USTU", last_with(sandbox, "USTU", ids.BOOKING_PROPOSE), ids.BOOKING_PROPOSE)
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_NONE_FIT)
    ask_again = sandbox.slack.last_message_to("USTU")
    assert "can't make any of those times" in ask_again.text and action_ids(ask_again) == [
        ids.BOOKING_PROPOSE
    ]
    assert the_booking(sandbox).state == BookingState.CANCELLED

    propose(sandbox, "USTU", ask_again, ids.BOOKING_PROPOSE)
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_PICK_3)
    with sandbox.bot.sessions.begin() as session:
        booked = session.scalars(
            select(MeetingBooking).where(MeetingBooking.state == BookingState.BOOKED)
        ).one()
        booked_id = booked.id
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_CANCEL)

    with sandbox.bot.sessions.begin() as session:
        assert session.get(MeetingBooking, booked_id).state == BookingState.CANCELLED  # type: ignore[union-attr]
    assert "had to cancel" in sandbox.slack.last_message_to("USTU").text
    assert "est annulée" in sandbox.slack.last_message_to("UMEN").text
    clock.set(datetime(2026, 9, 14, 12, 0, tzinfo=UTC))  # the following Monday: all of it is due
    report = dispatch_through_quiet_hours(sandbox, clock)
    assert {item.kind for item in report.skipped} == {"meeting_reminder", "meeting_happened"}
    assert not [item for item in report.sent if item.kind.startswith("meeting_")]


def test_a_third_member_cannot_pick_or_cancel_a_pairs_meeting(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    matched(sandbox)
    student_in_sandbox(sandbox, "UOTHER", locale="en")
    propose(sandbox, "USTU", last_with(sandbox, "USTU", ids.BOOKING_PROPOSE), ids.BOOKING_PROPOSE)
    proposal = sandbox.slack.last_message_to("UMEN")

    with caplog.at_level(logging.WARNING, logger="bot.booking"):
        sandbox.click("UOTHER", proposal, ids.BOOKING_PICK_1)
        sandbox.click("USTU", proposal, ids.BOOKING_PICK_1)  # the proposer never picks their own times
    assert the_booking(sandbox).state == BookingState.PROPOSED
    assert "wasn't meant for you" in sandbox.slack.last_message_to("UOTHER").text
    assert sum("refused" in record.getMessage() for record in caplog.records) == 2

    sandbox.click("UMEN", proposal, ids.BOOKING_PICK_1)
    confirmation = sandbox.slack.last_message_to("USTU")
    with caplog.at_level(logging.WARNING, logger="bot.booking"):
        sandbox.click("UOTHER", confirmation, ids.BOOKING_CANCEL)
        sandbox.click("UOTHER", confirmation, ids.BOOKING_RESCHEDULE)
    assert the_booking(sandbox).state == BookingState.BOOKED
    assert sum("refused" in record.getMessage() for record in caplog.records) == 4


def test_the_schools_link_template_and_the_mentors_own_link(sandbox: Sandbox, clock: ManualClock) -> None:
    from storage.models import MentorProfile, ProgrammeSettings
    from tests.handlers.test_volunteer_flow import VALID, alumnus, open_volunteer_modal

    # An admin sets the school's default: a Jitsi room per booking.
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.command("UADMIN", "settings", command=ids.STATS_COMMAND)
    sandbox.click("UADMIN", sandbox.slack.last_message_to("UADMIN"), ids.OPEN_CADENCES_MODAL)
    cadences = sandbox.slack.last_view_opened()
    refused = sandbox.submit("UADMIN", cadences, {ids.SETTINGS_MEETING_LINK: "meet me there"})
    assert ids.SETTINGS_MEETING_LINK in refused.json()["errors"]
    sandbox.submit("UADMIN", cadences, {ids.SETTINGS_MEETING_LINK: "https://meet.jit.si/{booking}"})
    with sandbox.bot.sessions.begin() as session:
        settings = session.get(ProgrammeSettings, sandbox.team_id)
        assert settings is not None and settings.meeting_link == "https://meet.jit.si/{booking}"

    # A mentor gives their own link in the volunteer modal (a link that is not one is refused).
    alumnus(sandbox, "UALUM")
    view = open_volunteer_modal(sandbox, "UALUM")
    refused = sandbox.submit("UALUM", view, {**VALID, ids.VOLUNTEER_MEETING_LINK: "zoom"})
    assert ids.VOLUNTEER_MEETING_LINK in refused.json()["errors"]
    sandbox.submit("UALUM", view, {**VALID, ids.VOLUNTEER_MEETING_LINK: "https://zoom.example/j/42"})
    with sandbox.bot.sessions.begin() as session:
        assert session.get(
            MentorProfile, session.scalars(select(Member.id).filter_by(slack_user_id="UALUM")).one()
        )
        profile = session.scalars(select(MentorProfile)).one()
        assert profile.meeting_link == "https://zoom.example/j/42"

    mentorship_id = matched(sandbox)  # with another mentor (UMEN), who gave no link
    with sandbox.bot.sessions.begin() as session:
        umen = session.scalars(select(Member).filter_by(slack_user_id="UMEN")).one()
        session.get(MentorProfile, umen.id).meeting_link = "https://zoom.example/j/7"  # type: ignore[union-attr]
    match_dm = last_with(sandbox, "USTU", ids.BOOKING_PROPOSE)
    propose(sandbox, "USTU", match_dm, ids.BOOKING_PROPOSE)
    booking = the_booking(sandbox)
    assert booking.link == f"https://meet.jit.si/mentorbot-{booking.id}"
    assert booking.link in shown_text(sandbox.slack.last_message_to("UMEN"))
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_NONE_FIT)

    sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.BOOKING_PROPOSE)
    modal = sandbox.slack.last_view_opened()
    sandbox.submit(
        "USTU", modal, {ids.BOOKING_SLOT_1: SLOTS[0], ids.BOOKING_MODE: "video", ids.BOOKING_LINK: "mentor"}
    )
    sandbox.click("UMEN", sandbox.slack.last_message_to("UMEN"), ids.BOOKING_PICK_1)
    [event] = invitation_events(sandbox)[-1:]
    assert str(event["LOCATION"]) == "https://zoom.example/j/7"
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MeetingBooking.mentorship_id).filter_by(state="booked")) == mentorship_id


def test_a_later_meeting_is_booked_from_the_monthly_prompt(sandbox: Sandbox, clock: ManualClock) -> None:
    from datetime import timedelta

    from tests.conftest import START

    matched(sandbox)
    clock.set(START + timedelta(days=60))
    dispatch_through_quiet_hours(sandbox, clock)
    prompt = last_with(sandbox, "UMEN", ids.BOOKING_PROPOSE)  # the mentor proposes, this time
    later = [datetime(2026, 11, 20, 15, 0, tzinfo=UTC)]
    propose(sandbox, "UMEN", prompt, ids.BOOKING_PROPOSE, later)
    proposal = sandbox.slack.last_message_to("USTU")
    assert "would like to meet you" in proposal.text
    sandbox.click("USTU", proposal, ids.BOOKING_PICK_1)
    assert the_booking(sandbox).state == BookingState.BOOKED
    assert "est fixée" in sandbox.slack.last_message_to("UMEN").text


def test_a_proposal_forged_for_someone_elses_mentorship_stores_nothing(
    sandbox: Sandbox, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.messages.booking import booking_modal
    from tests.handlers.test_forged_payloads import a_pair, everything_stored, forged_click, forged_submission

    pair = a_pair(sandbox, clock)
    before = everything_stored(sandbox)
    modal = booking_modal(
        "en", metadata=f"m{pair.mentorship_id}", partner_user_id="UMEN", school_link=None, mentor_link=None
    )

    with caplog.at_level(logging.WARNING, logger="bot.booking"):
        forged_click(sandbox, "UINTRUDER", ids.BOOKING_PROPOSE, str(pair.mentorship_id))
        forged_submission(
            sandbox, "UINTRUDER", modal, {ids.BOOKING_SLOT_1: SLOTS[0], ids.BOOKING_MODE: "phone"}
        )

    assert everything_stored(sandbox) == before
    assert not [call for call in sandbox.slack.calls_to("views.open") if call.ok]
    assert f"refused a meeting proposal of {pair.mentorship_id}" in caplog.text


def test_a_time_in_the_past_keeps_the_modal_open(sandbox: Sandbox, clock: ManualClock) -> None:
    matched(sandbox)
    sandbox.click("USTU", last_with(sandbox, "USTU", ids.BOOKING_PROPOSE), ids.BOOKING_PROPOSE)
    modal = sandbox.slack.last_view_opened()

    response = sandbox.submit("USTU", modal, {ids.BOOKING_SLOT_1: datetime(2026, 9, 1, 10, tzinfo=UTC)})

    assert response.json() == {
        "response_action": "errors",
        "errors": {ids.BOOKING_SLOT_1: "Choose a time in the future."},
    }
    with sandbox.bot.sessions.begin() as session:
        assert session.scalars(select(MeetingBooking)).all() == []
