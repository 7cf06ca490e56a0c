"""A person's web browser on the Add to Slack pages, over real HTTP: it keeps cookies, follows redirects
and says which languages it prefers, as the installer's browser does between the bot and Slack.

Secure cookies are kept and sent on http://127.0.0.1 as browsers do (localhost is a "potentially
trustworthy" origin), so Bolt's state cookie makes its round trip in tests as it does over HTTPS.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Page:
    status: int
    url: str
    headers: dict[str, str]
    text: str

    def link(self, element_id: str) -> str:
        """The address the link with this id leads to, as the browser would follow it."""
        finder = _LinkFinder(element_id)
        finder.feed(self.text)
        if finder.href is None:
            raise AssertionError(f"no link with id {element_id!r} on the page at {self.url}:\n{self.text}")
        return urljoin(self.url, finder.href)


class Browser:
    def __init__(self, accept_language: str = "en-GB,en;q=0.9") -> None:
        self.accept_language = accept_language
        self.cookies: dict[str, str] = {}

    def get(self, url: str, *, follow_redirects: bool = True) -> Page:
        for _ in range(MAX_REDIRECTS + 1):
            page = self._get_once(url)
            location = page.headers.get("Location")
            if not (follow_redirects and page.status in (301, 302, 303, 307) and location):
                return page
            url = urljoin(url, location)
        raise AssertionError(f"more than {MAX_REDIRECTS} redirects from {url}")

    def _get_once(self, url: str) -> Page:
        headers = {"Accept-Language": self.accept_language, "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(url, headers=headers)
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=10) as answer:
                status, raw_headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as answer:
            with answer:
                status, raw_headers, body = answer.code, answer.headers, answer.read()
        for set_cookie in raw_headers.get_all("Set-Cookie") or []:
            self._keep(set_cookie)
        return Page(status, url, dict(raw_headers.items()), body.decode("utf-8", errors="replace"))

    def _keep(self, set_cookie: str) -> None:
        name, _, value = set_cookie.split(";", 1)[0].strip().partition("=")
        attributes = set_cookie.lower()
        if "expires=thu, 01 jan 1970" in attributes or "max-age=0" in attributes:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # Browser.get follows them itself, keeping the cookies of each step


class _LinkFinder(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("id") == self.element_id:
            self.href = found.get("href")
