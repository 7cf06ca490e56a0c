"""What every part of the bot needs to do its work, built once by the composition root (`bot.app`)."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Config
from bot.fairness import WorkspacePace
from storage.db import Sessions


class SlackClients(Protocol):
    """The Web API client of each workspace: every call for a workspace goes out with its own token."""

    def for_team(self, team_id: str) -> WebClient:
        """The client with `team_id`'s bot token and the SDK's retries (429, 5xx, network)."""
        ...

    def without_retries(self, team_id: str) -> WebClient:
        """The same token without retry handlers: for the dispatcher, which retries through the database
        (by moving `due_at`) rather than by sleeping in its pass."""
        ...

    def forget(self, team_id: str) -> None:
        """The workspace uninstalled mentorbot or revoked its tokens: drop its clients, and delete the
        tokens we keep for it (Add to Slack). Its programme's data stays; a reinstall brings new tokens."""
        ...


def new_process_name() -> str:
    """Who holds a claim: host, process and a random part, so that a restarted process (the same pid in
    a new container) is not taken for the one that died."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class InboundHandler:
    """How one kind of acknowledged payload is handled (`bot.work.run_inbound`): who acted, resolved
    before the unit of work since it may ask Slack (None for an event nobody triggered), then what the
    programme does, as an `Outcome`."""

    # Typed loosely: the people and outcomes of `bot.members` and `bot.outcome` build on this module.
    resolve: Callable[[BotContext, dict], Any]  # -> Person | None
    act: Callable[[BotContext, Any, dict], Any]  # (bot, Person | None, body) -> Outcome


@dataclass(frozen=True)
class BotContext:
    config: Config
    sessions: Sessions
    slack_clients: SlackClients
    clock: Clock
    # Where acknowledged work runs in this process (`bot.work`); Bolt's listeners register their
    # handlers by name, so that any process can carry out a payload another one acknowledged.
    follow_ups: Executor
    # How many more messages the dispatcher may post to each workspace now, across its passes.
    pace: WorkspacePace
    inbound_handlers: dict[str, InboundHandler] = field(default_factory=dict)
    # Who this process is when it claims rows (`bot.work`, `bot.dispatch`).
    process_name: str = field(default_factory=new_process_name)
    # False for `serve --ack-only`: the ack records the payload and the workers carry it out.
    works_here: bool = True
    # Set by a graceful stop: passes end between batches, workers take nothing more.
    stopping: threading.Event = field(default_factory=threading.Event)

    def client_for(self, team_id: str) -> WebClient:
        return self.slack_clients.for_team(team_id)
