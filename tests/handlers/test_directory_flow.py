"""The students' mentor directory over signed HTTP: browse, filter, page, and ask a mentor from it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from storage.models import Offer, OfferStatus
from tests.conftest import START
from tests.factories import (
    action_ids,
    make_student,
    mentor_in_sandbox,
    shown_text,
    student_in_sandbox,
    verified_by_roster,
)
from tests.factories_followups import dispatch_through_quiet_hours


def listed(view: dict) -> list[int]:
    """The member ids of the mentors on the page, in order (each card's "Ask" button carries one)."""
    return [
        int(block["accessory"]["value"])
        for block in view["blocks"]
        if block["type"] == "section" and (block.get("accessory") or {}).get("action_id") == ids.DIRECTORY_ASK
    ]


def offers_by_mentor(sandbox: Sandbox) -> dict[str, OfferStatus]:
    with sandbox.bot.sessions.begin() as session:
        return {
            offer.mentor.slack_user_id: OfferStatus(offer.status)
            for offer in session.scalars(select(Offer).order_by(Offer.id))
        }


def open_directory(sandbox: Sandbox, user_id: str) -> dict:
    sandbox.command(user_id, "mentors")
    view = sandbox.slack.last_view_opened()
    assert view["callback_id"] == ids.DIRECTORY_VIEW
    return view


def test_a_student_browses_filters_and_asks_a_mentor_who_alone_gets_the_offer_first(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    careers = mentor_in_sandbox(
        sandbox, "UCAR", real_name="Carl Careers", topics=["careers"], job_title="Recruiter"
    )
    arts = mentor_in_sandbox(
        sandbox,
        "UART",
        real_name="Ann Arts",
        topics=["arts"],
        languages=["en"],
        industry="Museums",
        graduation_year=2012,
        how_i_can_help="Portfolios <!channel> & first jobs in culture",
    )

    view = open_directory(sandbox, "USTU")

    assert listed(view) == [arts, careers]  # speaking the student's language ranks first, as in matching
    text = shown_text(view)
    assert "*<@UART>*" in text and "Museums" in text and "Graduated in 2012" in text
    assert "Portfolios &lt;!channel&gt; &amp; first jobs in culture" in text
    assert "<!channel>" not in str(view["blocks"])
    assert "*Topics*: Arts and culture" in text and "2 places free" in text

    sandbox.click("USTU", view, ids.DIRECTORY_FILTER_TOPIC, selected_option="careers")
    filtered = sandbox.slack.view(view["id"])
    assert listed(filtered) == [careers]
    sandbox.click("USTU", filtered, ids.DIRECTORY_FILTER_TOPIC, selected_option="*")
    everyone = sandbox.slack.view(view["id"])
    assert listed(everyone) == [arts, careers]

    sandbox.click("USTU", everyone, ids.DIRECTORY_ASK, value=str(arts))

    request_view = sandbox.slack.last_view_opened()
    assert request_view["callback_id"] == ids.REQUEST_VIEW
    assert request_view["previous_view_id"] == view["id"]  # pushed over the directory
    mentor_block = next(b for b in request_view["blocks"] if b.get("block_id") == "request_mentor")
    assert mentor_block["element"]["initial_option"] == {
        "text": {"type": "plain_text", "text": "Ann Arts"},
        "value": str(arts),
    }
    sandbox.submit(
        "USTU",
        request_view,
        {"topics": ["careers"], "message": "Help me choose a path.", "charter": ["accepted"]},
    )

    assert offers_by_mentor(sandbox) == {"UART": OfferStatus.PENDING}
    assert "the mentor you chose" in shown_text(sandbox.slack.last_message_to("USTU"))


def test_twelve_mentors_page_ten_then_two_and_back(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentors = [mentor_in_sandbox(sandbox, f"UM{number:02d}") for number in range(12)]

    first = open_directory(sandbox, "USTU")
    assert listed(first) == mentors[:10]
    assert ids.DIRECTORY_MORE in action_ids(first) and ids.DIRECTORY_PREVIOUS not in action_ids(first)

    sandbox.click("USTU", first, ids.DIRECTORY_MORE)
    second = sandbox.slack.view(first["id"])
    assert listed(second) == mentors[10:]
    assert "Mentors 11 à 12" in shown_text(second)
    assert ids.DIRECTORY_MORE not in action_ids(second)

    sandbox.click("USTU", second, ids.DIRECTORY_PREVIOUS)
    assert listed(sandbox.slack.view(first["id"])) == mentors[:10]


def test_paused_full_gone_and_opted_out_mentors_are_not_listed_but_the_opted_out_is_still_offered(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU")
    listed_mentor = mentor_in_sandbox(sandbox, "ULISTED", topics=["arts"])
    mentor_in_sandbox(sandbox, "UPAUSED", paused=True)
    mentor_in_sandbox(sandbox, "UFULL", capacity=1, active_mentees=1)
    mentor_in_sandbox(sandbox, "UGONE", inactive_since=START)
    mentor_in_sandbox(sandbox, "UHIDDEN", topics=["careers"], in_directory=False)

    assert listed(open_directory(sandbox, "USTU")) == [listed_mentor]

    sandbox.command("USTU", "request")
    sandbox.submit(
        "USTU",
        sandbox.slack.last_view_opened(),
        {"topics": ["careers"], "message": "Help me choose a path.", "charter": ["accepted"]},
    )
    assert offers_by_mentor(sandbox) == {"UHIDDEN": OfferStatus.PENDING}


def test_the_french_alias_and_the_menu_button_open_the_directory(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UMEN")

    sandbox.command("USTU", "annuaire")
    open_directory_view = sandbox.slack.last_view_opened()
    assert open_directory_view["title"]["text"] == "Découvrir les mentors"

    sandbox.command("USTU")
    sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.OPEN_DIRECTORY)
    assert sandbox.slack.last_view_opened()["callback_id"] == ids.DIRECTORY_VIEW
    assert sandbox.slack.last_view_opened()["id"] != open_directory_view["id"]


def test_an_alumnus_asking_for_the_directory_gets_a_polite_answer(sandbox: Sandbox) -> None:
    mentor_in_sandbox(sandbox, "UMEN", locale="en")

    sandbox.command("UMEN", "mentors")

    assert sandbox.slack.calls_to("views.open") == []
    assert "The mentor directory is for students" in sandbox.slack.last_message_to("UMEN").text


def test_opting_out_in_the_volunteer_modal_hides_the_mentor_and_the_line_is_saved(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    sandbox.slack.add_user("UALUM", locale="en-GB", real_name="Alex Alum")
    sandbox.command("UALUM")
    sandbox.click("UALUM", sandbox.slack.last_message_to("UALUM"), ids.CHOOSE_ROLE_ALUMNUS)
    verified_by_roster(sandbox, "UALUM")
    sandbox.command("UALUM", "volunteer")
    form = sandbox.slack.last_view_opened()
    directory_box = next(b for b in form["blocks"] if b.get("block_id") == ids.VOLUNTEER_IN_DIRECTORY)
    assert directory_box["element"]["initial_options"][0]["value"] == "listed"  # in by default
    answers = {
        ids.VOLUNTEER_TOPICS: ["careers"],
        ids.VOLUNTEER_LANGUAGES: ["en"],
        ids.VOLUNTEER_GRADUATION_YEAR: "2015",
        ids.VOLUNTEER_CHARTER: ["accepted"],
        ids.VOLUNTEER_HOW_I_CAN_HELP: "CVs and interviews",
    }
    sandbox.submit("UALUM", form, answers)
    assert "CVs and interviews" in shown_text(open_directory(sandbox, "USTU"))

    sandbox.command("UALUM", "volunteer")
    edit = sandbox.slack.last_view_opened()
    help_box = next(b for b in edit["blocks"] if b.get("block_id") == ids.VOLUNTEER_HOW_I_CAN_HELP)
    assert help_box["element"]["initial_value"] == "CVs and interviews"
    sandbox.submit("UALUM", edit, answers | {ids.VOLUNTEER_IN_DIRECTORY: []})

    assert listed(open_directory(sandbox, "USTU")) == []


def test_the_reminder_points_to_the_directory_and_counts_the_mentors_who_joined(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("USTU", locale="en-GB")
    sandbox.slack.add_user("UETU", locale="fr-FR")
    mentor_in_sandbox(sandbox, "UOLD", topics=["careers"], volunteered_at=START - timedelta(days=90))
    for number in range(3):
        mentor_in_sandbox(sandbox, f"UNEW{number}", volunteered_at=START + timedelta(days=10))
    with sandbox.bot.sessions.begin() as session:
        make_student(session, sandbox.team_id, "USTU", locale="en").created_at = START
        make_student(session, sandbox.team_id, "UETU", locale="fr").created_at = START

    clock.set(START + timedelta(days=28))
    dispatch_through_quiet_hours(sandbox, clock)

    reminder = sandbox.slack.last_message_to("USTU")
    assert "New: 3 mentors joined in your topics in the last 28 days." in shown_text(reminder)
    assert action_ids(reminder)[0] == ids.OPEN_DIRECTORY
    rappel = sandbox.slack.last_message_to("UETU")
    assert "Nouveau : 3 mentors ont rejoint le programme sur vos thèmes ces 28 derniers jours." in shown_text(
        rappel
    )
    sandbox.click("USTU", reminder, ids.OPEN_DIRECTORY)
    assert sandbox.slack.last_view_opened()["callback_id"] == ids.DIRECTORY_VIEW
