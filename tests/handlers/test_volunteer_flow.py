"""Alumni volunteering as mentors, end to end over signed HTTP: the modal, its errors, the saved profile,
the confirmation DM, editing, and pausing / resuming availability."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

import bot.work
from bot import ids
from bot.messages.volunteering import CHARTER_ACCEPTED
from bot.sandbox import Sandbox
from storage.models import CharterAcceptance, Member, MentorProfile
from storage.queries.mentors import find_mentor_profile
from tests.factories import verified_by_roster

TEAM = "T0001"
VALID = {
    ids.VOLUNTEER_TOPICS: ["careers", "engineering"],
    ids.VOLUNTEER_LANGUAGES: ["fr", "en"],
    ids.VOLUNTEER_CAPACITY: "3",
    ids.VOLUNTEER_GRADUATION_YEAR: "2012",
    ids.VOLUNTEER_INDUSTRY: "Energy <!channel>",
    ids.VOLUNTEER_JOB_TITLE: "Project engineer",
    ids.VOLUNTEER_CHARTER: [CHARTER_ACCEPTED],
}


@pytest.fixture
def offers_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The teams for which waiting requests were offered again; the real matching still runs."""
    asked: list[str] = []
    real = bot.work.offer_waiting_requests

    def spy(context, team_id: str):  # type: ignore[no-untyped-def]
        asked.append(team_id)
        return real(context, team_id)

    monkeypatch.setattr(bot.work, "offer_waiting_requests", spy)
    return asked


def member_with_role(sandbox: Sandbox, user_id: str, role_action: str, locale: str = "en-GB") -> None:
    sandbox.slack.add_user(user_id, locale=locale)
    sandbox.command(user_id)
    sandbox.click(user_id, sandbox.slack.last_message_to(user_id), role_action)


def alumnus(sandbox: Sandbox, user_id: str = "UALUM", locale: str = "en-GB") -> None:
    member_with_role(sandbox, user_id, ids.CHOOSE_ROLE_ALUMNUS, locale)


def open_volunteer_modal(sandbox: Sandbox, user_id: str = "UALUM") -> dict:
    opened = len(sandbox.slack.calls_to("views.open"))
    sandbox.command(user_id, "volunteer")
    assert len(sandbox.slack.calls_to("views.open")) == opened + 1
    return sandbox.slack.last_view_opened()


def volunteer(sandbox: Sandbox, user_id: str = "UALUM", **changes: object) -> None:
    view = open_volunteer_modal(sandbox, user_id)
    response = sandbox.submit(user_id, view, {**VALID, **changes})
    assert response.status == 200 and response.json() is None


def texts_of(message) -> str:  # type: ignore[no-untyped-def]
    """The words of a message's sections and context notes."""
    texts = [block["text"]["text"] for block in message.blocks if block.get("text")]
    texts += [
        element["text"]
        for block in message.blocks
        if block["type"] == "context"
        for element in block["elements"]
        if element.get("type") in ("mrkdwn", "plain_text")
    ]
    return " ".join(texts)


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def member_id_of(sandbox: Sandbox, user_id: str) -> int:
    with sandbox.bot.sessions.begin() as session:
        return session.scalar(select(Member.id).where(Member.slack_user_id == user_id))  # type: ignore[return-value]


def profile_of(sandbox: Sandbox, user_id: str) -> MentorProfile | None:
    with sandbox.bot.sessions.begin() as session:
        profile = find_mentor_profile(session, member_id_of(sandbox, user_id))
        if profile is not None:
            session.expunge(profile)
        return profile


