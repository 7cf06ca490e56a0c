"""Programme settings, for admins: the charter, the topics, the cadences, roles and the audit trail.

Reached with `/mentoring-stats settings` (or `réglages`): admins already go to `/mentoring-stats` for the
programme's figures, and its handler refuses everyone else before any subcommand runs. The answer is an
ephemeral overview with an edit button per group of settings; each button opens a modal (the charter in
both languages, the topic list, the cadences), checked field by field in the ack and saved after it.

Authority is re-read from Slack and the database (`bot.members.identify`) on the command, on every button
and on every submission; a view's private metadata only carries the language of its error messages.
Every change writes a `SettingsChange` (who, when, what, old and new value); the overview lists the last
ten. Roles are set with `/mentor admin role` (`bot.admin_roles`, which records its changes the same way).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import ids
from bot.context import BotContext
from bot.i18n import SUPPORTED_LOCALES
from bot.members import Person
from bot.messages import settings as messages
from bot.messages.booking import valid_link
from bot.messages.kit import AnyBlock, Message
from bot.outcome import Outcome, reply
from bot.programme import Topic, charter_in_force, programme_settings, topics_of
from bot.recruiting import campaign_status, term_of
from bot.stats import refuse_non_admin
from storage.models import ProgrammeSettings
from storage.queries import settings as queries
from storage.queries.programme import add_charter_version

logger = logging.getLogger(__name__)

SETTINGS_WORDS = ("settings", "réglages", "reglages", "paramètres", "parametres")
CHANGES_SHOWN = 10
MAX_TOPICS = 50
TOPIC_LABEL_MAX = 75  # Slack's limit for an option's text in the modals' topic menus
TOPIC_KEY_MAX = 40
_TOPIC_KEY = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Cadence:
    """A cadence admins may change: a whole number of `ProgrammeSettings`, within a range."""

    name: str
    minimum: int
    maximum: int


# The cadences of the issue, in the order the modal shows them.
CADENCES = (
    Cadence("first_contact_check_days", 1, 365),
    Cadence("survey_delay_days", 1, 365),
    Cadence("meeting_prompt_interval_days", 1, 365),
    Cadence("mentorship_term_days", 1, 365),
    Cadence("student_reminder_interval_days", 0, 365),  # 0 turns the reminders off
    Cadence("quiet_hours_start", 0, 23),
    Cadence("quiet_hours_end", 0, 23),
    Cadence("offers_per_request", 1, 10),
    Cadence("max_mentorships_per_student", 1, 3),
)
CADENCE_LIMITS = {cadence.name: (cadence.minimum, cadence.maximum) for cadence in CADENCES}


class Which:
    CHARTER = "charter"
    TOPICS = "topics"
    CADENCES = "cadences"


# ------------------------------------------------------------------------------------------------------
# The overview


def show_settings(bot: BotContext, admin: Person) -> Message:
    """The settings overview; a refusal for anyone who is not an admin."""
    if not admin.is_admin:
        return refuse_non_admin(admin, "the programme settings")
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        settings = programme_settings(session, admin.team_id)
        charter = charter_in_force(session, admin.team_id)
        without_role, user_ids = queries.members_without_role(
            session, admin.team_id, messages.SHOWN_WITHOUT_ROLE
        )
        counts = campaign_status(session, admin.team_id, now)
        overview = messages.SettingsOverview(
            charter_version=charter.version,
            charter_created_at=charter.created_at,
            charter_created_by=charter.created_by,
            topic_labels=[topic.label(admin.locale) for topic in topics_of(settings)],
            cadences={cadence.name: getattr(settings, cadence.name) for cadence in CADENCES},
            without_role=without_role,
            without_role_user_ids=user_ids,
            campaign=messages.Campaign(
                term=term_of(now),
                invited=counts.invited,
                sent=counts.sent,
                declined=counts.declined,
                volunteered=counts.volunteered,
            ),
            changes=[
                messages.Change(c.changed_at, c.changed_by, c.setting, c.old_value, c.new_value)
                for c in queries.latest_changes(session, admin.team_id, CHANGES_SHOWN)
            ],
            admin_channel_id=settings.admin_channel_id,
        )
    return messages.settings_view(admin.locale, overview)


# ------------------------------------------------------------------------------------------------------
# The modals


def settings_modal(bot: BotContext, admin: Person, which: str) -> Outcome:
    """The modal of one group of settings, pre-filled; or the refusal. Database only: the caller opens it
    with the click's trigger, which dies after 3 s."""
    if not admin.is_admin:
        return reply(refuse_non_admin(admin, f"the {which} settings"))
    with bot.sessions.begin() as session:
        settings = programme_settings(session, admin.team_id)
        if which == Which.CHARTER:
            charter = charter_in_force(session, admin.team_id)
            view = messages.charter_modal(admin.locale, charter.version, charter.text_fr, charter.text_en)
        elif which == Which.TOPICS:
            view = messages.topics_modal(admin.locale, topics_as_lines(topics_of(settings)))
        else:
            values = {cadence.name: getattr(settings, cadence.name) for cadence in CADENCES}
            view = messages.cadences_modal(
                admin.locale,
                values,
                CADENCE_LIMITS,
                settings.meeting_link,
                alumni_verification=settings.alumni_verification,
            )
    return Outcome(modal=view)


