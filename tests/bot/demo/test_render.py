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


def test_a_date_token_reads_as_its_fallback_and_a_preset_choice_as_chosen() -> None:
    blocks = [
        section("Booked: *<!date^1789140000^{date_short_pretty} at {time}|2026-09-11 19:00 (Europe/Paris)>*"),
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "A specific mentor?"},
            "element": {"initial_option": {"text": {"type": "plain_text", "text": "Camille"}, "value": "7"}},
        },
    ]

    assert render_blocks(blocks, name_of) == [
        "Booked: *2026-09-11 19:00 (Europe/Paris)*",
        "  A specific mentor?: Camille",
    ]
