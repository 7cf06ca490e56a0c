"""The school's programme as the bot applies it: its topics, its charter and its cadences.

A school that never touched its settings gets sensible defaults, written on first use so that later
edits have something to version.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import SUPPORTED_LOCALES, catalogue, t
from bot.messages.topics import Topic
from storage.models import CharterVersion, ProgrammeSettings
from storage.queries.programme import add_charter_version, current_charter, get_or_create_settings

DEFAULT_TOPIC_KEYS = (
    "careers",
    "studies",
    "internships",
    "entrepreneurship",
    "international",
    "engineering",
    "health",
    "business",
    "arts",
    "public_service",
)


def default_topics() -> list[dict]:
    return [
        {"key": key, **{locale: catalogue(locale)[f"topics.{key}"] for locale in SUPPORTED_LOCALES}}
        for key in DEFAULT_TOPIC_KEYS
    ]


def programme_settings(session: Session, team_id: str) -> ProgrammeSettings:
    return get_or_create_settings(session, team_id, default_topics())


def topics_of(settings: ProgrammeSettings) -> list[Topic]:
    return [
        Topic(
            key=item["key"], labels={locale: item[locale] for locale in SUPPORTED_LOCALES if locale in item}
        )
        for item in settings.topics
    ]


def charter_in_force(session: Session, team_id: str) -> CharterVersion:
    """The current charter, the default one (version 1) if the school has not written its own."""
    charter = current_charter(session, team_id)
    if charter is None:
        charter = add_charter_version(
            session,
            team_id,
            text_fr=t("fr", "charter.default_text"),
            text_en=t("en", "charter.default_text"),
            created_by=None,
        )
    return charter


def charter_text(charter: CharterVersion, locale: str) -> str:
    return charter.text_fr if locale == "fr" else charter.text_en
