"""The installer's welcome over signed HTTP: the person who installs mentorbot becomes an admin (a plain
member of the workspace included), gets one welcome DM and a Home that guides the first set-up, from
the default charter and topics to the announcement posted to students in both languages. A reinstall
says "welcome back" and starts nothing over; a workspace erased after it left is welcomed as new."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import ids
from bot.clock import ManualClock
from bot.i18n import t
from bot.lifecycle import workspace_returned
from bot.messages import welcome as welcome_messages
from bot.privacy import anonymise_expired
from bot.programme import DEFAULT_TOPIC_KEYS
from bot.sandbox import Sandbox
from bot.welcome import welcome_installer
from bot.work import deliver
from storage.models import CharterVersion, Member, ProgrammeSettings, SettingsChange
from tests.factories import shown_text
from tests.handlers.test_workspace_lifecycle import uninstall

INSTALLER = "UINSTALLER"
STUDENTS_CHANNEL = "CSTUDENTS"
REFUSAL = t("en", "common.admins_only")


def install(sandbox: Sandbox, user_id: str = INSTALLER) -> None:
    """What the OAuth install callback does once the installation is stored."""
    bot, team_id = sandbox.bot, sandbox.team_id
    workspace_returned(bot, team_id)
    deliver(bot, welcome_installer(bot, team_id, user_id), team_id=team_id)
    sandbox.settle()


def dms_to(sandbox: Sandbox, user_id: str) -> list[str]:
    return [message.text for message in sandbox.slack.messages_to(user_id) if message.channel.startswith("D")]


def home_buttons(sandbox: Sandbox, user_id: str) -> list[str]:
    home = sandbox.slack.home_of(user_id)
    assert home is not None, f"no Home published for {user_id}"
    return [block["accessory"]["action_id"] for block in home["blocks"] if block.get("accessory")]


def audit(sandbox: Sandbox, setting: str) -> list[str | None]:
    with sandbox.bot.sessions.begin() as session:
        return list(
            session.scalars(
                select(SettingsChange.new_value)
                .where(SettingsChange.setting == setting)
                .order_by(SettingsChange.id)
            )
        )


def test_the_installer_becomes_an_admin_and_gets_a_welcome_and_a_home_to_set_up_from(
    sandbox: Sandbox,
) -> None:
    sandbox.slack.add_user(INSTALLER, locale="en-GB")  # a plain member: neither admin nor owner
    sandbox.command(INSTALLER, "all", command=ids.STATS_COMMAND)
    assert REFUSAL in sandbox.slack.last_message_to(INSTALLER).text

    install(sandbox)

    assert dms_to(sandbox, INSTALLER) == [t("en", "welcome.first")]  # one DM, no flood
    assert home_buttons(sandbox, INSTALLER)[:4] == [
        ids.OPEN_CHARTER_MODAL,
        ids.OPEN_TOPICS_MODAL,
        ids.START_RECRUITING,
        ids.OPEN_ANNOUNCEMENT_MODAL,
    ]
    with sandbox.bot.sessions.begin() as session:
        member = session.scalar(select(Member).where(Member.slack_user_id == INSTALLER))
        assert member is not None and member.is_programme_admin and not member.is_workspace_admin
        [charter] = session.scalars(select(CharterVersion))
        assert (charter.version, charter.created_by) == (1, None)
        assert (charter.text_fr, charter.text_en) == (
            t("fr", "charter.default_text"),
            t("en", "charter.default_text"),
        )
        settings = session.get(ProgrammeSettings, sandbox.team_id)
        assert settings is not None and [topic["key"] for topic in settings.topics] == list(
            DEFAULT_TOPIC_KEYS
        )
    assert audit(sandbox, "installation") == ["installed"]

    sandbox.command(INSTALLER, "all", command=ids.STATS_COMMAND)
    assert REFUSAL not in sandbox.slack.last_message_to(INSTALLER).text  # an admin now


def test_installing_again_says_welcome_back_once_and_starts_nothing_over(sandbox: Sandbox) -> None:
    sandbox.slack.add_user(INSTALLER, locale="fr-FR")
    install(sandbox)
    with sandbox.bot.sessions.begin() as session:
        welcomed_at = session.get_one(ProgrammeSettings, sandbox.team_id).welcomed_at

    install(sandbox)

    assert dms_to(sandbox, INSTALLER) == [
        t("fr", "welcome.first"),
        t("fr", "welcome.back") + " " + t("fr", "welcome.back_steps_left"),
    ]
    with sandbox.bot.sessions.begin() as session:
        assert session.get_one(ProgrammeSettings, sandbox.team_id).welcomed_at == welcomed_at
        assert len(session.scalars(select(CharterVersion)).all()) == 1
    assert audit(sandbox, "installation") == ["installed", "reinstalled"]


def test_a_school_back_within_the_retention_is_welcomed_back_with_everything_kept(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user(INSTALLER, locale="en-GB")
    install(sandbox)
    uninstall(sandbox)
    clock.advance(timedelta(days=10))

    sandbox.slack.restore_auth()
    install(sandbox)

    assert dms_to(sandbox, INSTALLER)[-1].startswith(t("en", "welcome.back"))
    assert audit(sandbox, "installation") == ["installed", "reinstalled"]


def test_a_school_back_after_its_data_was_erased_is_welcomed_as_new(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.slack.add_user(INSTALLER, locale="en-GB")
    install(sandbox)
    uninstall(sandbox)
    clock.advance(timedelta(days=31))
    anonymise_expired(sandbox.bot, clock.now())

    sandbox.slack.restore_auth()
    install(sandbox)

    assert dms_to(sandbox, INSTALLER)[-1] == t("en", "welcome.first")
    assert audit(sandbox, "installation") == ["installed"]  # the earlier record went with the rest


def test_the_announcement_is_posted_in_both_languages_once_the_admin_confirms(sandbox: Sandbox) -> None:
    sandbox.slack.add_user(INSTALLER, locale="en-GB")
    sandbox.slack.add_channel(STUDENTS_CHANNEL, {"USTU"})
    install(sandbox)

    home = sandbox.slack.home_of(INSTALLER)
    assert home is not None
    sandbox.click(INSTALLER, home, ids.OPEN_ANNOUNCEMENT_MODAL)
    modal = sandbox.slack.last_view_opened()
    assert modal["callback_id"] == ids.ANNOUNCEMENT_VIEW
    assert sandbox.slack.messages_to("USTU") == []  # nothing is posted before the admin confirms
    sandbox.submit(INSTALLER, modal, {ids.ANNOUNCEMENT_CHANNEL: STUDENTS_CHANNEL})

    [post] = sandbox.slack.messages_to("USTU")
    assert post.channel == STUDENTS_CHANNEL
    assert post.text == welcome_messages.announcement("fr").text  # the school's language first
    assert "/mentor" in shown_text(post)
    assert "<#CSTUDENTS>" in sandbox.slack.last_message_to(INSTALLER).text
    assert audit(sandbox, "announcement") == [STUDENTS_CHANNEL]
    assert ids.OPEN_ANNOUNCEMENT_MODAL not in home_buttons(sandbox, INSTALLER)  # the guide is done


def test_the_guides_charter_step_opens_the_settings_modal_and_is_ticked_once_saved(sandbox: Sandbox) -> None:
    sandbox.slack.add_user(INSTALLER, locale="en-GB")
    install(sandbox)
    home = sandbox.slack.home_of(INSTALLER)
    assert home is not None

    sandbox.click(INSTALLER, home, ids.OPEN_CHARTER_MODAL)
    sandbox.submit(
        INSTALLER,
        sandbox.slack.last_view_opened(),
        {ids.CHARTER_TEXT_FR: "Notre charte.", ids.CHARTER_TEXT_EN: "Our charter."},
    )

    home = sandbox.slack.home_of(INSTALLER)
    assert home is not None
    [charter_step] = [
        block
        for block in home["blocks"]
        if block.get("accessory", {}).get("action_id") == ids.OPEN_CHARTER_MODAL
    ]
    assert charter_step["text"]["text"].startswith(welcome_messages.DONE)
    assert t("en", "welcome.step.charter_done", version=2) in charter_step["text"]["text"]


def test_the_announcement_is_refused_to_a_member_who_is_not_an_admin(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("USTU", locale="en-GB")
    sandbox.slack.add_channel(STUDENTS_CHANNEL, {"USTU"})
    forged = welcome_messages.announcement_modal("en", "fr")

    sandbox.driver.block_action(
        "USTU",
        [{"type": "button", "action_id": ids.OPEN_ANNOUNCEMENT_MODAL, "block_id": "x", "action_ts": "1.2"}],
    )
    sandbox.settle()
    sandbox.submit("USTU", {**forged, "id": "VFORGED"}, {ids.ANNOUNCEMENT_CHANNEL: STUDENTS_CHANNEL})

    assert [m.text for m in sandbox.slack.messages_to("USTU")] == [REFUSAL, REFUSAL]
    assert audit(sandbox, "announcement") == []
