"""The everyday blocks are built as plain dicts: they must be what slack_sdk's models would build, and
refuse what Slack refuses, as the models' `to_dict()` does."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from bot.messages.kit import button, buttons, message, note, section


def test_section_note_and_buttons_are_what_slack_sdk_builds_from_them() -> None:
    blocks = [
        section("*Bonjour* <@U1>"),
        note("_1 = pas du tout, 5 = tout à fait_"),
        buttons(
            button("Oui", "yes", "42", "primary"),
            button("Pas encore", "not_yet"),
            block_id="answers",
        ),
    ]

    assert [block.to_dict() for block in Block.parse_all(blocks)] == blocks


@pytest.mark.parametrize(
    "build",
    [
        lambda: section("x" * 3001),
        lambda: button("x" * 76, "action"),
        lambda: button("Oui", "a" * 256),
        lambda: button("Oui", "action", "v" * 2001),
        lambda: button("Oui", "action", style="loud"),
        lambda: buttons(*[button(str(n), f"action_{n}") for n in range(26)]),
        lambda: buttons(button("Oui", "action"), block_id="b" * 256),
    ],
)
def test_what_slack_refuses_fails_at_build_time(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackObjectFormationError):
        build()


def test_a_message_takes_both_dicts_and_slack_sdk_models() -> None:
    shown = message("Bonjour", [section("Bonjour")])

    again = message(shown.text, [*Block.parse_all(shown.blocks), note("Merci")])

    assert again.blocks == [section("Bonjour"), note("Merci")]
