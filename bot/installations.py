"""Add to Slack: each school's workspace with its own bot token, kept in our database and encrypted.

- `DatabaseInstallationStore` and `DatabaseOAuthStateStore` are slack_sdk's `InstallationStore` and
  `OAuthStateStore`, on our own tables (`storage.models.WorkspaceInstallation`, `OAuthState`), which the
  migrations create like every other: Bolt's OAuth flow saves and finds installations through them.
- Tokens are encrypted with `MENTORBOT_TOKEN_KEY` (Fernet; MultiFernet, so that keys can change) before
  they reach the database: neither its file, nor a backup, nor an export holds one in clear.
- `InstalledWorkspaceClients` gives each workspace its Web API client. A rotating token is refreshed
  before it expires, in one place (`DatabaseInstallationStore.refreshed_bot`) that Bolt's request path
  also authorizes through (`InstalledWorkspaceAuthorize`): listeners, the dispatcher and `mentorbot
  dispatch` all refresh alike, and never two at once.

We ask Slack for bot scopes only, so an installation is its bot: there are no user tokens to keep.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth import OAuthStateStore, OAuthStateUtils
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.clock import Clock
from bot.config import Config, OAuthConfig
from bot.slack import NotInstalled
from bot.web_clients import build_web_client
from storage.db import SessionFactory, reading
from storage.models import WorkspaceInstallation
from storage.queries import installations as queries

logger = logging.getLogger(__name__)

# A rotating token (Slack's live 12 hours) is refreshed once it has less than this left: Bolt's own
# default for `token_rotation_expiration_minutes`, for the request path and the workers alike.
TOKEN_REFRESH_MINUTES = 120
# How long an install started at /slack/install may take to come back: Bolt's state cookie lasts as long.
STATE_LIFETIME_SECONDS = OAuthStateUtils.default_expiration_seconds


def token_cipher(keys: Sequence[str]) -> MultiFernet:
    """Encrypts with the first key, decrypts with any: a new key goes first, the old one after."""
    return MultiFernet([Fernet(key) for key in keys])


class UndecryptableToken(Exception):
    """None of the keys of MENTORBOT_TOKEN_KEY opens a workspace's stored tokens."""

    def __init__(self, team_id: str) -> None:
        super().__init__(team_id)
        self.team_id = team_id


