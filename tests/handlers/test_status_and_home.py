"""`/mentor status`, the menu's status button and the App Home tab, over signed HTTP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox
from bot.slack_double.web_api import Message
from storage.models import Member, Role
from tests.factories import make_mentor, make_mentorship, make_offer, make_request, make_student


def texts_of(blocks: list[dict]) -> str:
    texts = []
    for block in blocks:
        if block.get("type") in ("section", "header"):
            texts.append(block.get("text", {}).get("text", ""))
        elif block.get("type") == "context":
            texts += [element.get("text", "") for element in block["elements"]]
    return "\n".join(texts)


def action_ids(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if block.get("type") == "actions":
            found += [element["action_id"] for element in block["elements"]]
        elif block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"]["action_id"])
    return found


def open_home(sandbox: Sandbox, user_id: str) -> dict:
    sandbox.driver.app_home_opened(user_id)
    sandbox.settle()
    home = sandbox.slack.home_of(user_id)
    assert home is not None, "no Home published"
    return home


def test_status_shows_a_mentors_profile_load_and_mentees_with_an_end_button(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("UMENTOR", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        mentor = make_mentor(
            session,
            sandbox.team_id,
            "UMENTOR",
            topics=("careers",),
            capacity=2,
            active_mentees=1,
            locale="en",
        )
        student = make_student(session, sandbox.team_id, "USTUDENT")
        mentorship = make_mentorship(session, student, mentor, started_at=clock.now() - timedelta(days=10))

    sandbox.command("UMENTOR", "status")

    status = sandbox.slack.last_message_to("UMENTOR")
    text = texts_of(status.blocks)
    assert "Careers and orientation" in text
    assert "Mentees: 1 of 2" in text
    assert "Mentee: <@USTUDENT>" in text
    assert "your mentee will write to you" in text
    end_buttons = [
        b["accessory"] for b in status.blocks if b.get("accessory", {}).get("action_id") == ids.END_MENTORSHIP
    ]
    assert [button["value"] for button in end_buttons] == [str(mentorship.id)]


def test_status_shows_a_students_open_request_without_naming_the_mentors_considering_it(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user("USTUDENT", locale="fr-FR")
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, sandbox.team_id, "USTUDENT")
        mentor = make_mentor(session, sandbox.team_id, "UMENTOR")
        request = make_request(
            session, sandbox.team_id, student, created_at=clock.now(), topics=("internships",)
        )
        make_offer(session, request, mentor, offered_at=clock.now())

    sandbox.command("USTUDENT", "status")

    text = texts_of(sandbox.slack.last_message_to("USTUDENT").blocks)
    assert "Votre demande* (Stages et premier emploi)" in text
    assert "Mentors qui l'examinent en ce moment : 1." in text
    assert "UMENTOR" not in text
    assert "Aucun mentorat en cours." in text


def test_the_menus_status_button_shows_the_status(sandbox: Sandbox, clock: ManualClock) -> None:
    sandbox.slack.add_user("USTUDENT", locale="en-US")
    with sandbox.bot.sessions.begin() as session:
        student = make_student(session, sandbox.team_id, "USTUDENT", locale="en")
        mentor = make_mentor(session, sandbox.team_id, "UMENTOR", active_mentees=1)
        make_mentorship(session, student, mentor, started_at=clock.now(), first_contact_at=clock.now())

    sandbox.command("USTUDENT")
    sandbox.click("USTUDENT", sandbox.slack.last_message_to("USTUDENT"), ids.SHOW_STATUS)

    text = texts_of(sandbox.slack.last_message_to("USTUDENT").blocks)
    assert "Mentor: <@UMENTOR>" in text
    assert "First contact made on <!date^" in text


def test_status_of_a_member_without_a_role_asks_who_they_are(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UNEW", locale="en-US")

    sandbox.command("UNEW", "status")

    assert action_ids(sandbox.slack.last_message_to("UNEW").blocks) == [
        ids.CHOOSE_ROLE_STUDENT,
        ids.CHOOSE_ROLE_ALUMNUS,
    ]


def test_opening_the_home_tab_publishes_the_menu_and_the_status(sandbox: Sandbox, clock: ManualClock) -> None:
    sandbox.slack.add_user("UMENTOR", locale="fr-FR")
    with sandbox.bot.sessions.begin() as session:
        mentor = make_mentor(session, sandbox.team_id, "UMENTOR", paused=True, active_mentees=1)
        student = make_student(session, sandbox.team_id, "USTUDENT")
        mentorship = make_mentorship(session, student, mentor, started_at=clock.now())

    home = open_home(sandbox, "UMENTOR")

    assert action_ids(home["blocks"]) == [
        ids.OPEN_VOLUNTEER_MODAL,
        ids.RESUME_MENTORING,
        ids.SHOW_STATUS,
        ids.SHOW_HELP,
        ids.END_MENTORSHIP,
    ]
    text = texts_of(home["blocks"])
    assert "Votre disponibilité est en pause" in text
    assert "Personne accompagnée : <@USTUDENT>" in text
    assert f"mentorship_{mentorship.id}" in [b.get("block_id") for b in home["blocks"]]


def test_opening_the_messages_tab_publishes_nothing(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("USTUDENT")
    event = {"type": "app_home_opened", "user": "USTUDENT", "channel": "DSTUDENT", "tab": "messages"}

    sandbox.event(event)

    assert sandbox.slack.calls_to("views.publish") == []


def test_a_member_without_a_role_chooses_it_on_the_home_and_gets_their_home(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UNEW", locale="en-GB")
    home = open_home(sandbox, "UNEW")
    assert action_ids(home["blocks"]) == [ids.CHOOSE_ROLE_STUDENT, ids.CHOOSE_ROLE_ALUMNUS]

    sandbox.click("UNEW", home, ids.CHOOSE_ROLE_STUDENT)

    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(Member.role).where(Member.slack_user_id == "UNEW")) == Role.STUDENT
    home = sandbox.slack.home_of("UNEW")
    assert home is not None
    assert action_ids(home["blocks"])[:4] == [
        ids.OPEN_REQUEST_MODAL,
        ids.OPEN_DIRECTORY,
        ids.SHOW_STATUS,
        ids.SHOW_HELP,
    ]
    assert "You have no open request" in texts_of(home["blocks"])


def test_help_clicked_on_the_home_arrives_in_the_messages_tab(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("USTUDENT", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        make_student(session, sandbox.team_id, "USTUDENT", locale="en")
    home = open_home(sandbox, "USTUDENT")

    sandbox.click("USTUDENT", home, ids.SHOW_HELP)

    help_message: Message = sandbox.slack.last_message_to("USTUDENT")
    assert "connects students with alumni" in texts_of(help_message.blocks)
