"""Bolt's OAuth flow ("Add to Slack"), with our stores, our pages in the installer's language, and the
installer's welcome.

Bolt's default paths: `GET /slack/install` shows the install page, whose link to Slack's authorize page
carries a fresh `state` (also set in Bolt's state cookie); `GET /slack/oauth_redirect` checks the
cookie and the state (used once, within its lifetime) before exchanging the code with oauth.v2.access,
through the Web API base URL (`SLACK_API_URL` applies), then stores the installation. A callback without
the cookie, or with a stale or unknown state, is refused (4xx) without any code exchanged.

Workspace installs only: an Enterprise Grid org-wide install is refused with a page saying so, nothing
is stored, and the token Slack issued for it is revoked.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urljoin

from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation

from bot import slack
from bot.context import BotContext
from bot.i18n import locale_from_accept_language
from bot.install_pages import Failure, failure_of_reason, failure_page, install_page, success_page
from bot.installations import STATE_LIFETIME_SECONDS, DatabaseInstallationStore, DatabaseOAuthStateStore
from bot.lifecycle import workspace_returned
from bot.resources import bot_scopes
from bot.web_clients import build_web_client, web_api_base_url
from bot.welcome import welcome_installer
from bot.work import deliver

logger = logging.getLogger(__name__)


class OrgWideInstallRefused(BoltError):
    """An Enterprise Grid org-wide install: mentorbot runs in one workspace at a time."""


class WorkspaceInstallFlow(OAuthFlow):
    """Bolt's flow with our install page, and org-wide installs refused before anything is stored."""

    def __init__(self, bot: BotContext, settings: OAuthSettings) -> None:
        # Bolt's own client would call slack.com whatever SLACK_API_URL says.
        super().__init__(client=build_web_client(bot.config), settings=settings, logger=logger)
        self._bot = bot

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_page(_locale_of(request), url)

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        if installation.is_enterprise_install or not installation.team_id:
            self._revoke(installation)
            raise OrgWideInstallRefused("an org-wide install: workspace installs only")
        super().store_installation(request, installation)

    def _revoke(self, installation: Installation) -> None:
        """A token we will not keep is not left working at Slack either."""
        if installation.bot_token is None:
            return
        try:
            slack.revoke_token(build_web_client(self._bot.config, installation.bot_token))
        except slack.SLACK_FAILURES as error:
            logger.warning(
                "could not revoke the token of a refused org-wide install: %s", slack.failure_of(error)
            )


def build_oauth_flow(bot: BotContext, store: DatabaseInstallationStore) -> OAuthFlow:
    oauth = bot.config.oauth
    assert oauth is not None
    settings = OAuthSettings(
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=bot_scopes(),
        user_scopes=[],
        redirect_uri=oauth.redirect_uri,
        authorization_url=authorize_url(bot),
        installation_store=store,
        state_store=DatabaseOAuthStateStore(bot.sessions, bot.clock, STATE_LIFETIME_SECONDS),
        state_expiration_seconds=STATE_LIFETIME_SECONDS,
        callback_options=CallbackOptions(success=_on_success(bot), failure=_on_failure),
        logger=logger,
    )
    return WorkspaceInstallFlow(bot, settings)


def authorize_url(bot: BotContext) -> str:
    """Slack's authorize page sits beside its Web API (slack.com/oauth/v2/authorize, slack.com/api/):
    a stand-in at `SLACK_API_URL` answers both."""
    return urljoin(web_api_base_url(bot.config), "../oauth/v2/authorize")


def _on_success(bot: BotContext):  # type: ignore[no-untyped-def]
    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id, installer = installation.team_id or "", installation.user_id
        logger.info("mentorbot was installed in workspace %s by %s", team_id, installer)
        # A school that had left comes back where it stopped: its deliveries resume with the new token.
        workspace_returned(bot, team_id)
        # After the page, not before it: the welcome waits on Slack, the installer's browser should not.
        bot.follow_ups.submit(_welcome, bot, team_id, installer)
        open_slack = "https://slack.com/app_redirect?" + urlencode(
            {"app": installation.app_id, "team": team_id}
        )
        page = success_page(_locale_of(args.request), installation.team_name or team_id, open_slack)
        return _page_response(args.settings, 200, page)

    return success


def _on_failure(args: FailureArgs) -> BoltResponse:
    if isinstance(args.error, OrgWideInstallRefused):
        failure, status = Failure.ORG_WIDE, 403
    else:
        failure, status = failure_of_reason(args.reason), args.suggested_status_code
    logger.warning("an install was not completed: %s (%s)", failure, args.reason)
    page = failure_page(_locale_of(args.request), failure, args.settings.install_path)
    return _page_response(args.settings, status, page)


def _welcome(bot: BotContext, team_id: str, installer: str) -> None:
    try:
        deliver(bot, welcome_installer(bot, team_id, installer), team_id=team_id)
    except Exception:  # on the follow-up pool, where nothing else would say it failed
        logger.exception("the welcome of workspace %s failed", team_id)


def _page_response(settings: OAuthSettings, status: int, page: str) -> BoltResponse:
    # The state cookie has served (or failed) its one callback: the browser drops it.
    return BoltResponse(
        status=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion(),
        },
        body=page,
    )


def _locale_of(request: BoltRequest) -> str:
    return locale_from_accept_language((request.headers.get("accept-language") or [None])[0])
