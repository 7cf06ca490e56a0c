"""Small pieces every message builder uses, and the one place Block Kit gets validated.

Builders compose `slack_sdk.models` blocks; `message(...)` and `modal(...)` turn them into the dicts the
Web API takes, and `to_dict()` raises on Slack's limits (text lengths, element counts) at build time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


@dataclass(frozen=True)
class Message:
    """A message ready for chat.postMessage / chat.update / respond(): fallback text and blocks."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {"text": self.text, "blocks": self.blocks}


def message(text: str, blocks: Sequence[Block]) -> Message:
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        raise ValueError(f"a message holds at most {MAX_MESSAGE_BLOCKS} blocks, got {len(blocks)}")
    return Message(text=text, blocks=[block.to_dict() for block in blocks])


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
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


def home(blocks: Sequence[Block]) -> dict:
    if len(blocks) > MAX_VIEW_BLOCKS:
        raise ValueError(f"a view holds at most {MAX_VIEW_BLOCKS} blocks, got {len(blocks)}")
    return View(type="home", blocks=list(blocks)).to_dict()


def escape(user_text: str) -> str:
    """Text typed by a person, made inert for mrkdwn: no `<!channel>` pings, no `<@U…>` mentions, no links."""
    return user_text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def section(markdown: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=markdown))


def note(markdown: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=markdown)])


def button(label: str, action_id: str, value: str | None = None, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text=label), action_id=action_id, value=value, style=style)


def buttons(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)