class DatabaseInstallationStore(InstallationStore):
    """slack_sdk's installation store on `WorkspaceInstallation`: one row a workspace, tokens encrypted.

    Workspace installs only: Bolt's flow refuses org-wide (Enterprise Grid) installs before saving
    (`bot.oauth`), and `save` refuses what has no workspace or no bot token.
    """

    def __init__(self, sessions: SessionFactory, cipher: MultiFernet) -> None:
        self._sessions = sessions
        self._cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return logger

    def save(self, installation: Installation) -> None:
        """A first install, a reinstall or a refreshed token: the workspace's one row is replaced and the
        tokens it held are gone; the programme's data, keyed by the workspace, is untouched."""
        if not installation.team_id or not installation.bot_token or installation.is_enterprise_install:
            raise ValueError("only an install in one workspace, with a bot token, can be kept")
        with self._sessions.begin() as session:
            queries.save_installation(
                session,
                WorkspaceInstallation(
                    team_id=installation.team_id,
                    team_name=installation.team_name,
                    enterprise_id=installation.enterprise_id,
                    app_id=installation.app_id,
                    bot_user_id=installation.bot_user_id,
                    bot_id=installation.bot_id,
                    bot_scopes=",".join(installation.bot_scopes or ()),
                    encrypted_bot_token=self._encrypt(installation.bot_token),
                    encrypted_refresh_token=self._encrypt(installation.bot_refresh_token),
                    bot_token_expires_at=_moment(installation.bot_token_expires_at),
                    installer_user_id=installation.user_id,
                    installed_at=datetime.fromtimestamp(installation.installed_at, UTC),
                ),
            )

    def save_bot(self, bot: Bot) -> None:
        """A refreshed bot token of an installed workspace (Bolt's own token rotation saves it so)."""
        with self._sessions.begin() as session:
            row = queries.installation_of(session, bot.team_id or "", for_update=True)
            if row is not None:
                self._store_token(row, bot)

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        with reading(self._sessions) as session:
            row = queries.installation_of(session, team_id) if team_id else None
            return self._bot(row) if row is not None else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation; asked for another person's, None: without user scopes, only
        the installer's installation exists."""
        with reading(self._sessions) as session:
            row = queries.installation_of(session, team_id) if team_id else None
            if row is None or (user_id is not None and user_id != row.installer_user_id):
                return None
            bot = self._bot(row)
            return Installation(
                app_id=row.app_id,
                enterprise_id=row.enterprise_id,
                team_id=row.team_id,
                team_name=row.team_name,
                bot_token=bot.bot_token,
                bot_id=row.bot_id,
                bot_user_id=row.bot_user_id,
                bot_scopes=row.bot_scopes,
                bot_refresh_token=bot.bot_refresh_token,
                bot_token_expires_at=bot.bot_token_expires_at,
                user_id=row.installer_user_id,
                installed_at=row.installed_at.timestamp(),
            )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._delete(team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """The workspace's installation, its tokens with it; a person's own (user_id) holds nothing."""
        if user_id is None:
            self._delete(team_id)

    def refreshed_bot(self, team_id: str, rotator: TokenRotator, minutes: int) -> Bot | None:
        """The workspace's bot, its token first refreshed with Slack when it expires within `minutes`.

        The lookup only reads (`reading`): a Web API call made in the middle of a unit of work must not
        wait for that unit's own lock on SQLite. The refresh runs while its transaction holds the row:
        Slack revokes a refresh token once it is used, so two processes refreshing at once would leave
        one of them with a dead token; the second waits, then finds the token already fresh. Raises
        SlackApiError when Slack refuses.
        """
        bot = self.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not _expires_within(bot, minutes):
            return bot
        with self._sessions.begin() as session:
            row = queries.installation_of(session, team_id, for_update=True)
            if row is None:
                return None
            bot = self._bot(row)
            try:
                refreshed = rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=minutes)
            except SlackTokenRotationError as error:
                raise error.api_error from None
            if refreshed is None:  # refreshed by another process while this one waited for the row
                return bot
            self._store_token(row, refreshed)
        logger.info("the rotating bot token of workspace %s was refreshed", team_id)
        return refreshed

    def rekey(self) -> int:
        """Encrypt every stored token again with the first key, so that an older key can then be removed
        from MENTORBOT_TOKEN_KEY. Raises UndecryptableToken, having changed nothing, when no key opens a
        workspace's tokens. Returns how many workspaces are installed."""
        with self._sessions.begin() as session:
            rows = queries.all_installations(session)
            for row in rows:
                try:
                    row.encrypted_bot_token = self._cipher.rotate(row.encrypted_bot_token.encode()).decode()
                    if row.encrypted_refresh_token is not None:
                        row.encrypted_refresh_token = self._cipher.rotate(
                            row.encrypted_refresh_token.encode()
                        ).decode()
                except InvalidToken:
                    raise UndecryptableToken(row.team_id) from None
            return len(rows)

    def _delete(self, team_id: str | None) -> None:
        if not team_id:
            return
        with self._sessions.begin() as session:
            deleted = queries.delete_installation(session, team_id)
        if deleted:
            logger.info("the tokens of workspace %s were deleted", team_id)

    def _store_token(self, row: WorkspaceInstallation, bot: Bot) -> None:
        row.encrypted_bot_token = self._encrypt(bot.bot_token)
        row.encrypted_refresh_token = self._encrypt(bot.bot_refresh_token)
        row.bot_token_expires_at = _moment(bot.bot_token_expires_at)

    def _bot(self, row: WorkspaceInstallation) -> Bot:
        try:
            token = self._cipher.decrypt(row.encrypted_bot_token.encode()).decode()
            refresh_token = (
                self._cipher.decrypt(row.encrypted_refresh_token.encode()).decode()
                if row.encrypted_refresh_token is not None
                else None
            )
        except InvalidToken:
            raise UndecryptableToken(row.team_id) from None
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            team_id=row.team_id,
            team_name=row.team_name,
            bot_token=token,
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=refresh_token,
            bot_token_expires_at=(
                int(row.bot_token_expires_at.timestamp()) if row.bot_token_expires_at is not None else None
            ),
            installed_at=row.installed_at.timestamp(),
        )

    def _encrypt(self, token: str | None) -> str | None:
        return self._cipher.encrypt(token.encode()).decode() if token is not None else None


