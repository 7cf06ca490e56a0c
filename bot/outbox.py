"""An `Outcome`'s messages as outbox rows, and back: what makes a message a state change caused survive
the process that committed the change.

`bot.work` writes these rows in the same transaction as the change, delivers them at once, and any
process takes over those a dead one left (`storage.queries.work`). One row per message, so that a crash
half-way through an outcome sends again only what was not sent yet.

The modal, the modal update and the person's own upload are not rows: a trigger_id dies 3 s after the
click, a view's hash after the next change, and an export is made again by asking again. They are shown
at once after the commit, or not at all.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from bot.members import Person
from bot.messages.kit import Message
from bot.outcome import FileToUpload, Notice, NoticeKind, Outcome, Update


@dataclass(frozen=True)
class Reply:
    """The answer to the person who acted: through the response_url when the request had one (valid
    30 minutes), else in their DM."""

    user_id: str
    message: Message
    replace_original: bool
    response_url: str | None


@dataclass(frozen=True)
class Home:
    """A Home tab to render from the state committed, and publish."""

    user_id: str


@dataclass(frozen=True)
class Reoffer:
    """A request to offer again (`request_id`), or every waiting request of the workspace (None): a state
    change of its own, carried out as a unit of work that writes the offers' DMs as rows in turn."""

    request_id: int | None


OutboxItem = Reply | Notice | Update | Home | Reoffer


def outbox_items(outcome: Outcome, person: Person | None, response_url: str | None) -> list[OutboxItem]:
    """The outcome's messages in the order `bot.deliver` carries them out; the reply is left out when an
    upload decides it (`bot.deliver.show_at_once`)."""
    items: list[OutboxItem] = []
    if outcome.reply is not None and outcome.upload is None and person is not None:
        items.append(Reply(person.user_id, outcome.reply, outcome.replace_original, response_url))
    items += outcome.notices
    items += outcome.updates
    items += [Home(someone.user_id) for someone in outcome.homes]
    items += [Reoffer(request_id) for request_id in outcome.reoffer_requests]
    if outcome.reoffer_team is not None:
        items.append(Reoffer(None))
    return items


def payload_of(item: OutboxItem) -> dict:
    if isinstance(item, Reply):
        return {
            "reply": _message(item.message),
            "user_id": item.user_id,
            "replace_original": item.replace_original,
            "response_url": item.response_url,
        }
    if isinstance(item, Notice):
        return {
            "notice": _message(item.message),
            "user_id": item.user_id,
            "kind": item.kind.value,
            "recipient_id": item.recipient_id,
            "about": list(item.about),
            "offer_id": item.offer_id,
            "booking_id": item.booking_id,
            "file": _file(item.file) if item.file else None,
        }
    if isinstance(item, Update):
        return {"update": _message(item.message), "channel_id": item.channel_id, "ts": item.ts}
    if isinstance(item, Home):
        return {"home": item.user_id}
    return {"reoffer": item.request_id}


def item_of(payload: dict) -> OutboxItem:
    if "reply" in payload:
        return Reply(
            payload["user_id"],
            _read_message(payload["reply"]),
            bool(payload["replace_original"]),
            payload.get("response_url"),
        )
    if "notice" in payload:
        return Notice(
            user_id=payload["user_id"],
            message=_read_message(payload["notice"]),
            kind=NoticeKind(payload["kind"]),
            recipient_id=payload.get("recipient_id"),
            about=tuple(payload.get("about") or ()),
            offer_id=payload.get("offer_id"),
            booking_id=payload.get("booking_id"),
            file=_read_file(payload["file"]) if payload.get("file") else None,
        )
    if "update" in payload:
        return Update(payload["channel_id"], payload["ts"], _read_message(payload["update"]))
    if "home" in payload:
        return Home(payload["home"])
    return Reoffer(payload["reoffer"])


def _message(message: Message) -> dict:
    return {"text": message.text, "blocks": message.blocks}


def _read_message(stored: dict) -> Message:
    return Message(text=stored["text"], blocks=stored["blocks"])


def _file(file: FileToUpload) -> dict:
    return {
        "filename": file.filename,
        "content": base64.b64encode(file.content).decode("ascii"),
        "title": file.title,
        "alt_text": file.alt_text,
    }


def _read_file(stored: dict) -> FileToUpload:
    return FileToUpload(
        filename=stored["filename"],
        content=base64.b64decode(stored["content"]),
        title=stored["title"],
        alt_text=stored.get("alt_text"),
    )