def acceptances(sandbox: Sandbox) -> list[tuple[int, int, str]]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.execute(
            select(CharterAcceptance.member_id, CharterAcceptance.version, CharterAcceptance.accepted_as)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_an_alumnus_volunteers_and_is_thanked_by_dm_with_what_they_offer(
    sandbox: Sandbox, offers_asked: list[str]
) -> None:
    alumnus(sandbox)
    verified_by_roster(sandbox, "UALUM")

    view = open_volunteer_modal(sandbox)
    assert view["callback_id"] == ids.VOLUNTEER_VIEW
    assert view["title"]["text"] == "Become a mentor"
    response = sandbox.submit("UALUM", view, VALID)

    assert response.status == 200 and response.json() is None  # the modal closes
    assert sandbox.slack.open_views_of("UALUM") == []
    profile = profile_of(sandbox, "UALUM")
    assert profile is not None
    assert sorted(row.topic for row in profile.topics) == ["careers", "engineering"]
    assert sorted(row.language for row in profile.languages) == ["en", "fr"]
    assert (profile.capacity, profile.industry, profile.job_title) == (
        3,
        "Energy <!channel>",
        "Project engineer",
    )
    assert (profile.paused, profile.active_mentee_count, profile.charter_version) == (False, 0, 1)
    member_id = member_id_of(sandbox, "UALUM")
    with sandbox.bot.sessions.begin() as session:
        assert session.get(Member, member_id).graduation_year == 2012  # type: ignore[union-attr]
    assert acceptances(sandbox) == [(member_id, 1, "mentor")]

    confirmation = sandbox.slack.last_message_to("UALUM")
    assert confirmation.channel.startswith("D") and not confirmation.ephemeral
    shown = texts_of(confirmation)
    assert "you're now a mentor" in shown
    assert "Careers and orientation, Engineering and tech" in shown
    assert "French, English" in shown
    assert "Energy &lt;!channel&gt;" in shown
    assert "up to 3" in shown
    assert "/mentor pause" in shown
    assert offers_asked == [TEAM]
    assert action_ids(sandbox.slack.home_of("UALUM")["blocks"])[0] == ids.OPEN_VOLUNTEER_MODAL  # type: ignore[index]


def test_the_menu_button_opens_the_modal_in_the_alumnus_language(sandbox: Sandbox) -> None:
    alumnus(sandbox, "UCAMILLE", locale="fr-FR")
    menu = sandbox.slack.last_message_to("UCAMILLE")

    sandbox.click("UCAMILLE", menu, ids.OPEN_VOLUNTEER_MODAL)

    view = sandbox.slack.last_view_opened()
    assert view["title"]["text"] == "Devenir mentor"
    assert sandbox.slack.open_views_of("UCAMILLE") == [view]
    assert "charte du mentorat" in str(view["blocks"])


@pytest.mark.parametrize(
    ("changes", "block_id"),
    [
        ({ids.VOLUNTEER_TOPICS: []}, ids.VOLUNTEER_TOPICS),
        ({ids.VOLUNTEER_LANGUAGES: []}, ids.VOLUNTEER_LANGUAGES),
        ({ids.VOLUNTEER_CHARTER: []}, ids.VOLUNTEER_CHARTER),
        ({ids.VOLUNTEER_GRADUATION_YEAR: "1800"}, ids.VOLUNTEER_GRADUATION_YEAR),
        ({ids.VOLUNTEER_CAPACITY: None}, ids.VOLUNTEER_CAPACITY),
    ],
)
def test_an_invalid_submission_shows_field_errors_and_saves_nothing(
    sandbox: Sandbox, offers_asked: list[str], changes: dict, block_id: str
) -> None:
    alumnus(sandbox)
    view = open_volunteer_modal(sandbox)
    messages_before = len(sandbox.slack.messages_to("UALUM"))

    # Slack's client refuses to submit empty required inputs; a forged submission still must not get in.
    response = sandbox.driver.submit_view("UALUM", view, {**VALID, **changes}, check_required=False)
    sandbox.settle()

    answer = response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block_id]
    assert sandbox.slack.open_views_of("UALUM") == [view]
    assert profile_of(sandbox, "UALUM") is None
    assert acceptances(sandbox) == []
    with sandbox.bot.sessions.begin() as session:
        assert session.get(Member, member_id_of(sandbox, "UALUM")).graduation_year is None  # type: ignore[union-attr]
    assert len(sandbox.slack.messages_to("UALUM")) == messages_before
    assert offers_asked == []


def test_field_errors_are_in_the_alumnus_language(sandbox: Sandbox) -> None:
    alumnus(sandbox, "UCAMILLE", locale="fr-FR")
    view = open_volunteer_modal(sandbox, "UCAMILLE")

    response = sandbox.submit("UCAMILLE", view, {**VALID, ids.VOLUNTEER_GRADUATION_YEAR: "1800"})

    assert response.json()["errors"] == {
        ids.VOLUNTEER_GRADUATION_YEAR: "Indiquez une année entre 1950 et 2026."
    }


def test_reopening_prefills_the_profile_and_an_edit_keeps_the_mentees(
    sandbox: Sandbox, offers_asked: list[str]
) -> None:
    alumnus(sandbox)
    volunteer(sandbox)
    with sandbox.bot.sessions.begin() as session:
        session.execute(update(MentorProfile).values(active_mentee_count=2))

    view = open_volunteer_modal(sandbox)

    assert view["title"]["text"] == "My mentor profile"
    by_action = {b["element"]["action_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert [o["value"] for o in by_action[ids.VOLUNTEER_TOPICS]["initial_options"]] == [
        "careers",
        "engineering",
    ]
    assert [o["value"] for o in by_action[ids.VOLUNTEER_LANGUAGES]["initial_options"]] == ["fr", "en"]
    assert by_action[ids.VOLUNTEER_CAPACITY]["initial_option"]["value"] == "3"
    assert by_action[ids.VOLUNTEER_GRADUATION_YEAR]["initial_value"] == "2012"
    assert by_action[ids.VOLUNTEER_INDUSTRY]["initial_value"] == "Energy <!channel>"
    assert by_action[ids.VOLUNTEER_JOB_TITLE]["initial_value"] == "Project engineer"
    assert [o["value"] for o in by_action[ids.VOLUNTEER_CHARTER]["initial_options"]] == [CHARTER_ACCEPTED]

    # Untouched fields are submitted as pre-filled; only the capacity goes down, below the current load.
    response = sandbox.submit("UALUM", view, {ids.VOLUNTEER_CAPACITY: "1"})

    assert response.json() is None
    profile = profile_of(sandbox, "UALUM")
    assert profile is not None
    assert (profile.capacity, profile.active_mentee_count) == (1, 2)
    assert sorted(row.topic for row in profile.topics) == ["careers", "engineering"]
    assert len(acceptances(sandbox)) == 1
    shown = texts_of(sandbox.slack.last_message_to("UALUM"))
    assert "Your mentor profile is up to date" in shown
    assert "Your current mentees (2) already fill your capacity of 1" in shown
    assert offers_asked == [TEAM, TEAM]


def test_a_student_who_tries_to_volunteer_is_told_kindly_how_to_ask_for_a_mentor(sandbox: Sandbox) -> None:
    member_with_role(sandbox, "USTUDENT", ids.CHOOSE_ROLE_STUDENT, locale="fr-FR")

    sandbox.command("USTUDENT", "volunteer")

    assert sandbox.slack.calls_to("views.open") == []
    assert "/mentor request" in texts_of(sandbox.slack.last_message_to("USTUDENT"))
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(MentorProfile)) == 0


