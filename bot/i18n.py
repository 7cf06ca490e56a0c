"""The bot's voice in French and English: one catalogue per language, `bot/locales/<lang>.toml`.

Keys are dotted paths into the TOML tables (`menu.student.find_mentor`); placeholders use `str.format`
names (`{mentor}`), and both catalogues must carry the same keys with the same placeholders (a test
checks it). Values are inserted by the caller already escaped where they come from people.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

SUPPORTED_LOCALES = ("fr", "en")

LOCALES_DIR = Path(__file__).parent / "locales"


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Every message of one language, by dotted key."""
    with open(LOCALES_DIR / f"{locale}.toml", "rb") as file:
        return dict(_flatten(tomllib.load(file)))


def _flatten(table: dict, prefix: str = ""):  # type: ignore[no-untyped-def]
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def t(locale: str, key: str, **params: object) -> str:
    """The message `key` in `locale`, with its placeholders filled."""
    template = catalogue(locale)[key]
    return template.format(**params) if params else template


def plural_form(locale: str, count: int) -> str:
    """The CLDR plural category of a whole number: French says "0 demande", English "0 requests".

    French: `one` for 0 and 1, `other` beyond; English: `one` for 1 only. (CLDR's French `many`, for
    millions, reads like `other` in our sentences.)
    """
    if locale == "fr":
        return "one" if count in (0, 1) else "other"
    return "one" if count == 1 else "other"


def tn(locale: str, key: str, count: int, **params: object) -> str:
    """The message `key.one` or `key.other` that fits `count`, with `{count}` and the others filled."""
    return t(locale, f"{key}.{plural_form(locale, count)}", count=count, **params)


def locale_from_slack(slack_locale: str | None, default: str) -> str:
    """Map Slack's `fr-FR`, `en-GB`… onto a language we speak, falling back to the school's default."""
    if slack_locale:
        language = slack_locale.split("-")[0].lower()
        if language in SUPPORTED_LOCALES:
            return language
    return default