def _values(view: dict) -> dict:
    return (view.get("state") or {}).get("values") or {}


def _text(view: dict, input_id: str) -> str:
    entry = _values(view).get(input_id, {}).get(input_id) or {}
    return str(entry.get("value") or "")


def _locale_of(view: dict) -> str:
    metadata = str(view.get("private_metadata") or "")
    return metadata if metadata in SUPPORTED_LOCALES else SUPPORTED_LOCALES[0]


# Charter ----------------------------------------------------------------------------------------------


def charter_form_errors(view: dict) -> dict[str, str]:
    """In the ack: both texts present and within Slack's 3000 characters."""
    locale = _locale_of(view)
    errors = {}
    for input_id in (ids.CHARTER_TEXT_FR, ids.CHARTER_TEXT_EN):
        text = _text(view, input_id).strip()
        if not text:
            errors[input_id] = messages.form_error(locale, "charter_empty")
        elif len(text) > messages.CHARTER_MAX_LENGTH:
            errors[input_id] = messages.form_error(
                locale, "charter_too_long", max=messages.CHARTER_MAX_LENGTH
            )
    return errors


def save_charter(bot: BotContext, admin: Person, view: dict) -> Message:
    """A new charter version when either text changed; new volunteers and requesters accept that one."""
    team_id, user_id = admin.team_id, admin.user_id
    if not admin.is_admin:
        return refuse_non_admin(admin, "a charter change")
    if charter_form_errors(view):  # Bolt runs the save even when the ack showed errors
        return messages.saved(admin.locale, "nothing")
    text_fr, text_en = _text(view, ids.CHARTER_TEXT_FR).strip(), _text(view, ids.CHARTER_TEXT_EN).strip()
    with bot.sessions.begin() as session:
        current = charter_in_force(session, team_id)
        if (current.text_fr, current.text_en) == (text_fr, text_en):
            return messages.saved(admin.locale, "charter_unchanged", version=current.version)
        charter = add_charter_version(session, team_id, text_fr=text_fr, text_en=text_en, created_by=user_id)
        charter.created_at = bot.clock.now()
        queries.record_change(
            session,
            team_id,
            changed_by=user_id,
            setting="charter",
            old_value=f"v{current.version}",
            new_value=f"v{charter.version}",
            now=bot.clock.now(),
        )
        version = charter.version
    logger.info("admin %s published charter version %d", user_id, version)
    return messages.saved(admin.locale, "charter", version=version)


# Topics -----------------------------------------------------------------------------------------------


def topics_as_lines(topics: Sequence[Topic]) -> str:
    """The topics as an admin edits them: `key | label fr | label en`, one a line."""
    return "\n".join(f"{topic.key} | {topic.label('fr')} | {topic.label('en')}" for topic in topics)


