"""Matching by hand and the mentors' queue over signed HTTP: an admin finds a mentor for a request closed
unmatched (it opens again) and the mentor accepts atomically; a mentor takes a queued request and the
student confirms; students who opted out are in no queue; non-admins can open nothing of it."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot import ids
from bot.clock import ManualClock
from bot.messages.stats import admins_only
from bot.programme import programme_settings
from bot.sandbox import Sandbox
from storage.models import (
    MentoringRequest,
    MentorProfile,
    Mentorship,
    Offer,
    OfferOrigin,
    OfferStatus,
    RequestStatus,
)
from tests.factories import (
    action_ids,
    ask_for_mentor,
    make_request,
    make_student,
    mentor_in_sandbox,
    shown_text,
    student_in_sandbox,
)
from tests.factories_followups import dispatch_through_quiet_hours
from tests.handlers.test_accept_races import click_all_at_once

STATS = ids.STATS_COMMAND


def request_status(sandbox: Sandbox) -> RequestStatus:
    with sandbox.bot.sessions.begin() as session:
        return RequestStatus(session.scalar(select(MentoringRequest.status)))


def offers(sandbox: Sandbox) -> dict[str, tuple[OfferStatus, OfferOrigin]]:
    with sandbox.bot.sessions.begin() as session:
        return {
            offer.mentor.slack_user_id: (OfferStatus(offer.status), OfferOrigin(offer.origin))
            for offer in session.scalars(select(Offer))
        }


def message_with(sandbox: Sandbox, user_id: str, action_id: str):  # type: ignore[no-untyped-def]
    return next(m for m in reversed(sandbox.slack.messages_to(user_id)) if action_id in action_ids(m))


def expired_request(sandbox: Sandbox, clock: ManualClock) -> None:
    """A student asks while no mentor can take it; the sweep closes it unmatched and alerts the admin."""
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU", message="Which master? <!channel> & co")
    with sandbox.bot.sessions.begin() as session:
        days = programme_settings(session, sandbox.team_id).unmatched_report_days
    clock.advance(timedelta(days=days, hours=1))
    dispatch_through_quiet_hours(sandbox, clock)
    assert request_status(sandbox) == RequestStatus.EXPIRED


def find_mentor_from_alert(sandbox: Sandbox) -> dict:
    alert = message_with(sandbox, "UADMIN", ids.FIND_MENTOR)
    sandbox.click("UADMIN", alert, ids.FIND_MENTOR)
    view = sandbox.slack.last_view_opened()
    assert view["callback_id"] == ids.HAND_MATCH_VIEW
    return view


def test_an_admin_matches_an_expired_request_by_hand_and_the_mentor_accepts(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    expired_request(sandbox, clock)
    # Mentors join after the request closed: the matching never saw them.
    best = mentor_in_sandbox(sandbox, "UBEST", locale="en", topics=["careers"], languages=["fr"])
    mentor_in_sandbox(sandbox, "UPAUSED", topics=["careers"], languages=["fr"], capacity=5, paused=True)
    mentor_in_sandbox(sandbox, "UFULL", topics=["careers"], capacity=1, active_mentees=1)

    view = find_mentor_from_alert(sandbox)
    shown = shown_text(view)
    assert "&lt;!channel&gt; &amp; co" in shown and "<!channel>" not in json.dumps(view)
    assert "<@UPAUSED> — _paused_" in shown and "<@UFULL> — _no place left_" in shown
    radio = next(b for b in view["blocks"] if b.get("block_id") == "hand_match_candidates")
    assert [option["value"] for option in radio["element"]["options"]] == [str(best)]  # only the pickable

    searched = sandbox.driver.suggest("UADMIN", view, ids.HAND_MATCH_SELECT, "")
    assert [option["value"] for option in searched.json()["options"]] == [str(best)]

    sandbox.submit("UADMIN", view, {ids.HAND_MATCH_CANDIDATE: str(best)})

    assert request_status(sandbox) == RequestStatus.OPEN  # opened again, with the offer, atomically
    assert offers(sandbox) == {"UBEST": (OfferStatus.PENDING, OfferOrigin.PROGRAMME)}
    assert "is open again" in shown_text(sandbox.slack.last_message_to("UADMIN"))
    offer = message_with(sandbox, "UBEST", ids.ACCEPT_OFFER)
    assert "Suggested by the programme" in shown_text(offer)

    sandbox.click("UBEST", offer, ids.ACCEPT_OFFER)

    assert request_status(sandbox) == RequestStatus.MATCHED
    with sandbox.bot.sessions.begin() as session:
        [mentorship] = session.scalars(select(Mentorship)).all()
        assert mentorship.mentor_id == best
    assert "You have a mentor: <@UBEST>" in shown_text(sandbox.slack.last_message_to("USTU"))

    # The reopened request is not closed again by the next sweeps.
    clock.advance(timedelta(days=1))
    dispatch_through_quiet_hours(sandbox, clock)
    assert request_status(sandbox) == RequestStatus.MATCHED


def test_two_mentors_suggested_by_hand_accepting_at_once_make_exactly_one_match(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    expired_request(sandbox, clock)
    first = mentor_in_sandbox(sandbox, "UM1", topics=["careers"])
    second = mentor_in_sandbox(sandbox, "UM2", topics=["careers"])
    for mentor in (first, second):
        view = find_mentor_from_alert(sandbox)
        sandbox.submit("UADMIN", view, {ids.HAND_MATCH_SELECT: str(mentor)})
    assert offers(sandbox) == {
        "UM1": (OfferStatus.PENDING, OfferOrigin.PROGRAMME),
        "UM2": (OfferStatus.PENDING, OfferOrigin.PROGRAMME),
    }

    click_all_at_once(
        sandbox, [(user, message_with(sandbox, user, ids.ACCEPT_OFFER)) for user in ("UM1", "UM2")]
    )

    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Mentorship)) == 1
        assert session.scalar(select(func.sum(MentorProfile.active_mentee_count))) == 1
    assert request_status(sandbox) == RequestStatus.MATCHED
    assert sorted(status for status, _ in offers(sandbox).values()) == [
        OfferStatus.ACCEPTED,
        OfferStatus.WITHDRAWN,
    ]


def test_a_request_does_not_open_again_when_its_student_asked_again_meanwhile(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    expired_request(sandbox, clock)
    mentor = mentor_in_sandbox(sandbox, "UM1", topics=["arts"])
    view = find_mentor_from_alert(sandbox)
    with sandbox.bot.sessions.begin() as session:
        student = session.scalar(select(MentoringRequest.student_id))
        make_request(session, sandbox.team_id, _member(session, student))

    sandbox.submit("UADMIN", view, {ids.HAND_MATCH_SELECT: str(mentor)})

    assert "can't open again" in shown_text(sandbox.slack.last_message_to("UADMIN"))
    assert offers(sandbox) == {}
    with sandbox.bot.sessions.begin() as session:
        statuses = sorted(session.scalars(select(MentoringRequest.status)))
    assert statuses == [RequestStatus.EXPIRED, RequestStatus.OPEN]


def _member(session, member_id: int):  # type: ignore[no-untyped-def]
    from storage.models import Member

    return session.get(Member, member_id)


def test_the_admins_list_shows_open_and_unmatched_requests_with_find_a_mentor(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    expired_request(sandbox, clock)
    student_in_sandbox(sandbox, "USTU2")
    ask_for_mentor(sandbox, "USTU2")

    sandbox.command("UADMIN", "requests", command=STATS)

    listing = sandbox.slack.last_message_to("UADMIN")
    assert "*Open requests*" in shown_text(listing) and "*Closed without a mentor*" in shown_text(listing)
    assert (
        action_ids(listing) == []
        and sum((b.get("accessory") or {}).get("action_id") == ids.FIND_MENTOR for b in listing.blocks) == 2
    )


def test_a_non_admin_can_open_nothing_of_the_hand_matching(sandbox: Sandbox, clock: ManualClock) -> None:
    expired_request(sandbox, clock)
    mentor = mentor_in_sandbox(sandbox, "UM1", topics=["careers"])
    admin_view = find_mentor_from_alert(sandbox)
    with sandbox.bot.sessions.begin() as session:
        request_id = session.scalar(select(MentoringRequest.id))
    opened_before = len(sandbox.slack.calls_to("views.open"))

    for intruder in ("USTU", "UM1"):
        sandbox.command(intruder, "requests", command=STATS)
        sandbox.driver.block_action(
            intruder, [{"action_id": ids.FIND_MENTOR, "type": "button", "value": str(request_id)}]
        )
        sandbox.settle()
        sandbox.submit(intruder, admin_view, {ids.HAND_MATCH_CANDIDATE: str(mentor)})
        options = sandbox.driver.suggest(intruder, admin_view, ids.HAND_MATCH_SELECT, "")
        assert options.json()["options"] == []
        answers = [shown_text(m) for m in sandbox.slack.messages_to(intruder)[-3:]]
        assert len(set(answers)) == 1  # the same refusal, whatever was tried
        assert answers[0] in {
            shown_text(admins_only(locale)) for locale in ("fr", "en")
        }  # the same refusal, whatever was tried
        assert "Which master" not in str(answers) and "<@USTU>" not in str(answers)

    assert len(sandbox.slack.calls_to("views.open")) == opened_before
    assert offers(sandbox) == {}
    assert request_status(sandbox) == RequestStatus.EXPIRED


# ------------------------------------------------------------------------------------------------------
# The mentors' queue


def home_of(sandbox: Sandbox, user_id: str) -> dict:
    sandbox.driver.app_home_opened(user_id)
    sandbox.settle()
    home = sandbox.slack.home_of(user_id)
    assert home is not None
    return home


def queued(home: dict) -> list[int]:
    return [
        int(block["accessory"]["value"])
        for block in home["blocks"]
        if (block.get("accessory") or {}).get("action_id") == ids.TAKE_QUEUED_REQUEST
    ]


def test_a_mentor_takes_a_queued_request_and_the_student_confirms(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU", message="Help with my <!here> portfolio please")
    mentor = mentor_in_sandbox(sandbox, "UM1", locale="en", topics=["careers"])
    with sandbox.bot.sessions.begin() as session:
        request_id = session.scalar(select(MentoringRequest.id))
    assert queued(home_of(sandbox, "UM1")) == []  # not a day old yet

    clock.advance(timedelta(days=1, minutes=1))
    home = home_of(sandbox, "UM1")
    assert queued(home) == [request_id]
    assert "&lt;!here&gt;" in shown_text(home) and "<@USTU>" not in json.dumps(home)

    sandbox.click("UM1", home, ids.TAKE_QUEUED_REQUEST)

    assert offers(sandbox) == {"UM1": (OfferStatus.PENDING, OfferOrigin.MENTOR)}
    assert queued(home_of(sandbox, "UM1")) == []
    ask = message_with(sandbox, "USTU", ids.CONFIRM_MENTOR_PROPOSAL)
    assert "<@UM1> saw your request" in shown_text(ask)
    # The mentor cannot accept their own proposal in the student's place.
    sandbox.driver.block_action(
        "UM1", [{"action_id": ids.ACCEPT_OFFER, "type": "button", "value": str(_offer_id(sandbox))}]
    )
    sandbox.settle()
    assert request_status(sandbox) == RequestStatus.OPEN

    sandbox.click("USTU", ask, ids.CONFIRM_MENTOR_PROPOSAL)

    assert request_status(sandbox) == RequestStatus.MATCHED
    with sandbox.bot.sessions.begin() as session:
        [mentorship] = session.scalars(select(Mentorship)).all()
        assert mentorship.mentor_id == mentor
        assert session.get(MentorProfile, mentor).active_mentee_count == 1  # type: ignore[union-attr]
    assert any("You have a mentor: <@UM1>" in shown_text(m) for m in sandbox.slack.messages_to("USTU"))
    assert "<@USTU>" in shown_text(sandbox.slack.last_message_to("UM1"))


def _offer_id(sandbox: Sandbox) -> int:
    with sandbox.bot.sessions.begin() as session:
        return int(session.scalar(select(Offer.id)))  # type: ignore[arg-type]


def test_a_student_saying_no_thanks_keeps_their_request_open_and_the_mentor_is_thanked(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    ask_for_mentor(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UM1", locale="en", topics=["careers"])
    clock.advance(timedelta(days=2))
    sandbox.click("UM1", home_of(sandbox, "UM1"), ids.TAKE_QUEUED_REQUEST)

    sandbox.click(
        "USTU", message_with(sandbox, "USTU", ids.REFUSE_MENTOR_PROPOSAL), ids.REFUSE_MENTOR_PROPOSAL
    )

    assert request_status(sandbox) == RequestStatus.OPEN
    assert offers(sandbox) == {"UM1": (OfferStatus.DECLINED, OfferOrigin.MENTOR)}
    assert "preferred to wait" in shown_text(sandbox.slack.last_message_to("UM1"))
    assert queued(home_of(sandbox, "UM1")) == []  # asked once, never queued again for them


def test_the_queue_shows_only_requests_a_day_old_in_the_mentors_topics_of_students_who_let_it(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    mentor_in_sandbox(sandbox, "UM1", topics=["careers"])
    now = clock.now()
    with sandbox.bot.sessions.begin() as session:
        made = {}
        for user_id, topics, age, visible in (
            ("US1", ["careers"], timedelta(days=3), True),
            ("US2", ["careers"], timedelta(hours=20), True),  # younger than a day
            ("US3", ["arts"], timedelta(days=3), True),  # not the mentor's topic
            ("US4", ["careers"], timedelta(days=3), False),  # the student opted out
        ):
            student = make_student(session, sandbox.team_id, user_id)
            request = make_request(session, sandbox.team_id, student, topics=topics, created_at=now - age)
            request.visible_to_mentors = visible
            made[user_id] = request.id

    assert queued(home_of(sandbox, "UM1")) == [made["US1"]]

    # A forged click on the opted-out one changes nothing.
    sandbox.driver.block_action(
        "UM1", [{"action_id": ids.TAKE_QUEUED_REQUEST, "type": "button", "value": str(made["US4"])}]
    )
    sandbox.settle()
    assert offers(sandbox) == {}


def test_a_student_who_unticks_the_box_is_in_no_queue(sandbox: Sandbox, clock: ManualClock) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()
    sandbox.submit(
        "USTU",
        view,
        {
            "topics": ["careers"],
            "message": "I would like advice.",
            "charter": ["accepted"],
            "visible_to_mentors": [],
        },
    )
    mentor_in_sandbox(sandbox, "UM1", topics=["careers"])
    clock.advance(timedelta(days=3))

    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(MentoringRequest.visible_to_mentors)) is False
    assert queued(home_of(sandbox, "UM1")) == []
