"""The web pages of Add to Slack: the install page, and the page the installer lands on afterwards.

Pure builders, like the Block Kit ones: (locale, what they show) -> HTML. Plain, accessible pages (a
language attribute, one heading, real links, readable without their style sheet) with every value
escaped; the words come from the catalogues (`install.*`) in French and English.
"""

from __future__ import annotations

import html
from enum import StrEnum

from bot.i18n import t


class Failure(StrEnum):
    """Why an install did not happen, as the installer is told."""

    EXPIRED = "expired"  # no state cookie, or a stale or unknown state: start again
    CANCELLED = "cancelled"  # the person pressed Cancel on Slack's page
    REFUSED = "refused"  # Slack did not exchange the code
    ORG_WIDE = "org_wide"  # an Enterprise Grid org-wide install: workspace installs only
    UNSAVED = "unsaved"  # our database did not take it


# Bolt's reasons for a failed callback (slack_bolt.oauth.OAuthFlow.handle_callback) → what we say.
_BOLT_REASONS = {
    "invalid_browser": Failure.EXPIRED,
    "invalid_state": Failure.EXPIRED,
    "missing_code": Failure.EXPIRED,
    "access_denied": Failure.CANCELLED,
    "storage_error": Failure.UNSAVED,
}


def failure_of_reason(reason: str) -> Failure:
    """Bolt's reason, or the error Slack sent back on the redirect; any other is Slack refusing."""
    return _BOLT_REASONS.get(reason, Failure.REFUSED)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6fa; color: #1d1c1d; }
main { max-width: 36rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px; }
h1 { font-size: 1.6rem; color: #2c4a7a; }
a.action { display: inline-block; margin-top: 1rem; padding: 0.7rem 1.2rem; border-radius: 6px;
  background: #4a154b; color: #fff; font-weight: bold; text-decoration: none; }
a.action:focus { outline: 3px solid #1264a3; outline-offset: 2px; }
"""


def install_page(locale: str, authorize_url: str) -> str:
    """The "Add to Slack" page; its link carries the state Bolt issued for this browser."""
    return _page(
        locale,
        t(locale, "install.page_title"),
        t(locale, "install.heading"),
        _paragraph(t(locale, "install.intro"))
        + _paragraph(t(locale, "install.permissions"))
        + _action(authorize_url, t(locale, "install.button"), element_id="add-to-slack"),
    )


def success_page(locale: str, workspace: str, open_slack_url: str) -> str:
    """Installed: what happens next (the welcome DM, the Home tab that guides the set-up)."""
    return _page(
        locale,
        t(locale, "install.success.page_title"),
        t(locale, "install.success.heading", workspace=workspace),
        f"<h2>{html.escape(t(locale, 'install.success.next'))}</h2>"
        + "<ol>"
        + f"<li>{html.escape(t(locale, 'install.success.welcome'))}</li>"
        + f"<li>{html.escape(t(locale, 'install.success.home'))}</li>"
        + "</ol>"
        + _action(open_slack_url, t(locale, "install.success.open_slack"), element_id="open-slack"),
    )


def failure_page(locale: str, failure: Failure, install_path: str) -> str:
    """Not installed: why, in words for the installer, and a way to start again."""
    return _page(
        locale,
        t(locale, "install.failure.page_title"),
        t(locale, "install.failure.heading"),
        _paragraph(t(locale, f"install.failure.{failure}"))
        + _action(install_path, t(locale, "install.start_again"), element_id="start-again"),
    )


def _page(locale: str, title: str, heading: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(locale)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_STYLE}</style>\n"
        "</head>\n"
        f"<body>\n<main>\n<h1>{html.escape(heading)}</h1>\n{body}\n</main>\n</body>\n"
        "</html>\n"
    )


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _action(url: str, text: str, *, element_id: str) -> str:
    return f'<p><a class="action" id="{element_id}" href="{html.escape(url)}">{html.escape(text)}</a></p>'
