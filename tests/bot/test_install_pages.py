"""The Add to Slack pages as built, in both languages: escaped, one heading, real links."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from bot.i18n import t
from bot.install_pages import Failure, failure_of_reason, failure_page, install_page, success_page


class Outline(HTMLParser):
    """The page's language, headings and links, as a screen reader would find them."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[str] = []
        self.links: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "a":
            self.links[found.get("id") or ""] = found.get("href") or ""
        self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.headings.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_page_names_its_language_has_one_heading_and_a_way_on(locale: str) -> None:
    url = "https://slack.com/oauth/v2/authorize?client_id=1.2&scope=commands&state=abc"
    pages = {
        "add-to-slack": install_page(locale, url),
        "open-slack": success_page(locale, "Lycée Arago", "https://slack.com/app_redirect?app=A1&team=T1"),
        "start-again": failure_page(locale, Failure.EXPIRED, "/slack/install"),
    }

    for link_id, page in pages.items():
        seen = outline(page)
        assert seen.lang == locale and len(seen.headings) == 1
        assert list(seen.links) == [link_id]
    assert outline(pages["add-to-slack"]).links["add-to-slack"] == url  # & escaped, read back whole


def test_what_the_pages_show_is_escaped() -> None:
    page = success_page("en", '<script>alert("x")</script> & Co', "https://slack.com/app_redirect?a=1&b=<2>")

    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Co" in page
    assert 'href="https://slack.com/app_redirect?a=1&amp;b=&lt;2&gt;"' in page


@pytest.mark.parametrize(
    ("reason", "failure"),
    [
        ("invalid_browser", Failure.EXPIRED),
        ("invalid_state", Failure.EXPIRED),
        ("missing_code", Failure.EXPIRED),
        ("access_denied", Failure.CANCELLED),
        ("storage_error", Failure.UNSAVED),
        ("invalid_code", Failure.REFUSED),
        ("bad_redirect_uri", Failure.REFUSED),
    ],
)
def test_each_failure_is_told_in_the_installers_words(reason: str, failure: Failure) -> None:
    assert failure_of_reason(reason) == failure
    for locale in ("fr", "en"):
        assert html.escape(t(locale, f"install.failure.{failure}")) in failure_page(locale, failure, "/")