def topic_slug(label: str) -> str:
    """A key for a new topic, from its label: `Droit & société` → `droit_societe`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:TOPIC_KEY_MAX].strip("_") or "topic"


@dataclass(frozen=True)
class TopicProblem:
    line: int
    key: str  # settings.errors.<key>
    params: dict


def parse_topics(text: str, current: Sequence[Topic]) -> tuple[list[dict], list[TopicProblem]]:
    """The edited topic list, or what is wrong with it.

    A line is `key | label fr | label en`, `label fr | label en`, or one label for both languages. Keys
    stay stable so that mentors' and requests' topics keep their meaning: a line without a key reuses the
    key of a current topic with the same label, else gets a new key made from its label. Removing a line
    stops offering that topic; mentors who chose it keep it.
    """
    by_label = {label.casefold(): topic.key for topic in current for label in topic.labels.values()}
    topics: list[dict] = []
    problems: list[TopicProblem] = []
    keys: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split("|")]
        if len(parts) > 3 or any(not part for part in parts):
            problems.append(TopicProblem(number, "topic_line", {}))
            continue
        if len(parts) == 3:
            key, label_fr, label_en = parts
            if not _TOPIC_KEY.match(key):
                problems.append(TopicProblem(number, "topic_key", {"topic": key[:40]}))
                continue
        else:
            label_fr, label_en = parts[0], parts[-1]
            key = by_label.get(label_fr.casefold()) or by_label.get(label_en.casefold()) or ""
            if not key or key in keys:
                key = _fresh_key(topic_slug(label_en), keys | {topic.key for topic in current})
        if key in keys:
            problems.append(TopicProblem(number, "topic_duplicate", {"topic": key}))
            continue
        if max(len(label_fr), len(label_en)) > TOPIC_LABEL_MAX:
            problems.append(TopicProblem(number, "topic_label_too_long", {"max": TOPIC_LABEL_MAX}))
            continue
        keys.add(key)
        topics.append({"key": key, "fr": label_fr, "en": label_en})
    if not topics and not problems:
        problems.append(TopicProblem(0, "topics_empty", {}))
    if len(topics) > MAX_TOPICS:
        problems.append(TopicProblem(0, "topics_too_many", {"max": MAX_TOPICS}))
    return topics, problems


def _fresh_key(slug: str, taken: set[str]) -> str:
    key, n = slug, 2
    while key in taken:
        suffix = f"_{n}"
        key, n = slug[: TOPIC_KEY_MAX - len(suffix)] + suffix, n + 1
    return key


def topics_form_errors(bot: BotContext, team_id: str, view: dict) -> dict[str, str]:
    """In the ack (a database read, no Slack call): the list parses against the current topics; the first
    problems are shown under the input, with their line."""
    locale = _locale_of(view)
    with bot.sessions.begin() as session:
        current = topics_of(programme_settings(session, team_id))
    _, problems = parse_topics(_text(view, ids.TOPICS_INPUT), current)
    if not problems:
        return {}
    said = [
        (messages.form_error(locale, "on_line", line=p.line) if p.line else "")
        + messages.form_error(locale, p.key, **p.params)
        for p in problems[:3]
    ]
    return {ids.TOPICS_INPUT: " ".join(said)}


def save_topics(bot: BotContext, admin: Person, view: dict) -> Message:

    team_id, user_id = admin.team_id, admin.user_id
    if not admin.is_admin:
        return refuse_non_admin(admin, "a topics change")
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        current = topics_of(settings)
        topics, problems = parse_topics(_text(view, ids.TOPICS_INPUT), current)
        if problems:
            return messages.saved(admin.locale, "nothing")
        if topics == [{"key": t.key, "fr": t.label("fr"), "en": t.label("en")} for t in current]:
            return messages.saved(admin.locale, "topics_unchanged")
        old_lines = topics_as_lines(current)
        settings.topics = topics
        queries.record_change(
            session,
            team_id,
            changed_by=user_id,
            setting="topics",
            old_value=old_lines,
            new_value=topics_as_lines(topics_of(settings)),
            now=bot.clock.now(),
        )
    logger.info("admin %s changed the topics: %d now", user_id, len(topics))
    return messages.saved(admin.locale, "topics", count=len(topics))


# Cadences ---------------------------------------------------------------------------------------------


def read_cadences(view: dict) -> tuple[dict[str, int], dict[str, tuple[str, dict]]]:
    """The cadences typed in the modal, and per input what is wrong with it (an error key and params)."""
    values: dict[str, int] = {}
    problems: dict[str, tuple[str, dict]] = {}
    for cadence in CADENCES:
        input_id = ids.CADENCE_INPUT_PREFIX + cadence.name
        raw = _text(view, input_id).strip()
        if not re.fullmatch(r"\d{1,4}", raw) or not cadence.minimum <= int(raw) <= cadence.maximum:
            problems[input_id] = ("out_of_range", {"min": cadence.minimum, "max": cadence.maximum})
        else:
            values[cadence.name] = int(raw)
    start, end = values.get("quiet_hours_start"), values.get("quiet_hours_end")
    if start is not None and end is not None and start >= end:
        problems[ids.CADENCE_INPUT_PREFIX + "quiet_hours_end"] = ("quiet_hours_order", {"start": start})
    return values, problems


def read_meeting_link(view: dict) -> tuple[str | None, bool]:
    """The school's default video link typed in the cadences modal (None: a huddle), and whether it is
    acceptable: a web address, where `{booking}` may stand for each booking's own room name."""
    raw = _text(view, ids.SETTINGS_MEETING_LINK).strip()
    if not raw:
        return None, True
    return raw, valid_link(raw.replace("{booking}", "x")) is not None


