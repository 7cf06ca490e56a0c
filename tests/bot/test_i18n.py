"""Both languages, always: the catalogues carry the same keys and placeholders, and the code says nothing
to people except through them."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bot.i18n import catalogue, locale_from_slack, t

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


def test_each_message_has_the_same_placeholders_in_both_languages() -> None:
    english = catalogue("en")
    mismatched = {
        key: (placeholders(french), placeholders(english[key]))
        for key, french in catalogue("fr").items()
        if placeholders(french) != placeholders(english[key])
    }
    assert mismatched == {}


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
