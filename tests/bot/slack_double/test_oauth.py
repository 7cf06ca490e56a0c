"""The stand-in plays Slack's side of Add to Slack as Slack does: the authorize page sends the person back
with a code, oauth.v2.access exchanges it once for a bot token of that workspace, refreshes rotating
tokens, and each token sees only its own workspace."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_double import SlackStandIn
from bot.slack_double.web_api import CLIENT_ID, CLIENT_SECRET

REDIRECT = "https://mentorbot.example.org/slack/oauth_redirect"


class FrozenClock:
    def __init__(self, at: float = 1_700_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def slack(clock: FrozenClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id="T0AAA", now=clock) as standin:
        standin.add_workspace("T0BBB", name="Collège Zola")
        standin.add_user("UANNA", team_id="T0AAA")
        standin.add_user("UBOB", team_id="T0BBB")
        standin.set_redirect_url(REDIRECT)
        yield standin


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def visit_authorize_page(slack: SlackStandIn, **query: str) -> tuple[int, dict[str, list[str]], str]:
    """A browser arriving on Slack's authorize page: the status, where it is sent back, and with what."""
    url = f"{slack.base}/oauth/v2/authorize?" + urlencode({"client_id": CLIENT_ID, **query})
    try:
        with urllib.request.build_opener(_NoRedirects).open(url) as answer:
            return answer.status, {}, answer.read().decode()
    except urllib.error.HTTPError as answer:
        location = answer.headers.get("Location") or ""
        return answer.code, parse_qs(urlsplit(location).query), location


def app_client(slack: SlackStandIn) -> WebClient:
    return WebClient(base_url=slack.url)


def exchange(slack: SlackStandIn, code: str, secret: str = CLIENT_SECRET, **extra: str) -> dict:
    return (
        app_client(slack).oauth_v2_access(client_id=CLIENT_ID, client_secret=secret, code=code, **extra).data
    )


def install(slack: SlackStandIn, team_id: str, installer: str, **options: object) -> dict:
    slack.approve_next_install(team_id, installer=installer, **options)  # type: ignore[arg-type]
    _, answer, _ = visit_authorize_page(slack, scope="commands,chat:write", state="s")
    return exchange(slack, answer["code"][0])