class DatabaseOAuthStateStore(OAuthStateStore):
    """slack_sdk's state store on `OAuthState`: a state works for one callback, within its lifetime.

    Time comes from the bot's clock, so tests can make a state stale without waiting.
    """

    def __init__(
        self, sessions: SessionFactory, clock: Clock, lifetime_seconds: int = STATE_LIFETIME_SECONDS
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._lifetime = timedelta(seconds=lifetime_seconds)

    @property
    def logger(self) -> logging.Logger:
        return logger

    def issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock.now()
        with self._sessions.begin() as session:
            queries.forget_expired_oauth_states(session, now)
            queries.add_oauth_state(session, state, now + self._lifetime)
        return state

    def consume(self, state: str) -> bool:
        with self._sessions.begin() as session:
            return queries.consume_oauth_state(session, state, self._clock.now())


def installation_store(config: OAuthConfig, sessions: SessionFactory) -> DatabaseInstallationStore:
    return DatabaseInstallationStore(sessions, token_cipher(config.token_keys))


def token_rotator(config: Config) -> TokenRotator:
    """Refreshes rotating tokens with oauth.v2.access, through the Web API base URL (`SLACK_API_URL`)."""
    assert config.oauth is not None
    return TokenRotator(
        client_id=config.oauth.client_id,
        client_secret=config.oauth.client_secret,
        client=build_web_client(config),
    )


class InstalledWorkspaceClients:
    """`SlackClients` for Add to Slack: each workspace's client carries the token of its installation.

    Clients are kept per workspace and made again when its token changes (a refresh, a reinstall). A
    workspace without an installation raises `NotInstalled`, which the delivery code reads as a refused
    token: its deliveries wait for a reinstall.
    """

    def __init__(self, store: DatabaseInstallationStore, config: Config) -> None:
        self._store = store
        self._config = config
        self._rotator = token_rotator(config)
        self._clients: dict[tuple[str, bool], WebClient] = {}
        self._lock = threading.Lock()

    def for_team(self, team_id: str) -> WebClient:
        return self._client(team_id, retries=True)

    def without_retries(self, team_id: str) -> WebClient:
        return self._client(team_id, retries=False)

    def forget(self, team_id: str) -> None:
        self._store.delete_all(enterprise_id=None, team_id=team_id)
        with self._lock:
            for retries in (True, False):
                self._clients.pop((team_id, retries), None)

    def _client(self, team_id: str, *, retries: bool) -> WebClient:
        bot = self._store.refreshed_bot(team_id, self._rotator, TOKEN_REFRESH_MINUTES)
        if bot is None:
            raise NotInstalled(team_id)
        with self._lock:
            client = self._clients.get((team_id, retries))
            if client is None or client.token != bot.bot_token:
                client = build_web_client(self._config, bot.bot_token, retries=retries)
                self._clients[(team_id, retries)] = client
            return client


class InstalledWorkspaceAuthorize(Authorize):
    """Bolt's authorization of each request, from the installation of its workspace.

    Through the same refresh as `InstalledWorkspaceClients`, and without Bolt's auth.test per request:
    the installation already says who the bot is. None (Bolt then answers "please install") when the
    workspace has no installation.
    """

    def __init__(self, store: DatabaseInstallationStore, config: Config) -> None:
        self._store = store
        self._rotator = token_rotator(config)

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **actor_ids: str | None,
    ) -> AuthorizeResult | None:
        bot = self._store.refreshed_bot(team_id, self._rotator, TOKEN_REFRESH_MINUTES) if team_id else None
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def _expires_within(bot: Bot, minutes: int) -> bool:
    # Slack's expiry is real time, whatever clock the programme runs on.
    expires_at = bot.bot_token_expires_at
    return expires_at is not None and expires_at <= datetime.now(UTC).timestamp() + minutes * 60


def _moment(timestamp: int | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None
