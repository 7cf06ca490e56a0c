"""`/mentoring-stats settings` end to end over signed HTTP: the overview, the charter, topics and cadences
modals with their errors, the audit trail, the admins' Home section, and every door tried by a non-admin."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.programme import charter_in_force, programme_settings
from bot.sandbox import Sandbox
from storage.models import CharterVersion, ProgrammeSettings, Role, SettingsChange
from storage.queries.mentors import record_charter_acceptance
from storage.queries.programme import add_charter_version
from tests.factories import make_member, shown_text

STATS = ids.STATS_COMMAND
CADENCE = ids.CADENCE_INPUT_PREFIX


def admin(sandbox: Sandbox, user_id: str = "UADMIN", locale: str = "en-GB") -> None:
    sandbox.slack.add_user(user_id, locale=locale)  # UADMIN is in MENTORBOT_ADMINS


def outsider(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UEVE", locale="en-GB")
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UEVE", role=Role.ALUMNUS, locale="en")


def open_settings(sandbox: Sandbox, user_id: str = "UADMIN"):  # type: ignore[no-untyped-def]
    sandbox.command(user_id, "settings", command=STATS)
    return sandbox.slack.last_message_to(user_id)


def open_modal(sandbox: Sandbox, action_id: str, user_id: str = "UADMIN") -> dict:
    overview = open_settings(sandbox, user_id)
    sandbox.click(user_id, overview, action_id)
    return sandbox.slack.last_view_opened()


def changes(sandbox: Sandbox) -> list[tuple[str, str, str | None, str | None]]:
    with sandbox.bot.sessions.begin() as session:
        rows = session.scalars(select(SettingsChange).order_by(SettingsChange.id))
        return [(row.changed_by, row.setting, row.old_value, row.new_value) for row in rows]


def test_an_admin_sees_every_setting_with_its_edit_button(sandbox: Sandbox) -> None:
    admin(sandbox)
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UNOROLE", role=None)

    overview = open_settings(sandbox)

    assert overview.ephemeral
    text = shown_text(overview)
    assert "*Charter*: version 1" in text
    assert "*Topics* (10):" in text
    assert "mentors offered each request at once: 3" in text
    assert (
        "first-contact check after 3 days; first-meeting survey after 1 month; meeting prompt every month"
        in text
    )
    assert "mentorships last 6 months; student reminders every 4 weeks" in text
    assert "Members without a role (2): <@UNOROLE>, <@UADMIN>" in text  # the admin has no role either
    assert "No settings have been changed yet." in text


def test_the_french_word_opens_the_settings_in_french(sandbox: Sandbox) -> None:
    admin(sandbox, locale="fr-FR")

    sandbox.command("UADMIN", "réglages", command=STATS)

    assert "Réglages du programme de mentorat" in sandbox.slack.last_message_to("UADMIN").text


def test_a_new_charter_version_is_published_and_recorded(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_CHARTER_MODAL)
    assert view["callback_id"] == ids.CHARTER_VIEW

    response = sandbox.submit(
        "UADMIN", view, {ids.CHARTER_TEXT_FR: "Nouvelle charte", ids.CHARTER_TEXT_EN: "New charter"}
    )

    assert response.status == 200 and response.json() is None  # the modal closes
    with sandbox.bot.sessions.begin() as session:
        charter = charter_in_force(session, sandbox.team_id)
        assert (charter.version, charter.text_fr, charter.text_en, charter.created_by) == (
            2,
            "Nouvelle charte",
            "New charter",
            "UADMIN",
        )
    assert changes(sandbox) == [("UADMIN", "charter", "v1", "v2")]
    assert "Charter version 2 is now in force." in sandbox.slack.last_message_to("UADMIN").text
    assert "charter, v1 → v2" in shown_text(open_settings(sandbox))


def test_saving_the_charter_unchanged_adds_no_version(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_CHARTER_MODAL)

    sandbox.submit("UADMIN", view, {})  # the pre-filled texts, untouched

    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CharterVersion)) == 1
    assert changes(sandbox) == []
    assert "unchanged" in sandbox.slack.last_message_to("UADMIN").text


def test_an_empty_charter_is_refused_in_the_modal(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_CHARTER_MODAL)

    response = sandbox.driver.submit_view(
        "UADMIN", view, {ids.CHARTER_TEXT_FR: "   ", ids.CHARTER_TEXT_EN: "Fine"}, check_required=False
    )
    sandbox.settle()

    assert response.json() == {
        "response_action": "errors",
        "errors": {ids.CHARTER_TEXT_FR: "Write the charter in this language."},
    }
    with sandbox.bot.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(CharterVersion)) == 1


def test_topics_are_edited_with_stable_keys_and_recorded(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_TOPICS_MODAL)
    lines = view["blocks"][1]["element"]["initial_value"].splitlines()
    assert lines[0].startswith("careers | ")

    edited = [lines[0].replace("careers | ", "careers | Carrières | ").rsplit(" | ", 2)[0] + " | Careers"]
    edited += [*lines[1:3], "Droit et société | Law and society"]
    sandbox.submit("UADMIN", view, {ids.TOPICS_INPUT: "\n".join(edited)})

    with sandbox.bot.sessions.begin() as session:
        topics = programme_settings(session, sandbox.team_id).topics
    assert [topic["key"] for topic in topics] == ["careers", "studies", "internships", "law_and_society"]
    assert topics[0] == {"key": "careers", "fr": "Carrières", "en": "Careers"}
    [(who, setting, old, new)] = changes(sandbox)
    assert (who, setting, len(old.splitlines()), len(new.splitlines())) == ("UADMIN", "topics", 10, 4)
    assert "Topics now offered: 4" in sandbox.slack.last_message_to("UADMIN").text


def test_a_malformed_topic_list_is_refused_with_its_line(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_TOPICS_MODAL)

    response = sandbox.submit("UADMIN", view, {ids.TOPICS_INPUT: "careers | A | B\nBad Key | C | D"})

    assert response.json()["response_action"] == "errors"
    assert response.json()["errors"][ids.TOPICS_INPUT].startswith("Line 2: the key `Bad Key`")
    assert changes(sandbox) == []


def test_cadences_are_saved_one_audit_line_each(sandbox: Sandbox) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_CADENCES_MODAL)

    sandbox.submit(
        "UADMIN",
        view,
        {CADENCE + "offers_per_request": "5", CADENCE + "student_reminder_interval_days": "0"},
    )

    with sandbox.bot.sessions.begin() as session:
        settings = session.get(ProgrammeSettings, sandbox.team_id)
        assert settings is not None
        assert (settings.offers_per_request, settings.student_reminder_interval_days) == (5, 0)
    assert changes(sandbox) == [
        ("UADMIN", "student_reminder_interval_days", "28", "0"),
        ("UADMIN", "offers_per_request", "3", "5"),
    ]
    text = shown_text(open_settings(sandbox))
    assert "student reminders off" in text and "mentors offered each request at once: 5" in text
    assert "Mentors offered each request at once, 3 → 5" in text


@pytest.mark.parametrize(
    ("values", "field", "error"),
    [
        ({CADENCE + "offers_per_request": "11"}, "offers_per_request", "A whole number from 1 to 10."),
        ({CADENCE + "survey_delay_days": "0"}, "survey_delay_days", "A whole number from 1 to 365."),
        (
            {CADENCE + "quiet_hours_start": "18", CADENCE + "quiet_hours_end": "9"},
            "quiet_hours_end",
            "The end must come after the start (18:00).",
        ),
    ],
)
def test_cadences_out_of_range_keep_the_modal_open(
    sandbox: Sandbox, values: dict, field: str, error: str
) -> None:
    admin(sandbox)
    view = open_modal(sandbox, ids.OPEN_CADENCES_MODAL)

    response = sandbox.submit("UADMIN", view, values)

    assert response.json() == {"response_action": "errors", "errors": {CADENCE + field: error}}
    assert changes(sandbox) == []


def test_admins_see_the_charter_and_its_acceptances_on_their_home(sandbox: Sandbox) -> None:
    admin(sandbox)
    with sandbox.bot.sessions.begin() as session:
        make_member(session, sandbox.team_id, "UADMIN", role=Role.ALUMNUS, locale="en")
        make_member(session, sandbox.team_id, "UNOROLE", role=None)
        charter_in_force(session, sandbox.team_id)
        add_charter_version(session, sandbox.team_id, text_fr="v2", text_en="v2", created_by="UADMIN")
        mia = make_member(session, sandbox.team_id, "UMIA", role=Role.ALUMNUS)
        leo = make_member(session, sandbox.team_id, "ULEO", role=Role.STUDENT)
        now = sandbox.bot.clock.now()
        record_charter_acceptance(session, sandbox.team_id, mia.id, 1, "mentor", now)
        record_charter_acceptance(session, sandbox.team_id, leo.id, 2, "mentee", now)

    sandbox.driver.app_home_opened("UADMIN")
    sandbox.settle()

    home = shown_text(sandbox.slack.home_of("UADMIN"))
    assert "*Mentoring charter*: version 2 in force" in home
    assert "Version 2, accepted by mentors: 0 · by students: 1" in home
    assert "Version 1, accepted by mentors: 1 · by students: 0" in home
    assert "Members without a role: 1." in home


def test_members_who_are_not_admins_see_no_charter_section(sandbox: Sandbox) -> None:
    outsider(sandbox)

    sandbox.driver.app_home_opened("UEVE")
    sandbox.settle()

    assert "Mentoring charter" not in shown_text(sandbox.slack.home_of("UEVE"))


# ------------------------------------------------------------------------------------------------------
# Every door, tried by someone who is not an admin


def test_a_non_admin_is_refused_the_settings_command(sandbox: Sandbox, caplog) -> None:  # type: ignore[no-untyped-def]
    outsider(sandbox)

    with caplog.at_level(logging.INFO):
        sandbox.command("UEVE", "settings", command=STATS)

    assert "only the mentoring programme's admins" in sandbox.slack.last_message_to("UEVE").text
    assert any("UEVE" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "action_id",
    [ids.OPEN_CHARTER_MODAL, ids.OPEN_TOPICS_MODAL, ids.OPEN_CADENCES_MODAL, ids.START_RECRUITING],
)
def test_a_non_admin_clicking_a_settings_button_is_refused(sandbox: Sandbox, action_id: str) -> None:
    admin(sandbox)
    outsider(sandbox)
    overview = open_settings(sandbox)  # an admin's message, its button replayed by someone else

    sandbox.click("UEVE", overview, action_id)

    assert sandbox.slack.calls_to("views.open") == []
    assert "only the mentoring programme's admins" in sandbox.slack.last_message_to("UEVE").text
    assert changes(sandbox) == []


@pytest.mark.parametrize(
    ("action_id", "values"),
    [
        (ids.OPEN_CHARTER_MODAL, {ids.CHARTER_TEXT_FR: "Pirate", ids.CHARTER_TEXT_EN: "Pirate"}),
        (ids.OPEN_TOPICS_MODAL, {ids.TOPICS_INPUT: "pirates | Pirates | Pirates"}),
        (ids.OPEN_CADENCES_MODAL, {CADENCE + "offers_per_request": "10"}),
    ],
)
def test_a_non_admin_submitting_a_settings_modal_changes_nothing(
    sandbox: Sandbox, action_id: str, values: dict
) -> None:
    admin(sandbox)
    outsider(sandbox)
    view = open_modal(sandbox, action_id)  # the admin's modal, submitted by someone else

    sandbox.submit("UEVE", view, values)

    with sandbox.bot.sessions.begin() as session:
        settings = programme_settings(session, sandbox.team_id)
        assert settings.offers_per_request == 3 and settings.topics[0]["key"] == "careers"
        assert charter_in_force(session, sandbox.team_id).version == 1
    assert changes(sandbox) == []
    assert "only the mentoring programme's admins" in sandbox.slack.last_message_to("UEVE").text
