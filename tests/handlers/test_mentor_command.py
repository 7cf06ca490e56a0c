"""`/mentor`: the menu, the help and the "who are you?" question, over signed HTTP."""

from __future__ import annotations

from bot import ids
from bot.sandbox import Sandbox


def texts_of(message) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        block.get("text", {}).get("text", "") for block in message.blocks if block.get("type") == "section"
    )


def test_help_is_answered_in_the_members_language(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UANNA", locale="en-GB")

    response = sandbox.command("UANNA", "help")

    assert response.status == 200
    assert "connects students with alumni" in texts_of(sandbox.slack.last_message_to("UANNA"))


def test_unknown_text_gets_the_help_with_what_was_not_understood(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("ULEO", locale="fr-FR")

    sandbox.command("ULEO", "<!channel> bonjour")

    answer = texts_of(sandbox.slack.last_message_to("ULEO"))
    assert "Je n'ai pas compris `&lt;!channel&gt; bonjour`" in answer


def test_a_member_without_a_role_is_asked_who_they_are_then_gets_their_menu(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UNEW", locale="en-US")

    sandbox.command("UNEW")
    question = sandbox.slack.last_message_to("UNEW")
    assert "tell us who you are" in texts_of(question)

    sandbox.click("UNEW", question, ids.CHOOSE_ROLE_ALUMNUS)

    menu = sandbox.slack.last_message_to("UNEW")
    action_ids = [e["action_id"] for b in menu.blocks if b["type"] == "actions" for e in b["elements"]]
    assert action_ids == [ids.OPEN_VOLUNTEER_MODAL, ids.SHOW_HELP]
