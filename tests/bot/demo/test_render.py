"""Block Kit rendered as plain text, the way the demo's transcripts show messages."""

from __future__ import annotations

from bot.demo.render import render_blocks, render_view
from bot.messages.kit import button, buttons, note, section

NAMES = {"U1": "Camille", "U2": "Malik"}.get


def name_of(user_id: str) -> str:
    return NAMES(user_id) or user_id


def test_mentions_escapes_and_buttons_read_as_a_person_sees_them() -> None:
    blocks = [
        section("<@U1> wrote: &lt;!channel&gt; can you help?"),
        note("Sent by <@U2|malik>"),
        buttons(button("Accept", "accept"), button("Decline", "decline")),
    ]

    assert render_blocks(blocks, name_of) == [
        "@Camille wrote: <!channel> can you help?",
        "  Sent by @Malik",
        "  [ Accept ]  [ Decline ]",
    ]


def test_a_modal_shows_its_title_inputs_and_submit_button() -> None:
    view = {
        "title": {"type": "plain_text", "text": "Find a mentor"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {"type": "input", "label": {"type": "plain_text", "text": "Your question"}, "element": {}}
        ],
    }

    assert render_view(view, name_of) == ["┌ Find a mentor", "  Your question: ____", "  [ Send ]"]
