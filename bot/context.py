"""What every part of the bot needs to do its work, built once by the composition root (`bot.app`)."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Config
from storage.db import SessionFactory


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


@dataclass(frozen=True)
class BotContext:
    config: Config
    sessions: SessionFactory
    slack_clients: SlackClients
    clock: Clock
    # Where listeners' work runs once Slack has its ack (handlers.background.in_background).
    follow_ups: Executor

    def client_for(self, team_id: str) -> WebClient:
        return self.slack_clients.for_team(team_id)
