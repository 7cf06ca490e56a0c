"""The whole bot on one machine: the real HTTP server and Bolt app, the real database, a stand-in for
Slack's Web API, and a driver that sends signed requests as Slack would.

The test suite, `mentorbot demo` and the benchmarks all run mentorbot this way, so what the demo shows and
what the benchmarks measure is what the tests prove.

With `oauth=True` it is a deployment for many schools (Add to Slack): no bot token, each workspace
installed through the install page and Slack's authorize page (`Sandbox.install`), then driven as
itself (`Sandbox.in_workspace`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from cryptography.fernet import Fernet
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.app import build_app, build_context, build_web_client
from bot.clock import Clock
from bot.config import Config, OAuthConfig
from bot.context import BotContext
from bot.server import RunningServer, build_wsgi_app, start_in_background
from bot.slack_double import SlackDriver, SlackResponse, SlackStandIn
from bot.slack_double.browser import Browser, Page
from bot.slack_double.web_api import CLIENT_SECRET, ROTATING_TOKEN_SECONDS
from storage.db import create_database_engine, create_session_factory

SIGNING_SECRET = "sandbox-signing-secret"
BOT_TOKEN = "xoxb-sandbox-token"
UNPACED = 1_000_000  # messages a minute to one workspace: more than any test sends
# The key the OAuth sandbox encrypts its workspaces' tokens with.
TOKEN_KEY = Fernet.generate_key().decode()


class TrackingExecutor(ThreadPoolExecutor):
    """A listener pool that can tell when all the work it was given is done, so callers need not sleep."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="mentorbot-listener")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[no-untyped-def]
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 30) -> None:
        """Wait until every submitted piece of work, and any work it submitted in turn, has finished."""
        while True:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                raise TimeoutError(f"{len(not_done)} listener tasks still running after {timeout} s")


class TokenPerWorkspaceClients:
    """Web API clients with a bot token of its own for each workspace, fixed up front: several of the
    stand-in's workspaces, told apart by their tokens (its rate limits count per token, as Slack's count
    per workspace)."""

    def __init__(self, config: Config, tokens: Mapping[str, str]) -> None:
        self._clients = {team_id: build_web_client(config, token) for team_id, token in tokens.items()}
        self._without_retries = {
            team_id: build_web_client(config, token, retries=False) for team_id, token in tokens.items()
        }

    def for_team(self, team_id: str) -> WebClient:
        return self._clients[team_id]

    def without_retries(self, team_id: str) -> WebClient:
        return self._without_retries[team_id]


@dataclass
class Sandbox:
    slack: SlackStandIn
    bot: BotContext
    engine: Engine
    app: App
    server: RunningServer
    driver: SlackDriver
    executor: TrackingExecutor
    team_id: str = "T0001"

    def settle(self) -> None:
        """Wait for the work the bot does after its acks."""
        self.executor.wait_idle()

    def command(self, user_id: str, text: str = "", command: str = "/mentor") -> SlackResponse:
        return self._settled(self.driver.slash_command(user_id, command=command, text=text))

    def click(self, user_id: str, message_or_view: object, action_id: str, **kwargs: object) -> SlackResponse:
        return self._settled(self.driver.click(user_id, message_or_view, action_id, **kwargs))

    def submit(self, user_id: str, view: dict, values: dict[str, object]) -> SlackResponse:
        return self._settled(self.driver.submit_view(user_id, view, values))

    def event(self, event: dict, **kwargs: object) -> SlackResponse:
        return self._settled(self.driver.event(event, **kwargs))

    def _settled(self, response: SlackResponse) -> SlackResponse:
        self.settle()
        return response

    def in_workspace(self, team_id: str) -> Sandbox:
        """The same bot, driven from another workspace: its commands and clicks come from `team_id`.
        Stop the original sandbox, not this view of it."""
        driver = SlackDriver(self.server.url + "/slack/events", SIGNING_SECRET, self.slack, team_id=team_id)
        return dataclasses.replace(self, driver=driver, team_id=team_id)

    def install(
        self,
        team_id: str,
        installer: str,
        *,
        browser: Browser | None = None,
        rotating: bool = False,
        expires_in: int = ROTATING_TOKEN_SECONDS,
    ) -> Page:
        """`installer` adds mentorbot to `team_id` (added to the stand-in first): the install page, its
        "Add to Slack" link, "Allow" on Slack's page, back to the bot. The page the browser ends on."""
        browser = browser or Browser()
        install_page = browser.get(self.server.url + "/slack/install")
        self.slack.approve_next_install(
            team_id, installer=installer, rotating=rotating, expires_in=expires_in
        )
        landed = browser.get(install_page.link("add-to-slack"))
        self.settle()
        return landed

    def stop(self) -> None:
        self.server.stop()
        self.executor.shutdown(wait=True)
        self.slack.stop()
        self.engine.dispose()


def start_sandbox(
    database_url: str,
    clock: Clock,
    *,
    admins: frozenset[str] = frozenset(),
    default_locale: str = "fr",
    listener_threads: int = 16,
    engine: Engine | None = None,
    weekly_digest: bool = False,
    oauth: bool = False,
) -> Sandbox:
    """Start mentorbot against a stand-in for Slack, on a database that is already migrated: with the
    one bot token `BOT_TOKEN`, or with `oauth` as a deployment for many workspaces (Add to Slack).

    The admins' Monday digest is off unless asked for: the flows tests drive step over Mondays, and a
    digest in every one of them would only be noise in what they check."""
    slack = SlackStandIn().start()
    config = Config(
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=None if oauth else BOT_TOKEN,
        oauth=OAuthConfig(slack.client_id, CLIENT_SECRET, (TOKEN_KEY,)) if oauth else None,
        database_url=database_url,
        slack_api_url=slack.url,
        admins=admins,
        default_locale=default_locale,
        listener_threads=listener_threads,
        # Tests send a pass's worth of follow-ups at one moment of their manual clock, which never refills
        # a pace: pacing is left to the tests about it (`bot.fairness`).
        workspace_posts_per_minute=UNPACED,
        weekly_digest=weekly_digest,
    )
    engine = engine or create_database_engine(database_url)
    executor = TrackingExecutor(listener_threads)
    bot = build_context(config, create_session_factory(engine), clock, follow_ups=executor)
    app = build_app(bot)
    server = start_in_background(build_wsgi_app(app, engine, clock=clock))
    slack.set_redirect_url(server.url + "/slack/oauth_redirect")  # the app's Redirect URL, as in its settings
    driver = SlackDriver(server.url + "/slack/events", SIGNING_SECRET, slack)
    return Sandbox(
        slack=slack, bot=bot, engine=engine, app=app, server=server, driver=driver, executor=executor
    )