def test_pausing_then_resuming_from_the_menu_flips_availability_and_the_buttons(
    sandbox: Sandbox, offers_asked: list[str]
) -> None:
    alumnus(sandbox)
    volunteer(sandbox)
    sandbox.command("UALUM")
    menu = sandbox.slack.last_message_to("UALUM")
    assert ids.PAUSE_MENTORING in action_ids(menu.blocks)

    sandbox.click("UALUM", menu, ids.PAUSE_MENTORING)

    paused_menu = sandbox.slack.last_message_to("UALUM")
    assert paused_menu.ts == menu.ts  # the menu was replaced, not repeated
    assert "Your availability is paused" in texts_of(paused_menu)
    assert ids.RESUME_MENTORING in action_ids(paused_menu.blocks)
    assert ids.PAUSE_MENTORING not in action_ids(paused_menu.blocks)
    assert profile_of(sandbox, "UALUM").paused is True  # type: ignore[union-attr]
    assert ids.RESUME_MENTORING in action_ids(sandbox.slack.home_of("UALUM")["blocks"])  # type: ignore[index]

    sandbox.click("UALUM", paused_menu, ids.RESUME_MENTORING)

    resumed_menu = sandbox.slack.last_message_to("UALUM")
    assert "Welcome back" in texts_of(resumed_menu)
    assert ids.PAUSE_MENTORING in action_ids(resumed_menu.blocks)
    assert profile_of(sandbox, "UALUM").paused is False  # type: ignore[union-attr]
    assert offers_asked == [TEAM, TEAM]  # on volunteering, then on resuming


def test_pausing_from_the_home_tab_refreshes_the_home(sandbox: Sandbox) -> None:
    alumnus(sandbox)
    volunteer(sandbox)
    home = sandbox.slack.home_of("UALUM")
    assert home is not None

    sandbox.click("UALUM", home, ids.PAUSE_MENTORING)

    assert profile_of(sandbox, "UALUM").paused is True  # type: ignore[union-attr]
    assert ids.RESUME_MENTORING in action_ids(sandbox.slack.home_of("UALUM")["blocks"])  # type: ignore[index]


def test_pause_and_resume_shortcuts_say_when_nothing_changed(
    sandbox: Sandbox, offers_asked: list[str]
) -> None:
    alumnus(sandbox, "UCAMILLE", locale="fr-FR")
    volunteer(sandbox, "UCAMILLE")

    sandbox.command("UCAMILLE", "pause")
    assert "Votre disponibilité est en pause" in texts_of(sandbox.slack.last_message_to("UCAMILLE"))
    sandbox.command("UCAMILLE", "pause")
    assert "était déjà en pause" in texts_of(sandbox.slack.last_message_to("UCAMILLE"))
    assert profile_of(sandbox, "UCAMILLE").paused is True  # type: ignore[union-attr]

    sandbox.command("UCAMILLE", "resume")
    sandbox.command("UCAMILLE", "resume")

    assert "déjà disponible" in texts_of(sandbox.slack.last_message_to("UCAMILLE"))
    assert profile_of(sandbox, "UCAMILLE").paused is False  # type: ignore[union-attr]
    assert offers_asked == [TEAM, TEAM]  # the second resume changed nothing


def test_someone_who_never_volunteered_cannot_pause(sandbox: Sandbox) -> None:
    alumnus(sandbox)

    sandbox.command("UALUM", "pause")

    answer = sandbox.slack.last_message_to("UALUM")
    assert "haven't volunteered as a mentor yet" in texts_of(answer)
    assert action_ids(answer.blocks)[0] == ids.OPEN_VOLUNTEER_MODAL
    assert profile_of(sandbox, "UALUM") is None