def refused(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as error:
        call()
    return error.value.response["error"]


def test_the_authorize_page_sends_the_person_back_with_a_code_and_the_apps_state(slack: SlackStandIn) -> None:
    slack.approve_next_install("T0BBB", installer="UBOB")

    status, answer, location = visit_authorize_page(slack, scope="commands,chat:write", state="st-123")

    assert status == 302 and location.startswith(REDIRECT + "?")
    assert answer["state"] == ["st-123"] and answer["code"][0]


def test_a_code_is_exchanged_once_for_the_workspaces_bot_token_in_slacks_shape(slack: SlackStandIn) -> None:
    slack.approve_next_install("T0BBB", installer="UBOB")
    _, answer, _ = visit_authorize_page(slack, scope="commands,chat:write", state="s")
    code = answer["code"][0]

    granted = exchange(slack, code)

    assert granted["ok"] is True and granted["token_type"] == "bot"
    assert granted["access_token"].startswith("xoxb-")
    assert (granted["team"], granted["enterprise"], granted["is_enterprise_install"]) == (
        {"id": "T0BBB", "name": "Collège Zola"},
        None,
        False,
    )
    assert (granted["scope"], granted["bot_user_id"], granted["authed_user"]) == (
        "commands,chat:write",
        "U0BBBBOT",
        {"id": "UBOB"},
    )
    assert "refresh_token" not in granted and "expires_in" not in granted
    assert slack.token_of("T0BBB") == granted["access_token"]
    who = WebClient(token=granted["access_token"], base_url=slack.url).auth_test()
    assert (who["team_id"], who["user_id"], who["bot_id"]) == ("T0BBB", "U0BBBBOT", "B0BBBBOT")
    assert refused(lambda: exchange(slack, code)) == "invalid_code"
    assert refused(lambda: exchange(slack, "4242.unknown")) == "invalid_code"


def test_the_apps_credentials_are_checked(slack: SlackStandIn) -> None:
    code = slack.grant_code("T0AAA", installer="UANNA")

    assert refused(lambda: exchange(slack, code, secret="guessed")) == "bad_client_secret"
    assert (
        refused(
            lambda: app_client(slack).oauth_v2_access(client_id="1.2", client_secret=CLIENT_SECRET, code=code)
        )
        == "invalid_client_id"
    )
    assert exchange(slack, code)["ok"] is True  # the refusals did not use the code up


def test_a_code_granted_for_a_redirect_uri_needs_the_same_one(slack: SlackStandIn) -> None:
    code = slack.grant_code("T0AAA", installer="UANNA", redirect_uri=REDIRECT)

    assert refused(lambda: exchange(slack, code)) == "bad_redirect_uri"
    assert exchange(slack, code, redirect_uri=REDIRECT)["ok"] is True


def test_a_code_expires_after_ten_minutes(slack: SlackStandIn, clock: FrozenClock) -> None:
    code = slack.grant_code("T0AAA", installer="UANNA")
    clock.at += 601

    assert refused(lambda: exchange(slack, code)) == "invalid_code"


def test_a_workspaces_token_sees_only_its_own_people_and_every_call_records_its_token(
    slack: SlackStandIn,
) -> None:
    token_a = install(slack, "T0AAA", "UANNA")["access_token"]
    token_b = install(slack, "T0BBB", "UBOB")["access_token"]
    school_a = WebClient(token=token_a, base_url=slack.url)

    assert school_a.users_info(user="UANNA")["user"]["team_id"] == "T0AAA"
    assert refused(lambda: school_a.users_info(user="UBOB")) == "user_not_found"
    assert refused(lambda: school_a.chat_postMessage(channel="UBOB", text="hi")) == "channel_not_found"
    assert WebClient(token=token_b, base_url=slack.url).chat_postMessage(channel="UBOB", text="hi")["ok"]
    assert refused(lambda: WebClient(token="xoxb-made-up", base_url=slack.url).auth_test()) == "invalid_auth"

    calls = [(call.method, call.team_id) for call in slack.calls if call.method != "oauth.v2.access"]
    assert calls == [
        ("users.info", "T0AAA"),
        ("users.info", "T0AAA"),
        ("chat.postMessage", "T0AAA"),
        ("chat.postMessage", "T0BBB"),
        ("auth.test", None),
    ]
    assert [call.token for call in slack.calls_to("chat.postMessage")] == [token_a, token_b]


def test_a_reinstall_replaces_the_token(slack: SlackStandIn) -> None:
    first = install(slack, "T0AAA", "UANNA")["access_token"]
    second = install(slack, "T0AAA", "UANNA")["access_token"]

    assert first != second and slack.token_of("T0AAA") == second
    assert refused(lambda: WebClient(token=first, base_url=slack.url).auth_test()) == "invalid_auth"
    assert WebClient(token=second, base_url=slack.url).auth_test()["team_id"] == "T0AAA"


def test_a_rotating_token_expires_and_its_refresh_token_works_once(
    slack: SlackStandIn, clock: FrozenClock
) -> None:
    granted = install(slack, "T0AAA", "UANNA", rotating=True, expires_in=3600)
    assert granted["access_token"].startswith("xoxe.xoxb-1-") and granted["expires_in"] == 3600

    refreshed = app_client(slack).oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=granted["refresh_token"],
    )

    assert refreshed["token_type"] == "bot" and refreshed["team"]["id"] == "T0AAA"
    assert refreshed["access_token"] != granted["access_token"]
    assert refreshed["refresh_token"] != granted["refresh_token"] and refreshed["expires_in"] == 43200
    again = lambda: app_client(slack).oauth_v2_access(  # noqa: E731
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=granted["refresh_token"],
    )
    assert refused(again) == "invalid_refresh_token"
    clock.at += 3600
    old = WebClient(token=granted["access_token"], base_url=slack.url)
    assert refused(old.auth_test) == "token_expired"


def test_cancelling_sends_the_person_back_with_access_denied(slack: SlackStandIn) -> None:
    slack.cancel_next_install()

    status, answer, _ = visit_authorize_page(slack, state="st-9")

    assert status == 302 and answer == {"error": ["access_denied"], "state": ["st-9"]}


def test_an_org_wide_install_is_the_organisations_not_a_workspaces(slack: SlackStandIn) -> None:
    slack.approve_next_org_install("E0GRID", installer="UADMIN")
    _, answer, _ = visit_authorize_page(slack, state="s")

    granted = exchange(slack, answer["code"][0])

    assert (granted["team"], granted["enterprise"]["id"], granted["is_enterprise_install"]) == (
        None,
        "E0GRID",
        True,
    )
    who = WebClient(token=granted["access_token"], base_url=slack.url).auth_test()
    assert who["is_enterprise_install"] is True and who["enterprise_id"] == "E0GRID"


def test_a_revoked_token_answers_token_revoked(slack: SlackStandIn) -> None:
    client = WebClient(token=install(slack, "T0AAA", "UANNA")["access_token"], base_url=slack.url)

    assert client.auth_revoke()["revoked"] is True
    assert refused(client.auth_test) == "token_revoked"


def test_the_authorize_page_refuses_an_unknown_app_or_a_visit_nobody_answered(slack: SlackStandIn) -> None:
    assert visit_authorize_page(slack, state="s")[0] == 400  # nothing approved
    slack.approve_next_install("T0AAA", installer="UANNA")
    assert visit_authorize_page(slack, client_id="1.2", state="s")[0] == 400
