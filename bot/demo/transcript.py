"""What each person of the demo saw and did, in order, and how it reads as plain text.

The journal keeps a message as it looked when it arrived (Slack updates messages in place: a later
update is a new entry), each click with the label of the button pressed, and each modal with what was
typed in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo.render import render_blocks, render_text, render_view
from bot.i18n import t

INDENT = "    "


@dataclass(frozen=True)
class Entry:
    at: datetime
    lines: tuple[str, ...]
    headline: str = ""  # "mentorbot", or empty for the person's own actions


@dataclass
class Journal:
    """Every person's entries, by Slack user id."""

    locale: str
    name_of: Callable[[str], str]
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    _shown: dict[object, list[str]] = field(default_factory=dict)

    def _add(self, user_id: str, entry: Entry) -> None:
        self.entries.setdefault(user_id, []).append(entry)

    def message(self, user_id: str, key: object, at: datetime, text: str, blocks: list[dict]) -> None:
        """A message as it arrived; when `key` was seen before (Slack updated it in place), only the lines
        the update added, as a person's eye goes to what changed."""
        lines = render_blocks(blocks, self.name_of) if blocks else [render_text(text, self.name_of)]
        before = self._shown.get(key)
        self._shown[key] = lines
        headline = t(self.locale, "demo.bot")
        if before is not None:
            lines = [line for line in lines if line not in before]
            if not lines:
                return
            headline += " " + t(self.locale, "demo.updated")
        self._add(user_id, Entry(at, tuple(lines), headline))

    def typed(self, user_id: str, at: datetime, command: str) -> None:
        self._add(user_id, Entry(at, (t(self.locale, "demo.typed", command=command),)))

    def clicked(self, user_id: str, at: datetime, label: str) -> None:
        self._add(user_id, Entry(at, (t(self.locale, "demo.clicked", label=label),)))

    def modal(self, user_id: str, at: datetime, view: dict, typed: Iterable[str], submitted: bool) -> None:
        lines = render_view(view, self.name_of, inputs_only=True)
        lines += [f"  « {text} »" for text in typed if text]
        submit = view.get("submit", {}).get("text", "")
        lines.append(
            t(self.locale, "demo.sent", label=submit) if submitted else t(self.locale, "demo.closed")
        )
        self._add(user_id, Entry(at, tuple(lines)))

    def looked(self, user_id: str, at: datetime, view: dict) -> None:
        """A modal the person read through (the directory), shown whole, as they browsed it."""
        self._add(user_id, Entry(at, tuple(render_view(view, self.name_of))))

    def file(self, user_id: str, at: datetime, filename: str) -> None:
        self._add(user_id, Entry(at, (t(self.locale, "demo.file_received", name=filename),)))

    def steps_of(self, user_id: str) -> int:
        return len(self.entries.get(user_id, []))


def render_journey(journal: Journal, user_id: str, title: str, tz: str) -> list[str]:
    """One person's journey: a title, then each entry stamped with the local time it happened."""
    zone = ZoneInfo(tz)
    lines = ["", f"━━ {title} ".ljust(78, "━"), ""]
    for entry in journal.entries.get(user_id, []):
        stamp = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        if entry.headline:
            lines.append(f"[{stamp}] {entry.headline}")
            lines += [INDENT + line if line else "" for line in entry.lines]
        else:
            lines += [f"[{stamp}] {line}" if n == 0 else INDENT + line for n, line in enumerate(entry.lines)]
    return lines
