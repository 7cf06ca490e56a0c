"""The bot's voice in French and English: one catalogue per language, `bot/locales/<lang>.toml`.

Keys are dotted paths into the TOML tables (`menu.student.find_mentor`); placeholders use `str.format`
names (`{mentor}`), and both catalogues must carry the same keys with the same placeholders (a test
checks it). Values are inserted by the caller already escaped where they come from people.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from babel.core import Locale
from babel.numbers import format_decimal
from babel.units import format_unit

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


# A category a language's rule knows but our sentences read like another: French CLDR `many` (millions,
# "1 000 000 de demandes") is worded as `other` here. Plural tables may still carry it.
PLURAL_FALLBACK = {"many": "other", "zero": "other", "two": "other", "few": "other"}


def plural_form(locale: str, count: float) -> str:
    """The CLDR plural category of `count` in `locale`, by Babel: French says "0 demande", English
    "0 requests" (French `one` covers 0 and 1, and 1.5; English `one` is 1 only)."""
    return Locale.parse(locale).plural_form(count)


def plural_categories(locale: str) -> set[str]:
    """The categories a plural table in `locale` must carry: its rule's, less those that fall back."""
    return {"other", *Locale.parse(locale).plural_form.tags} - set(PLURAL_FALLBACK)


def number(locale: str, value: float) -> str:
    """A number in the reader's typography: "1 000" in French (narrow no-break space), "1,000" in English."""
    return format_decimal(value, locale=locale)


def tn(locale: str, key: str, count: float, **params: object) -> str:
    """The entry of the plural table `key` that fits `count` (`key.one`, `key.other`…), with `{count}`
    formatted for the reader and the other placeholders filled."""
    category = plural_form(locale, count)
    table = catalogue(locale)
    if f"{key}.{category}" not in table:
        category = PLURAL_FALLBACK.get(category, "other")
    return t(locale, f"{key}.{category}", count=number(locale, count), **params)


# How long a days setting reads: whole years, months or weeks when it is one (182 days are "6 months",
# 28 are "4 weeks"), days otherwise. Babel's format_timedelta rounds instead (45 days would read
# "2 months"), which is the lie this avoids.
_DAYS_IN_A_MONTH = 365.25 / 12
_MONTH_TOLERANCE_DAYS = 2


def _in_units(count: int) -> tuple[str, int]:
    """`count` days as (CLDR unit, amount): ("month", 6) for 182, ("week", 4) for 28, ("day", 45)."""
    months = round(count / _DAYS_IN_A_MONTH)
    if months >= 1 and abs(months * _DAYS_IN_A_MONTH - count) <= _MONTH_TOLERANCE_DAYS:
        return ("year", months // 12) if months % 12 == 0 else ("month", months)
    if count >= 7 and count % 7 == 0:
        return "week", count // 7
    return "day", count


def days(locale: str, count: int) -> str:
    """A number of days from a setting, in words with the language's plural rules: "45 jours", "1 week",
    "6 mois". Babel's CLDR unit patterns carry the plural forms and the number's typography."""
    unit, amount = _in_units(count)
    return format_unit(amount, f"duration-{unit}", locale=locale)


def every(locale: str, count: int) -> str:
    """How often a cadence of `count` days comes back: "every month", "toutes les 2 semaines" (French
    agrees "tous/toutes" with the unit, so the whole phrase is one plural table per unit)."""
    unit, amount = _in_units(count)
    return tn(locale, f"every.{unit}s", amount)


def locale_from_slack(slack_locale: str | None, default: str) -> str:
    """Map Slack's `fr-FR`, `en-GB`… onto a language we speak, falling back to the school's default."""
    if slack_locale:
        language = slack_locale.split("-")[0].lower()
        if language in SUPPORTED_LOCALES:
            return language
    return default


def locale_from_accept_language(header: str | None) -> str:
    """The language we speak that a browser's `Accept-Language` prefers, by its q-values ("fr-CH,
    en;q=0.8" is French, "en-GB,fr;q=0.5" English; the first named wins a tie), English when it names
    neither: for the web pages of Add to Slack, seen before anyone's Slack language is known."""
    best, best_weight = "en", 0.0
    for part in (header or "").split(","):
        tag, *parameters = part.split(";")
        language = tag.strip().split("-")[0].lower()
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if language in SUPPORTED_LOCALES and weight > best_weight:
            best, best_weight = language, weight
    return best
