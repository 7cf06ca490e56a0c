"""`/mentoring-stats` and its Export CSV button over signed HTTP: admins get the report, the chart and
the files in their DM; everyone else gets a polite refusal and nothing else."""

from __future__ import annotations

import csv
import io
import logging
import time
from datetime import timedelta

import pytest

from bot import ids
from bot.sandbox import Sandbox
from tests.bot.test_stats_chart import without_matplotlib
from tests.factories_stats import seed_programme

STATS = ids.STATS_COMMAND


def shown(message) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for block in message.blocks:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts += [element["text"] for element in block["elements"]]
    return "\n".join(parts)


@pytest.fixture
def programme(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    return seed_programme(sandbox.bot.sessions, sandbox.bot.clock.now(), with_other_team=False)


def test_an_admin_gets_the_report_in_their_language_and_the_chart_in_their_dm(
    sandbox: Sandbox, programme
) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UADMIN", locale="en-GB")  # an admin through MENTORBOT_ADMINS

    started = time.perf_counter()
    ack = sandbox.driver.slash_command("UADMIN", command=STATS, text="all")
    acked_in = time.perf_counter() - started
    sandbox.settle()

    assert ack.status == 200 and acked_in < 1.0  # acked at once; the report follows
    report = sandbox.slack.last_message_to("UADMIN")
    assert report.ephemeral
    assert "*Mentoring programme: since the start*" in shown(report)
    assert f"Alumni: {len(programme.alumni)} · volunteer mentors: {len(programme.mentors)}" in shown(report)
    assert "The trend chart of the last 12 months is in your direct messages" in shown(report)
    [chart] = sandbox.slack.uploaded_files
    assert chart.channel_id == "DADMIN"
    assert chart.filename.endswith(".png") and chart.content.startswith(b"\x89PNG")


def test_a_workspace_admin_gets_the_default_period_in_french(sandbox: Sandbox, programme) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UBOSS", locale="fr-FR", is_owner=True)

    sandbox.command("UBOSS", "", command=STATS)

    assert "*Programme de mentorat : les 90 derniers jours*" in shown(sandbox.slack.last_message_to("UBOSS"))
    assert [upload.channel_id for upload in sandbox.slack.uploaded_files] == ["DBOSS"]


def test_an_unknown_period_gets_the_usage_line(sandbox: Sandbox) -> None:
    sandbox.slack.add_user("UADMIN", locale="fr-FR")

    sandbox.command("UADMIN", "weekly", command=STATS)

    assert "Je ne connais pas la période `weekly`" in shown(sandbox.slack.last_message_to("UADMIN"))
    assert sandbox.slack.uploaded_files == []


@pytest.mark.parametrize("text", ["", "all", "90d", "settings", "weekly"])
def test_a_non_admin_is_refused_whatever_they_type_and_sees_no_figure(
    sandbox: Sandbox, programme, text: str, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("US000", locale="en-US")  # a student of the seeded programme

    with caplog.at_level(logging.INFO, logger="bot.stats"):
        sandbox.command("US000", text, command=STATS)

    refusal = sandbox.slack.last_message_to("US000")
    assert shown(refusal) == "Sorry, only the mentoring programme's admins can do that."
    assert sandbox.slack.uploaded_files == []
    assert "refused /mentoring-stats to a non-admin" in caplog.text


def test_a_forged_export_click_by_a_non_admin_uploads_nothing(sandbox: Sandbox, programme) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.slack.add_user("UA010", locale="en-GB")  # an alumnus, not an admin
    sandbox.command("UADMIN", "", command=STATS)
    report = sandbox.slack.last_message_to("UADMIN")
    sandbox.slack.reset()

    sandbox.click("UA010", report, ids.EXPORT_STATS_CSV)

    assert shown(sandbox.slack.last_message_to("UA010")) == (
        "Sorry, only the mentoring programme's admins can do that."
    )
    assert sandbox.slack.uploaded_files == []
    assert sandbox.slack.calls_to("files.getUploadURLExternal") == []


def test_an_admin_exports_the_mentorships_and_members_to_their_dm(sandbox: Sandbox, programme) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.command("UADMIN", "30d", command=STATS)
    report = sandbox.slack.last_message_to("UADMIN")

    sandbox.click("UADMIN", report, ids.EXPORT_STATS_CSV)

    assert "Two CSV files" in shown(sandbox.slack.last_message_to("UADMIN"))
    files = {upload.filename: upload for upload in sandbox.slack.uploaded_files[1:]}
    assert sorted(files) == ["members-2026-09-07.csv", "mentorships-2026-09-07.csv"]
    assert {upload.channel_id for upload in files.values()} == {"DADMIN"}
    mentorships = list(csv.DictReader(io.StringIO(files["mentorships-2026-09-07.csv"].content.decode())))
    members = list(csv.DictReader(io.StringIO(files["members-2026-09-07.csv"].content.decode())))
    assert len(mentorships) == len(programme.mentorships)
    assert len(members) == len(programme.members)


def test_a_demoted_admin_is_refused_at_click_time(sandbox: Sandbox, programme) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UBOSS", locale="en-GB", is_admin=True)
    sandbox.command("UBOSS", "", command=STATS)
    report = sandbox.slack.last_message_to("UBOSS")
    sandbox.slack.add_user("UBOSS", locale="en-GB", is_admin=False)  # demoted in Slack
    sandbox.bot.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    sandbox.slack.reset()

    sandbox.click("UBOSS", report, ids.EXPORT_STATS_CSV)

    assert "only the mentoring programme's admins" in shown(sandbox.slack.last_message_to("UBOSS"))
    assert sandbox.slack.uploaded_files == []


def test_a_chart_that_cannot_be_uploaded_still_leaves_the_figures(sandbox: Sandbox, programme) -> None:  # type: ignore[no-untyped-def]
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.slack.fail_next("files.getUploadURLExternal", error="missing_scope")

    sandbox.command("UADMIN", "term", command=STATS)

    report = shown(sandbox.slack.last_message_to("UADMIN"))
    assert "*Mentoring programme: the last term (6 months)*" in report
    assert "The trend chart could not be sent to your direct messages this time." in report


@pytest.mark.parametrize(
    ("slack_locale", "title", "advice"),
    [
        ("en-GB", "*Mentoring programme: since the start*", "install the charts extra"),
        ("fr-FR", "*Programme de mentorat : depuis le début*", "installer l'option charts"),
    ],
)
def test_without_the_charts_extra_the_report_says_how_to_get_the_chart_and_uploads_nothing(
    sandbox: Sandbox, programme, monkeypatch: pytest.MonkeyPatch, slack_locale: str, title: str, advice: str
) -> None:  # type: ignore[no-untyped-def]
    without_matplotlib(monkeypatch)
    sandbox.slack.add_user("UADMIN", locale=slack_locale)

    sandbox.command("UADMIN", "all", command=STATS)

    report = shown(sandbox.slack.last_message_to("UADMIN"))
    assert title in report and advice in report and "mentorbot[charts]" in report
    assert sandbox.slack.uploaded_files == []
    assert sandbox.slack.calls_to("files.getUploadURLExternal") == []
    assert sandbox.slack.calls_to("files.completeUploadExternal") == []
    assert sandbox.slack.calls_to("upload") == []