def cadences_form_errors(view: dict) -> dict[str, str]:
    locale = _locale_of(view)
    _, problems = read_cadences(view)
    if not read_meeting_link(view)[1]:
        problems[ids.SETTINGS_MEETING_LINK] = ("link", {})
    return {
        input_id: messages.form_error(locale, key, **params) for input_id, (key, params) in problems.items()
    }


def save_cadences(bot: BotContext, admin: Person, view: dict) -> Message:
    """Save the changed cadences, one audit line each. New values apply to what is planned from now on."""
    team_id, user_id = admin.team_id, admin.user_id
    if not admin.is_admin:
        return refuse_non_admin(admin, "a cadences change")
    values, problems = read_cadences(view)
    if problems:
        return messages.saved(admin.locale, "nothing")
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        settings = programme_settings(session, team_id)
        changed = _apply_cadences(session, settings, values, user_id, now)
        link, acceptable = read_meeting_link(view)
        if acceptable and link != settings.meeting_link:
            queries.record_change(
                session,
                team_id,
                changed_by=user_id,
                setting="meeting_link",
                old_value=settings.meeting_link,
                new_value=link,
                now=now,
            )
            settings.meeting_link = link
            changed.append("meeting_link")
        changed += _apply_alumni_verification(session, settings, read_alumni_verification(view), user_id, now)
    if not changed:
        return messages.saved(admin.locale, "cadences_unchanged")
    logger.info("admin %s changed cadences: %s", user_id, ", ".join(changed))
    return messages.saved(
        admin.locale,
        "cadences",
        changes=", ".join(messages.cadence_label(admin.locale, name) for name in changed),
    )


def _apply_cadences(
    session: Session, settings: ProgrammeSettings, values: dict[str, int], user_id: str, now: datetime
) -> list[str]:
    changed = []
    for name, value in values.items():
        old = getattr(settings, name)
        if old == value:
            continue
        setattr(settings, name, value)
        queries.record_change(
            session,
            settings.team_id,
            changed_by=user_id,
            setting=name,
            old_value=str(old),
            new_value=str(value),
            now=now,
        )
        changed.append(name)
    return changed


def read_alumni_verification(view: dict) -> bool | None:
    """Whether the box "only verified alumni mentor" is ticked; None for a modal without it."""
    values = _values(view)
    if ids.ALUMNI_VERIFICATION_INPUT not in values:
        return None
    element = values[ids.ALUMNI_VERIFICATION_INPUT].get(ids.ALUMNI_VERIFICATION_INPUT) or {}
    chosen = {option.get("value") for option in element.get("selected_options") or []}
    return ids.ALUMNI_VERIFICATION_ON in chosen


def _apply_alumni_verification(
    session: Session, settings: ProgrammeSettings, wanted: bool | None, user_id: str, now: datetime
) -> list[str]:
    if wanted is None or wanted == settings.alumni_verification:
        return []
    queries.record_change(
        session,
        settings.team_id,
        changed_by=user_id,
        setting="alumni_verification",
        old_value="on" if settings.alumni_verification else "off",
        new_value="on" if wanted else "off",
        now=now,
    )
    settings.alumni_verification = wanted
    return ["alumni_verification"]


# ------------------------------------------------------------------------------------------------------
# The admins' Home


def charter_home_section(bot: BotContext, session: Session, person: Person) -> list[AnyBlock]:
    """For admins (`bot.home.HOME_SECTIONS`): the charter in force, who accepted which version, and how
    many members still have no role. Empty for everyone else."""
    if not person.is_admin:
        return []
    charter = charter_in_force(session, person.team_id)
    acceptances = [
        (count.version, count.accepted_as, count.members)
        for count in queries.charter_acceptance_counts(session, person.team_id)
    ]
    without_role, _ = queries.members_without_role(session, person.team_id, 0)
    return messages.charter_home_blocks(
        person.locale, charter.version, charter.created_at, acceptances, without_role
    )
