"""Small pieces every message builder uses, and the one place Block Kit gets validated.

Builders compose blocks; `message(...)` and `modal(...)` turn them into the dicts the Web API takes,
raising on Slack's limits (text lengths, element counts) at build time. The everyday blocks below
(section, note, buttons) are built as those dicts directly, checked against the limits slack_sdk's models
declare: building and validating a survey through the models took about 0.3 ms, these dicts 0.02 ms,
and the dispatcher renders thousands. Other blocks (inputs, headers, dividers) stay `slack_sdk.models`
objects, validated by their `to_dict()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ButtonStyles,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

# A block as the Web API takes it (what `section`, `note` and `buttons` return), or a slack_sdk model.
AnyBlock = Block | dict


@dataclass(frozen=True)
class Message:
    """A message ready for chat.postMessage / chat.update / respond(): fallback text and blocks."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": self.blocks}


def message(text: str, blocks: Sequence[AnyBlock]) -> Message:
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks, got {len(blocks)}")
    return Message(
        text=text, blocks=[block if isinstance(block, dict) else block.to_dict() for block in blocks]
    )


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: Sequence[AnyBlock],
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str | None = None,
) -> dict:
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise ValueError(f"a view holds at most {MAX_VIEW_BLOCKS} blocks, got {len(blocks)}")
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit) if submit else None,
        close=PlainTextObject(text=close) if close else None,
        private_metadata=private_metadata,
        blocks=list(blocks),
    ).to_dict()


def home(blocks: Sequence[AnyBlock]) -> dict:
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise ValueError(f"a view holds at most {MAX_VIEW_BLOCKS} blocks, got {len(blocks)}")
    return View(type="home", blocks=list(blocks)).to_dict()


def escape(user_text: str) -> str:
    """Text typed by a person, made inert for mrkdwn: no `<!channel>` pings, no `<@U…>` mentions, no links."""
    return user_text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to Slack's `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(moment: datetime, fallback: str | None = None) -> str:
    """A date Slack shows in the reader's own time zone and language, with an ISO date as fallback."""
    return f"<!date^{int(moment.timestamp())}^{{date_long}}|{fallback or moment.date().isoformat()}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def section(markdown: str) -> dict:
    _check_length(markdown, SectionBlock.text_max_length, "a section's text")
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown}}


def note(markdown: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown}]}


def button(label: str, action_id: str, value: str | None = None, style: str | None = None) -> dict:
    _check_length(label, ButtonElement.text_max_length, "a button's label")
    _check_length(action_id, ButtonElement.action_id_max_length, "an action_id")
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id}
    if value:  # slack_sdk leaves an empty value out too
        _check_length(value, ButtonElement.value_max_length, "a button's value")
        element["value"] = value
    if style is not None:
        if style not in ButtonStyles:
            raise SlackObjectFormationError(
                f"a button's style is one of {sorted(ButtonStyles)}, not {style!r}"
            )
        element["style"] = style
    return element


def link_button(label: str, action_id: str, url: str) -> dict:
    """A button that opens `url`; Slack still sends the app a click, which its listener only acks."""
    element = button(label, action_id)
    _check_length(url, ButtonElement.url_max_length, "a button's url")
    element["url"] = url
    return element


def buttons(*elements: dict, block_id: str | None = None) -> dict:
    if len(elements) > ActionsBlock.elements_max_length:
        raise SlackObjectFormationError(
            f"an actions block holds at most {ActionsBlock.elements_max_length} elements, got {len(elements)}"
        )
    block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        _check_length(block_id, ActionsBlock.block_id_max_length, "a block_id")
        block["block_id"] = block_id
    return block


def _check_length(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise SlackObjectFormationError(
            f"{what} holds at most {limit} characters, got {len(text)}: {text[:40]!r}…"
        )
