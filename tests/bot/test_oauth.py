"""Add to Slack over real HTTP, against the stand-in: the install page and its state, Slack's redirect,
what is stored (encrypted), what is refused (no state cookie, a stale state, an org-wide install), a
reinstall that keeps the school's data, and rotating tokens refreshed once for every path. On SQLite and
PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

import bot.oauth
from bot.cli import _configure_logging
from bot.clock import ManualClock
from bot.context import BotContext
from bot.messages.kit import Message
from bot.outcome import Notice, NoticeKind, Outcome
from bot.resources import bot_scopes
from bot.sandbox import SIGNING_SECRET, TOKEN_KEY, Sandbox
from bot.slack_double.browser import Browser
from bot.slack_double.web_api import CLIENT_SECRET
from storage.models import Base, DeliveryPause, FollowupState, Member, WorkspaceInstallation
from tests.factories_followups import dispatch, due_now, followup, matched_pair

FRENCH = "fr-FR,fr;q=0.9,en;q=0.8"
STATE_COOKIE = "slack-app-oauth-state"
# What the stand-in records that no bot token is sent with: the app's credentials, or a URL's own secret.
NOT_WITH_A_TOKEN = ("oauth.v2.access", "response_url", "upload")


@pytest.fixture
def school(oauth_sandbox: Sandbox) -> Sandbox:
    """A school's workspace, T0AAA, that mentorbot can be added to (not installed yet)."""
    oauth_sandbox.slack.add_workspace("T0AAA", name="Lycée Arago")
    return oauth_sandbox.in_workspace("T0AAA")


def installations(sandbox: Sandbox) -> list[WorkspaceInstallation]:
    with sandbox.bot.sessions.begin() as session:
        return list(session.scalars(select(WorkspaceInstallation).order_by(WorkspaceInstallation.team_id)))


def token_exchanges(sandbox: Sandbox) -> list[dict]:
    return [call.params for call in sandbox.slack.calls_to("oauth.v2.access")]


def callback_url(sandbox: Sandbox, **query: str) -> str:
    return f"{sandbox.server.url}/slack/oauth_redirect?{urlencode(query)}"


# ------------------------------------------------------------------------------------------------------
# The install page


def test_the_install_page_links_to_slack_with_the_manifests_scopes_and_the_browsers_state(
    school: Sandbox,
) -> None:
    browser = Browser()
    page = browser.get(school.server.url + "/slack/install")

    assert page.status == 200 and '<html lang="en">' in page.text
    assert "Add mentorbot to your school&#x27;s Slack" in page.text
    link = urlsplit(page.link("add-to-slack"))
    query = parse_qs(link.query)
    assert f"{link.scheme}://{link.netloc}{link.path}" == school.slack.base + "/oauth/v2/authorize"
    assert query["client_id"] == [school.slack.client_id]
    assert query["scope"] == [",".join(bot_scopes())]
    assert query["state"] == [browser.cookies[STATE_COOKIE]]
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "Max-Age=600" in cookie
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"


def test_the_pages_speak_french_to_a_browser_that_prefers_it(school: Sandbox) -> None:
    install_page = Browser(FRENCH).get(school.server.url + "/slack/install")

    landed = school.install("T0AAA", "UAINSTALLER", browser=Browser(FRENCH))

    assert '<html lang="fr">' in install_page.text and ">Ajouter à Slack</a>" in install_page.text
    assert '<html lang="fr">' in landed.text and "mentorbot est dans Lycée Arago" in landed.text


# ------------------------------------------------------------------------------------------------------
# Installing


