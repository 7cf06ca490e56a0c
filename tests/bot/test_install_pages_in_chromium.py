"""The Add to Slack pages in a real browser: headless Chromium (Debian's `chromium`), in French and in
English, through the whole install — the install page, its "Add to Slack" link carrying the state, Slack's
authorize page (the stand-in), back to the bot — and the failure page of a callback without the state
cookie. A screenshot of each page is kept under `artefacts/screenshots/` (gitignored; CI may upload it).

Chromium keeps its cookies in a profile folder between two runs, as a person's browser keeps them
between two pages: Bolt's state cookie set by /slack/install comes back with the callback.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.sandbox import Sandbox, start_sandbox
from storage.models import OAuthState, WorkspaceInstallation

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)",
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artefacts" / "screenshots"
LANGUAGES = {"fr": "fr-FR,fr;q=0.9", "en": "en-GB,en;q=0.9"}


class Chromium:
    """One person's headless Chromium: a profile of its own, a preferred language."""

    def __init__(self, profile: Path, accept_language: str) -> None:
        self.profile = profile
        self.accept_language = accept_language

    def open(self, url: str, screenshot: str) -> str:
        """Load `url` (following redirects), save a screenshot of it, return its DOM as the page built it."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",  # tests may run as root, in a container
                "--disable-gpu",
                f"--user-data-dir={self.profile}",
                # Headless Chromium sends Accept-Language from --accept-lang, not from --lang.
                f"--accept-lang={self.accept_language}",
                "--window-size=900,900",
                f"--screenshot={SCREENSHOTS / screenshot}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert (SCREENSHOTS / screenshot).stat().st_size > 1000, "the screenshot is empty"
        return result.stdout


def link(dom: str, element_id: str) -> str:
    found = re.search(rf'<a[^>]*id="{element_id}"[^>]*href="([^"]+)"', dom)
    assert found, f"no link {element_id} in:\n{dom}"
    return html.unescape(found.group(1))


@pytest.fixture
def sandbox(sqlite_template: Path, tmp_path: Path, clock: ManualClock) -> Iterator[Sandbox]:
    """The pages do not depend on the database: SQLite only, so the browser runs once per page."""
    path = tmp_path / "mentorbot.db"
    shutil.copy(sqlite_template, path)
    running = start_sandbox(f"sqlite:///{path}", clock, oauth=True)
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(("language", "team_id"), [("fr", "T0AAA"), ("en", "T0BBB")])
def test_a_school_installs_mentorbot_in_a_real_browser(
    sandbox: Sandbox, tmp_path: Path, language: str, team_id: str
) -> None:
    sandbox.slack.add_workspace(team_id, name="Lycée Arago")
    browser = Chromium(tmp_path / "profile", LANGUAGES[language])

    install = browser.open(sandbox.server.url + "/slack/install", f"install-{language}.png")

    assert f'<html lang="{language}">' in install
    assert {"fr": "Ajouter mentorbot au Slack", "en": "Add mentorbot to your school"}[language] in install
    add_to_slack = link(install, "add-to-slack")
    state = parse_qs(urlsplit(add_to_slack).query)["state"][0]
    with sandbox.bot.sessions.begin() as session:
        assert session.scalars(select(OAuthState.state)).all() == [state]

    sandbox.slack.approve_next_install(team_id, installer="UINSTALLER")
    success = browser.open(add_to_slack, f"success-{language}.png")
    sandbox.settle()

    assert f'<html lang="{language}">' in success
    assert {"fr": "mentorbot est dans Lycée Arago", "en": "mentorbot is in Lycée Arago"}[language] in success
    assert {"fr": "Et maintenant", "en": "What happens next"}[language] in success
    assert link(success, "open-slack") == f"https://slack.com/app_redirect?app=A0001&team={team_id}"
    with sandbox.bot.sessions.begin() as session:
        assert session.scalars(select(WorkspaceInstallation.team_id)).all() == [team_id]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_callback_without_the_state_cookie_shows_the_failure_page(
    sandbox: Sandbox, tmp_path: Path, language: str
) -> None:
    code = sandbox.slack.grant_code("T0001", installer="UINSTALLER")
    callback = sandbox.server.url + "/slack/oauth_redirect?" + urlencode({"code": code, "state": "st"})

    failure = Chromium(tmp_path / "fresh-profile", LANGUAGES[language]).open(
        callback, f"failure-{language}.png"
    )

    assert f'<html lang="{language}">' in failure
    assert {"fr": "mentorbot n'a pas été installé", "en": "mentorbot was not installed"}[language] in failure
    assert link(failure, "start-again") == "/slack/install"
    assert sandbox.slack.calls_to("oauth.v2.access") == []
