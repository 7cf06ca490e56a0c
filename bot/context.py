"""What every part of the bot needs to do its work, built once by the composition root (`bot.app`)."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Config
from storage.db import SessionFactory


@dataclass(frozen=True)
class BotContext:
    config: Config
    sessions: SessionFactory
    client: WebClient
    clock: Clock
    # Where listeners' work runs once Slack has its ack (handlers.background.in_background).
    follow_ups: Executor
