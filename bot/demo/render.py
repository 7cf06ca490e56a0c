"""Block Kit as a person reads it, in plain text: for the demo's transcripts.

Slack's mrkdwn is kept as typed (`*bold*`), mentions become `@name`, escaped characters are restored,
buttons are shown as `[ Label ]`, and inputs of a modal as `label: ____`.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable

MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]+)>")  # Slack shows the date in the reader's zone: its fallback


def render_text(text: str, name_of: Callable[[str], str]) -> str:
    text = MENTION.sub(lambda match: "@" + name_of(match.group(1)), text)
    text = LINK.sub(lambda match: f"{match.group(2)} ({match.group(1)})", text)
    text = DATE.sub(lambda match: match.group(1), text)
    return html.unescape(text)


def render_blocks(blocks: list[dict], name_of: Callable[[str], str], width: int = 78) -> list[str]:
    """The lines a person would read in these blocks."""
    lines: list[str] = []

    def add(text: str, indent: str = "") -> None:
        for paragraph in render_text(text, name_of).splitlines() or [""]:
            lines.extend(
                textwrap.wrap(paragraph, width, initial_indent=indent, subsequent_indent=indent) or [""]
            )

    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            if "text" in block:
                add(block["text"]["text"])
            for field in block.get("fields", []):
                add(field["text"], "  ")
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"  [ {accessory['text']['text']} ]")
        elif kind == "context":
            add(" ".join(element.get("text", "") for element in block["elements"]), "  ")
        elif kind == "actions":
            labels = [element["text"]["text"] for element in block["elements"] if "text" in element]
            lines.append("  " + "  ".join(f"[ {label} ]" for label in labels))
        elif kind == "input":
            chosen = (block.get("element") or {}).get("initial_option") or {}
            shown = chosen.get("text", {}).get("text") or "____"
            lines.append(f"  {render_text(block['label']['text'], name_of)}: {shown}")
        elif kind == "divider":
            lines.append("  " + "-" * 20)
        elif kind == "image":
            lines.append(f"  (image: {block.get('alt_text', '')})")
    return lines


def render_view(view: dict, name_of: Callable[[str], str], *, inputs_only: bool = False) -> list[str]:
    """A modal as a person sees it; `inputs_only` leaves out its explanations (a transcript's short form)."""
    title = (view.get("title") or {}).get("text", "")
    lines = [f"┌ {title}"] if title else []
    blocks = view.get("blocks", [])
    if inputs_only:
        blocks = [block for block in blocks if block.get("type") == "input"]
    lines += render_blocks(blocks, name_of)
    submit = (view.get("submit") or {}).get("text")
    if submit:
        lines.append(f"  [ {submit} ]")
    return lines
