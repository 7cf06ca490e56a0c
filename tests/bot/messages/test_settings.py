"""The settings builders render valid Block Kit in both languages; the rules behind the modals hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import ids
from bot.messages import recruiting as recruiting_messages
from bot.messages import settings as messages
from bot.messages.kit import MAX_MESSAGE_BLOCKS
from bot.programme import Topic
from bot.recruiting import term_of
from bot.settings import CADENCE_LIMITS, CADENCES, parse_topics, read_cadences, topic_slug

WHEN = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
LOCALES = ("fr", "en")
CURRENT = [
    Topic("careers", {"fr": "Orientation et carrière", "en": "Careers"}),
    Topic("arts", {"fr": "Arts et culture", "en": "Arts and culture"}),
]
DEFAULT_CADENCES = {cadence.name: max(cadence.minimum, 3) for cadence in CADENCES} | {
    "quiet_hours_start": 9,
    "quiet_hours_end": 18,
}


def overview(**changes: object) -> messages.SettingsOverview:
    values: dict = {
        "charter_version": 2,
        "charter_created_at": WHEN,
        "charter_created_by": "UADMIN",
        "topic_labels": ["Careers", "Arts <&> culture"],
        "cadences": DEFAULT_CADENCES,
        "without_role": 2,
        "without_role_user_ids": ["UNEW1", "UNEW2"],
        "campaign": messages.Campaign("2026-T3", invited=4, sent=3, declined=1, volunteered=1),
        "changes": [
            messages.Change(WHEN, "UADMIN", "offers_per_request", "3", "4"),
            messages.Change(WHEN, "UADMIN", "role:UBOB", None, "alumnus"),
            messages.Change(WHEN, "roster-import", "topics", "a\nb", "a\nb\nc"),
            messages.Change(WHEN, "UADMIN", "charter", "v1", "v2"),
            messages.Change(WHEN, "UADMIN", "recruiting", None, "2026-T3: 4"),
        ],
    }
    values.update(changes)
    return messages.SettingsOverview(**values)


def words(blocks: list[dict]) -> str:
    parts = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text["text"])
        parts += [
            element.get("text", "") for element in block.get("elements", []) if block["type"] == "context"
        ]
    return "\n".join(parts)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_overview_has_an_edit_button_per_group_and_lists_changes(locale: str) -> None:
    shown = messages.settings_view(locale, overview())

    assert len(shown.blocks) <= MAX_MESSAGE_BLOCKS
    buttons = [block["accessory"]["action_id"] for block in shown.blocks if block.get("accessory")]
    assert buttons == [
        ids.OPEN_CHARTER_MODAL,
        ids.OPEN_TOPICS_MODAL,
        ids.OPEN_CADENCES_MODAL,
        ids.START_RECRUITING,
        ids.OPEN_THANKS_MODAL,
        ids.OPEN_ADMIN_CHANNEL_MODAL,
    ]
    text = words(shown.blocks)
    assert "Arts &lt;&amp;&gt; culture" in text  # labels are escaped
    assert "<@UNEW1>, <@UNEW2>" in text
    assert "3 → 4" in text and "<@UBOB>" in text and "2 → 3" in text  # topics shown as counts
    assert "roster-import" in text


def test_the_overview_says_when_nothing_changed_and_reminders_are_off() -> None:
    cadences = DEFAULT_CADENCES | {"student_reminder_interval_days": 0}
    shown = messages.settings_view("en", overview(changes=[], without_role=0, cadences=cadences))

    text = words(shown.blocks)
    assert "No settings have been changed yet." in text
    assert "student reminders off" in text
    assert "every member has a role" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_three_modals_render_prefilled(locale: str) -> None:
    charter = messages.charter_modal(locale, 3, "Texte <fr>", "Text en")
    topics = messages.topics_modal(locale, "careers | Orientation | Careers")
    cadences = messages.cadences_modal(locale, DEFAULT_CADENCES, CADENCE_LIMITS)

    assert charter["callback_id"] == ids.CHARTER_VIEW and charter["private_metadata"] == locale
    assert charter["blocks"][1]["element"]["initial_value"] == "Texte <fr>"
    assert topics["blocks"][1]["element"]["initial_value"] == "careers | Orientation | Careers"
    inputs = [block["element"] for block in cadences["blocks"] if block["type"] == "input"]
    assert [element["action_id"] for element in inputs] == [
        *(ids.CADENCE_INPUT_PREFIX + cadence.name for cadence in CADENCES),
        ids.SETTINGS_MEETING_LINK,  # the school's default video link, last
    ]
    by_name = {element["action_id"].removeprefix(ids.CADENCE_INPUT_PREFIX): element for element in inputs}
    assert by_name["offers_per_request"]["max_value"] == "10"
    assert by_name["offers_per_request"]["initial_value"] == "3"
    assert by_name["max_mentorships_per_student"]["min_value"] == "1"
    assert by_name["max_mentorships_per_student"]["max_value"] == "3"
    assert "initial_value" not in inputs[-1]  # no link set: a Slack huddle


EXPECTED_HOME = {
    "en": [
        "Version 2, accepted by mentors: 3 · by students: 5",
        "Version 1, accepted by mentors: 1 · by students: 0",
        "Members without a role: 4.",
    ],
    "fr": [
        "Version 2, acceptée par des mentors : 3 · par des étudiantes et étudiants : 5",
        "Version 1, acceptée par des mentors : 1 · par des étudiantes et étudiants : 0",
        "Membres sans rôle : 4.",
    ],
}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_admin_home_section_counts_acceptances_by_version_and_role(locale: str) -> None:
    blocks = messages.charter_home_blocks(
        locale, 2, WHEN, [(1, "mentor", 1), (2, "mentee", 5), (2, "mentor", 3)], 4
    )

    text = blocks[0]["text"]["text"]
    positions = [text.index(line) for line in EXPECTED_HOME[locale]]
    assert positions == sorted(positions)  # newest version first


@pytest.mark.parametrize("locale", LOCALES)
def test_the_recruiting_invitation_and_its_answer(locale: str) -> None:
    invitation = recruiting_messages.invitation(locale, 42, 30, 182)
    declined = recruiting_messages.invitation_declined(locale, 42, 30, 182)

    actions = next(block for block in invitation.blocks if block["type"] == "actions")["elements"]
    assert [element["action_id"] for element in actions] == [ids.OPEN_VOLUNTEER_MODAL, ids.RECRUITING_NOT_NOW]
    assert actions[1]["value"] == "42"
    assert all(block["type"] != "actions" for block in declined.blocks)
    assert recruiting_messages.campaign_started(locale, "2026-T3", 0, 5).text
    expected = {
        "en": "a video call every month, for 6 months",
        "fr": "un appel vidéo chaque mois, pendant 6\u00a0mois",
    }
    assert expected[locale] in invitation.text


@pytest.mark.parametrize(
    ("locale", "interval", "term", "expected"),
    [
        ("en", 14, 100, "every 2 weeks, for 100 days"),
        ("fr", 14, 100, "toutes les 2\u00a0semaines, pendant 100\u00a0jours"),
    ],
)
def test_the_recruiting_invitation_names_the_schools_cadences(
    locale: str, interval: int, term: int, expected: str
) -> None:
    assert expected in recruiting_messages.invitation(locale, 42, interval, term).text


@pytest.mark.parametrize(
    ("invited", "english", "french"),
    [
        (1, "1 alumnus will be invited", "1 ancienne ou ancien élève sera invité"),
        (2, "2 alumni will be invited", "2 anciennes et anciens élèves seront invités"),
    ],
)
def test_the_campaign_counts_its_invitations_with_plural_rules(
    invited: int, english: str, french: str
) -> None:
    assert english in recruiting_messages.campaign_started("en", "2026-T3", invited, 0).text
    assert french in recruiting_messages.campaign_started("fr", "2026-T3", invited, 0).text


def test_topics_keep_their_keys_and_new_lines_get_a_slug() -> None:
    text = "\n".join(
        [
            "careers | Carrières | Careers and jobs",
            "Arts et culture | Arts",
            "Droit & société | Law & society",
            "",
            "Santé",
        ]
    )

    topics, problems = parse_topics(text, CURRENT)

    assert problems == []
    assert topics == [
        {"key": "careers", "fr": "Carrières", "en": "Careers and jobs"},
        {"key": "arts", "fr": "Arts et culture", "en": "Arts"},  # matched by its French label
        {"key": "law_society", "fr": "Droit & société", "en": "Law & society"},
        {"key": "sante", "fr": "Santé", "en": "Santé"},
    ]


def test_a_new_topic_whose_slug_is_taken_gets_a_suffix() -> None:
    topics, _ = parse_topics("Careers advice | Careers\nnew | Nouveau | Careers!", [])

    assert [topic["key"] for topic in topics] == ["careers", "new"]
    topics, _ = parse_topics("careers | A | B\nC | Careers", [])
    assert [topic["key"] for topic in topics] == ["careers", "careers_2"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a | b | c | d", "topic_line"),
        ("Bad Key | Libellé | Label", "topic_key"),
        ("careers | A | B\ncareers | C | D", "topic_duplicate"),
        ("x" * 76, "topic_label_too_long"),
        ("  \n", "topics_empty"),
        ("careers | | B", "topic_line"),
    ],
)
def test_a_malformed_topic_list_is_refused_with_its_line(text: str, problem: str) -> None:
    _, problems = parse_topics(text, CURRENT)

    assert [p.key for p in problems][:1] == [problem]


def test_slugs_are_ascii_lowercase() -> None:
    assert topic_slug("Études à l'étranger !") == "etudes_a_l_etranger"
    assert topic_slug("日本") == "topic"


def cadence_view(**values: object) -> dict:
    filled = {name: str(value) for name, value in (DEFAULT_CADENCES | values).items()}
    return {
        "state": {
            "values": {
                ids.CADENCE_INPUT_PREFIX + name: {ids.CADENCE_INPUT_PREFIX + name: {"value": value}}
                for name, value in filled.items()
            }
        }
    }


def test_cadences_are_checked_against_their_ranges_and_the_quiet_hours_order() -> None:
    values, problems = read_cadences(cadence_view(offers_per_request=11, survey_delay_days="x"))
    assert set(problems) == {
        ids.CADENCE_INPUT_PREFIX + "offers_per_request",
        ids.CADENCE_INPUT_PREFIX + "survey_delay_days",
    }

    _, problems = read_cadences(cadence_view(quiet_hours_start=18, quiet_hours_end=9))
    assert problems == {ids.CADENCE_INPUT_PREFIX + "quiet_hours_end": ("quiet_hours_order", {"start": 18})}

    values, problems = read_cadences(cadence_view(student_reminder_interval_days=0, mentorship_term_days=365))
    assert problems == {} and values["student_reminder_interval_days"] == 0


def test_terms_are_thirds_of_the_calendar_year() -> None:
    assert term_of(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-T1"
    assert term_of(datetime(2026, 4, 30, 23, tzinfo=UTC)) == "2026-T1"
    assert term_of(datetime(2026, 5, 1, tzinfo=UTC)) == "2026-T2"
    assert term_of(datetime(2026, 12, 31, tzinfo=UTC)) == "2026-T3"
