"""Both languages, always: the catalogues carry the same keys and placeholders, and the code says nothing
to people except through them."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from bot.i18n import (
    LOCALES_DIR,
    catalogue,
    days,
    every,
    locale_from_accept_language,
    locale_from_slack,
    plural_categories,
    t,
    tn,
)

ROOT = Path(__file__).resolve().parents[2]
# Code that speaks to people. The Slack stand-in plays Slack, not the bot, so it is not the bot's voice.
SPEAKING_CODE = [
    path
    for folder in ("bot", "handlers")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if "slack_double" not in path.parts
]
# Calls whose text reaches a person, and the keyword arguments that carry it.
TEXT_CALLS = {"section", "note", "button", "message", "PlainTextObject", "MarkdownTextObject", "Option"}
TEXT_KEYWORDS = {"text", "title", "submit", "close", "label", "placeholder", "initial_comment", "hint"}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_french_and_english_have_the_same_keys() -> None:
    assert sorted(catalogue("fr")) == sorted(catalogue("en"))


CLDR_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def plural_tables(locale: str) -> dict[str, set[str]]:
    """Every table of the catalogue whose keys are CLDR plural categories, by dotted key."""
    with open(LOCALES_DIR / f"{locale}.toml", "rb") as file:
        root = tomllib.load(file)
    found: dict[str, set[str]] = {}

    def walk(table: dict, prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                # All its keys are categories: a table such as `booking.cancelled` (`you`, `other`: the
                # other side of the pair) is a pair of messages, not a plural.
                if set(value) <= CLDR_CATEGORIES and "other" in value:
                    found[prefix + key] = set(value)
                else:
                    walk(value, f"{prefix}{key}.")

    walk(root, "")
    return found


def test_each_message_has_the_same_placeholders_in_both_languages() -> None:
    english = catalogue("en")
    plural_entries = {
        f"{table}.{category}" for table, cats in plural_tables("fr").items() for category in cats
    }

    def compared(key: str, template: str) -> set[str]:
        # In a plural table the count may go unsaid where the words carry it ("a mentor", "every week").
        return placeholders(template) - {"count"} if key in plural_entries else placeholders(template)

    mismatched = {
        key: (placeholders(french), placeholders(english[key]))
        for key, french in catalogue("fr").items()
        if compared(key, french) != compared(key, english[key])
    }
    assert mismatched == {}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_plural_tables_carry_every_category_their_language_needs(locale: str) -> None:
    tables = plural_tables(locale)
    assert tables, "no plural table found: the test would prove nothing"
    assert {key: cats for key, cats in tables.items() if not plural_categories(locale) <= cats} == {}
    assert {key: cats - CLDR_CATEGORIES for key, cats in tables.items() if cats - CLDR_CATEGORIES} == {}


def test_french_one_covers_zero_and_one_and_english_one_is_one_only() -> None:
    assert "0 mentor qui y correspond" in tn("fr", "request.sent", 0)
    assert "1 mentor qui y correspond" in tn("fr", "request.sent", 1)
    assert "2 mentors qui y correspondent" in tn("fr", "request.sent", 2)
    assert tn("en", "stats.requests_expired", 0) == "0 requests closed without a mentor"
    assert tn("en", "stats.requests_expired", 1) == "1 request closed without a mentor"
    assert tn("en", "stats.requests_expired", 2) == "2 requests closed without a mentor"
    assert tn("fr", "stats.requests_expired", 0) == "0 demande close sans mentor"


def test_counts_are_written_in_the_readers_typography() -> None:
    assert tn("en", "stats.requests_expired", 1200) == "1,200 requests closed without a mentor"
    assert tn("fr", "stats.requests_expired", 1200) == "1\u202f200 demandes closes sans mentor"
    # French CLDR `many` (a million) reads like `other` in our sentences.
    assert tn("fr", "stats.requests_expired", 1_000_000).endswith("demandes closes sans mentor")


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [
        (0, "0\u00a0jour", "0 days"),
        (1, "1\u00a0jour", "1 day"),
        (3, "3\u00a0jours", "3 days"),
        (14, "2\u00a0semaines", "2 weeks"),
        (30, "1\u00a0mois", "1 month"),
        (45, "45\u00a0jours", "45 days"),
        (182, "6\u00a0mois", "6 months"),
    ],
)
def test_a_days_setting_reads_as_what_it_is(count: int, french: str, english: str) -> None:
    assert (days("fr", count), days("en", count)) == (french, english)


def test_a_cadence_reads_as_how_often_it_comes_back() -> None:
    assert [every("fr", n) for n in (7, 28, 30, 45)] == [
        "chaque semaine",
        "toutes les 4\u00a0semaines",
        "chaque mois",
        "tous les 45\u00a0jours",
    ]
    assert [every("en", n) for n in (7, 28, 30, 45)] == [
        "every week",
        "every 4 weeks",
        "every month",
        "every 45 days",
    ]


# A point médian between two letters ("étudiant·e"); a "·" between spaces separates list items and stays.
WORD_INTERNAL_POINT_MEDIAN = re.compile(r"\w·\w")


def test_french_has_no_point_median_inside_words() -> None:
    assert {
        key: text for key, text in catalogue("fr").items() if WORD_INTERNAL_POINT_MEDIAN.search(text)
    } == {}


@pytest.mark.parametrize("word", ["sujet", "trimestre", "silencieu", "English"])
def test_french_says_one_word_per_idea(word: str) -> None:
    """Topics are "thèmes", a term is a "mandat", a dormant pair is "en sommeil", English is "Anglais"."""
    assert {key: text for key, text in catalogue("fr").items() if word.lower() in text.lower()} == {}


def test_no_message_is_empty() -> None:
    for locale in ("fr", "en"):
        assert [key for key, text in catalogue(locale).items() if not text.strip()] == []


def test_placeholders_are_filled() -> None:
    assert t("en", "menu.greeting", name="<@U1>") == "Hello <@U1>! What would you like to do?"


@pytest.mark.parametrize(
    ("slack_locale", "expected"),
    [("fr-FR", "fr"), ("en-GB", "en"), ("en-US", "en"), ("de-DE", "fr"), (None, "fr")],
)
def test_slack_locales_map_onto_our_languages(slack_locale: str | None, expected: str) -> None:
    assert locale_from_slack(slack_locale, default="fr") == expected


def _is_words(node: ast.expr) -> bool:
    """A literal with letters in it: text somebody wrote in the code instead of the catalogues."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(char.isalpha() for char in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _literal_texts(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        suspects = [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        if name in TEXT_CALLS and node.args:
            suspects.append(node.args[0])
        found += [
            f"{path.relative_to(ROOT)}:{arg.lineno}: {ast.unparse(arg)}" for arg in suspects if _is_words(arg)
        ]
    return found


def test_no_user_facing_text_is_written_outside_the_catalogues() -> None:
    assert [text for path in SPEAKING_CODE for text in _literal_texts(path)] == []


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("en-GB,fr;q=0.5", "en"),
        ("de-DE,de;q=0.9,fr;q=0.4,en;q=0.3", "fr"),
        ("en;q=0.5, fr;q=0.8", "fr"),
        ("fr, en", "fr"),
        ("de-CH", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=garbage, en;q=0.1", "en"),
    ],
)
def test_the_install_pages_speak_the_language_the_browser_prefers(header: str | None, locale: str) -> None:
    assert locale_from_accept_language(header) == locale