def test_an_install_stores_the_workspaces_token_encrypted_and_says_what_happens_next(school: Sandbox) -> None:
    browser = Browser()
    landed = school.install("T0AAA", "UAINSTALLER", browser=browser)

    assert landed.status == 200
    assert "mentorbot is in Lycée Arago" in landed.text and "What happens next" in landed.text
    assert "welcome message" in landed.text and "Home tab" in landed.text
    assert STATE_COOKIE not in browser.cookies  # the state cookie served its one callback
    [installed] = installations(school)
    assert (installed.team_id, installed.installer_user_id, installed.bot_user_id) == (
        "T0AAA",
        "UAINSTALLER",
        "U0AAABOT",
    )
    assert installed.bot_scopes == ",".join(bot_scopes())
    token = school.slack.token_of("T0AAA")
    assert token is not None and token not in installed.encrypted_bot_token
    assert school.bot.client_for("T0AAA").token == token
    [exchange] = token_exchanges(school)
    assert exchange["code"] and "client_secret" not in exchange  # sent as HTTP Basic, as slack_sdk does


def test_the_installer_is_welcomed_with_the_workspaces_new_token(
    school: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def welcome(bot: BotContext, team_id: str, user_id: str) -> Outcome:
        hello = Message(text=f"Welcome to {team_id}")
        return Outcome(notices=(Notice(user_id, hello, NoticeKind.CONFIRMATION),))

    monkeypatch.setattr(bot.oauth, "welcome_installer", welcome)
    school.slack.add_user("UAINSTALLER", team_id="T0AAA")

    school.install("T0AAA", "UAINSTALLER")

    assert school.slack.last_message_to("UAINSTALLER").text == "Welcome to T0AAA"
    [post] = school.slack.calls_to("chat.postMessage")
    assert post.token == school.slack.token_of("T0AAA")


def test_a_person_who_cancels_on_slacks_page_is_told_nothing_was_installed(school: Sandbox) -> None:
    browser = Browser()
    page = browser.get(school.server.url + "/slack/install")
    school.slack.cancel_next_install()

    landed = browser.get(page.link("add-to-slack"))

    assert landed.status == 200 and "The installation was cancelled" in landed.text
    assert landed.link("start-again") == school.server.url + "/slack/install"
    assert installations(school) == [] and token_exchanges(school) == []


# ------------------------------------------------------------------------------------------------------
# Refused callbacks: no code is exchanged


def test_a_callback_without_the_state_cookie_is_refused_and_no_code_exchanged(school: Sandbox) -> None:
    page = Browser().get(school.server.url + "/slack/install")
    state = parse_qs(urlsplit(page.link("add-to-slack")).query)["state"][0]
    code = school.slack.grant_code("T0AAA", installer="UAINSTALLER")

    landed = Browser().get(callback_url(school, code=code, state=state))  # another browser: no cookie

    assert landed.status == 400
    assert "expired, or it was opened in another browser" in landed.text
    assert token_exchanges(school) == [] and installations(school) == []


def test_a_stale_or_unknown_state_is_refused_and_no_code_exchanged(
    school: Sandbox, clock: ManualClock
) -> None:
    code = school.slack.grant_code("T0AAA", installer="UAINSTALLER")
    forger = Browser()
    forger.cookies[STATE_COOKIE] = "made-up-state"
    unknown = forger.get(callback_url(school, code=code, state="made-up-state"))

    late = Browser()
    page = late.get(school.server.url + "/slack/install")
    state = late.cookies[STATE_COOKIE]
    clock.advance(timedelta(minutes=11))
    stale = late.get(callback_url(school, code=code, state=state))

    assert (unknown.status, stale.status) == (401, 401)
    assert "This installation link has expired" in stale.text
    assert page.status == 200 and token_exchanges(school) == [] and installations(school) == []


def test_a_state_works_for_one_callback(school: Sandbox) -> None:
    browser = Browser()
    page = browser.get(school.server.url + "/slack/install")
    state = browser.cookies[STATE_COOKIE]
    school.slack.approve_next_install("T0AAA", installer="UAINSTALLER")
    assert browser.get(page.link("add-to-slack")).status == 200

    browser.cookies[STATE_COOKIE] = state  # the cookie put back, the callback replayed with a new code
    replayed = browser.get(
        callback_url(school, code=school.slack.grant_code("T0AAA", installer="UMALLORY"), state=state)
    )

    assert replayed.status == 401
    assert len(token_exchanges(school)) == 1
    assert [row.installer_user_id for row in installations(school)] == ["UAINSTALLER"]


def test_an_org_wide_install_is_refused_nothing_stored_and_its_token_revoked(school: Sandbox) -> None:
    browser = Browser(FRENCH)
    page = browser.get(school.server.url + "/slack/install")
    school.slack.approve_next_org_install("E0GRID", installer="UGRIDADMIN")

    landed = browser.get(page.link("add-to-slack"))

    assert landed.status == 403
    assert "installation par espace de travail uniquement" in landed.text
    assert installations(school) == []
    [revoke] = school.slack.calls_to("auth.revoke")
    assert revoke.ok and school.slack.token_of("E0GRID") is None


# ------------------------------------------------------------------------------------------------------
# Reinstalling, uninstalling


def test_a_reinstall_replaces_the_token_and_keeps_the_schools_data(school: Sandbox) -> None:
    for installer in ("UAINSTALLER", "UAOTHERADMIN"):
        school.slack.add_user(installer, team_id="T0AAA")
    school.install("T0AAA", "UAINSTALLER")
    first_token = school.slack.token_of("T0AAA")
    school.slack.add_user("UASTUDENT", team_id="T0AAA")
    school.command("UASTUDENT")  # a member now, asked whether they are a student or an alumnus

    school.install("T0AAA", "UAOTHERADMIN")
    reinstalled_calls = len(school.slack.calls)
    school.driver.app_home_opened("UASTUDENT")  # the Home tab is published with the new token
    school.settle()

    second_token = school.slack.token_of("T0AAA")
    assert second_token != first_token
    [installed] = installations(school)
    assert installed.installer_user_id == "UAOTHERADMIN"
    with school.bot.sessions.begin() as session:
        # The student, and the two installers, each made an admin of the programme by their install.
        assert sorted(session.scalars(select(Member.slack_user_id))) == [
            "UAINSTALLER",
            "UAOTHERADMIN",
            "UASTUDENT",
        ]
    since = [call for call in school.slack.calls[reinstalled_calls:] if call.method not in NOT_WITH_A_TOKEN]
    assert since and {call.token for call in since} == {second_token}
    assert all(call.ok for call in school.slack.calls), [c for c in school.slack.calls if not c.ok]


def test_a_forgotten_workspace_waits_for_a_reinstall_then_its_follow_ups_go_out(
    school: Sandbox, clock: ManualClock
) -> None:
    school.install("T0AAA", "UAINSTALLER")
    pair = matched_pair(school, clock)
    check = due_now(school, pair.mentor_id, "first_contact_check", clock.now())

    school.bot.slack_clients.forget("T0AAA")
    waiting = dispatch(school)

    assert installations(school) == [] and waiting.sent == [] and waiting.failed == []
    assert followup(school, check).state == FollowupState.DUE
    with school.bot.sessions.begin() as session:
        assert session.scalar(select(DeliveryPause.error)) == "not_installed"

    school.install("T0AAA", "UAINSTALLER")
    resumed = dispatch(school)

    assert [item.followup_id for item in resumed.sent] == [check]
    assert school.slack.calls_to("chat.postMessage")[-1].token == school.slack.token_of("T0AAA")


# ------------------------------------------------------------------------------------------------------
# Rotating tokens


def test_a_rotating_token_is_refreshed_once_for_requests_and_the_dispatcher_alike(
    school: Sandbox, clock: ManualClock
) -> None:
    # An hour left, less than the two hours before expiry at which Bolt (and we) refresh: the first call
    # made for the workspace, the installer's welcome, refreshes it.
    school.slack.add_user("UAINSTALLER", team_id="T0AAA")
    school.install("T0AAA", "UAINSTALLER", rotating=True, expires_in=3600)
    [installed_token] = [
        call.response["access_token"]
        for call in school.slack.calls_to("oauth.v2.access")
        if call.params.get("grant_type") != "refresh_token"
    ]
    refreshed_token = school.slack.token_of("T0AAA")
    school.slack.add_user("UASTUDENT", team_id="T0AAA")
    installed_calls = len(school.slack.calls)

    school.command("UASTUDENT")
    pair = matched_pair(school, clock)
    due_now(school, pair.mentor_id, "first_contact_check", clock.now())
    report = dispatch(school)

    refreshes = [params for params in token_exchanges(school) if params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert refreshed_token != installed_token and len(report.sent) == 1
    since = school.slack.calls[installed_calls:]
    assert {call.token for call in since if call.method not in NOT_WITH_A_TOKEN} == {refreshed_token}
    [installed] = installations(school)
    assert refreshed_token not in installed.encrypted_bot_token
    assert school.bot.client_for("T0AAA").token == refreshed_token


def test_a_token_with_hours_left_is_not_refreshed(school: Sandbox) -> None:
    school.install("T0AAA", "UAINSTALLER", rotating=True, expires_in=12 * 3600)
    school.slack.add_user("UASTUDENT", team_id="T0AAA")

    school.command("UASTUDENT")

    assert [params.get("grant_type") for params in token_exchanges(school)] == [None]


# ------------------------------------------------------------------------------------------------------
# No token in clear, anywhere


def stored_bytes(sandbox: Sandbox, database_url: str) -> bytes:
    """Everything the database holds: the SQLite file and its write-ahead log, or every PostgreSQL
    table's rows as text."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        return b"".join(file.read_bytes() for file in (path, Path(f"{path}-wal")) if file.exists())
    with sandbox.bot.sessions.begin() as session:
        return "\n".join(
            str(row)
            for table in Base.metadata.sorted_tables
            for row in session.execute(text(f'SELECT t::text FROM "{table.name}" t')).scalars()
        ).encode()


def test_neither_the_database_nor_the_logs_hold_a_token_in_clear(
    oauth_sandbox: Sandbox, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    levels = {
        name: logging.getLogger(name).level for name in ("slack_sdk", "slack_bolt", "apscheduler", "alembic")
    }
    _configure_logging("DEBUG")  # as `mentorbot serve` does with MENTORBOT_LOG_LEVEL=DEBUG
    caplog.set_level(logging.DEBUG)
    try:
        for team_id, installer in (("T0AAA", "UAINSTALLER"), ("T0BBB", "UBINSTALLER")):
            oauth_sandbox.slack.add_workspace(team_id)
            oauth_sandbox.slack.add_user("U" + team_id[1:] + "KIM", team_id=team_id)
            oauth_sandbox.install(team_id, installer, rotating=team_id == "T0BBB", expires_in=3600)
            oauth_sandbox.in_workspace(team_id).command("U" + team_id[1:] + "KIM")
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    granted = [call.response for call in oauth_sandbox.slack.calls_to("oauth.v2.access")]
    secrets = {
        answer[name] for answer in granted for name in ("access_token", "refresh_token") if name in answer
    }
    # T0AAA's token; T0BBB's, rotating, then refreshed at its first request: two of each kind.
    assert len(granted) == 3 and len(secrets) == 5
    stored = stored_bytes(oauth_sandbox, database_url)
    logged = caplog.text + "\n".join(str(record.__dict__) for record in caplog.records)
    assert b"U0AAABOT" in stored and "mentorbot was installed in workspace T0AAA" in logged
    for secret in (*secrets, CLIENT_SECRET, SIGNING_SECRET, TOKEN_KEY):
        assert secret.encode() not in stored
        assert secret not in logged
    with oauth_sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstallation)) == 2
