"""An upload URL that fails (HTTP 500, or a connection reset mid-upload) costs the file, never the answer:
the person is told, in their language, that the file did not arrive, and no listener fails."""

from __future__ import annotations

import pytest

from bot import ids
from bot.clock import ManualClock
from bot.i18n import t
from bot.sandbox import Sandbox
from bot.slack_double.web_api import UPLOAD_FAULTS
from tests.factories import shown_text
from tests.factories_stats import seed_programme
from tests.handlers.test_privacy_flow import a_pair_with_history

STATS = ids.STATS_COMMAND


@pytest.fixture(params=UPLOAD_FAULTS)
def upload_fault(request: pytest.FixtureRequest) -> str:
    return request.param


def no_listener_failed(caplog: pytest.LogCaptureFixture) -> bool:
    return not any("listener failed" in record.getMessage() for record in caplog.records)


def test_the_stats_report_arrives_and_says_the_chart_did_not(
    sandbox: Sandbox, upload_fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    seed_programme(sandbox.bot.sessions, sandbox.bot.clock.now(), with_other_team=False)
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.slack.fail_uploads(upload_fault)

    sandbox.command("UADMIN", "all", command=STATS)

    report = shown_text(sandbox.slack.last_message_to("UADMIN"))
    assert "*Mentoring programme: since the start*" in report
    assert "The trend chart could not be sent to your direct messages this time." in report
    assert "is in your direct messages" not in report
    assert sandbox.slack.uploaded_files == []
    assert [call.ok for call in sandbox.slack.calls_to("upload")] == [False]
    assert no_listener_failed(caplog)


def test_a_failed_csv_export_tells_the_admin_in_french(
    sandbox: Sandbox, upload_fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    seed_programme(sandbox.bot.sessions, sandbox.bot.clock.now(), with_other_team=False)
    sandbox.slack.add_user("UADMIN", locale="fr-FR")
    sandbox.command("UADMIN", "30d", command=STATS)
    report = sandbox.slack.last_message_to("UADMIN")
    charts = list(sandbox.slack.uploaded_files)
    sandbox.slack.fail_uploads(upload_fault)

    sandbox.click("UADMIN", report, ids.EXPORT_STATS_CSV)

    answer = shown_text(sandbox.slack.last_message_to("UADMIN"))
    assert "Les fichiers CSV n'ont pas pu être envoyés dans vos messages privés." in answer
    assert sandbox.slack.uploaded_files == charts  # no CSV arrived
    assert no_listener_failed(caplog)


def test_a_failed_export_of_my_data_says_so_in_my_language(
    sandbox: Sandbox, clock: ManualClock, upload_fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    pair = a_pair_with_history(sandbox, clock, student_locale="fr")
    sandbox.command(pair.student_user, "privacy")
    sandbox.slack.fail_uploads(upload_fault)

    sandbox.click(pair.student_user, sandbox.slack.last_message_to(pair.student_user), ids.PRIVACY_EXPORT)

    answer = shown_text(sandbox.slack.last_message_to(pair.student_user))
    assert "Impossible d'envoyer vos données dans vos messages privés." in answer
    assert "vous attendent" not in answer
    assert sandbox.slack.uploaded_files == []
    assert no_listener_failed(caplog)


def test_a_failed_admin_export_of_a_members_data_says_so_to_the_admin(
    sandbox: Sandbox, clock: ManualClock, upload_fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    pair = a_pair_with_history(sandbox, clock)
    sandbox.slack.add_user("UADMIN", locale="en-GB")
    sandbox.slack.fail_uploads(upload_fault)

    sandbox.command("UADMIN", f"admin privacy <@{pair.student_user}|stu> export")

    answer = shown_text(sandbox.slack.last_message_to("UADMIN"))
    assert t("en", "privacy.admin_export_failed", name=f"<@{pair.student_user}>") in answer
    assert "to pass on to them" not in answer
    assert sandbox.slack.uploaded_files == []
    assert no_listener_failed(caplog)
