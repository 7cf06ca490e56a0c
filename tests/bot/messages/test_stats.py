"""The admins' report and its small messages, in both languages, checked against Block Kit's limits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot import ids
from bot.messages.kit import Message
from bot.messages.stats import (
    ChartNote,
    admins_only,
    chart_alt_text,
    export_failed,
    export_sent,
    report,
    usage,
)
from bot.slack_double.web_api import block_kit_problem
from bot.stats import MonthTrend, Period, ProgrammeStats, TopicCount, trend_months

LOCALES = ["fr", "en"]
NOW = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
FIGURES = ProgrammeStats(
    period=Period.LAST_90_DAYS,
    since=NOW - timedelta(days=90),
    now=NOW,
    term_days=182,
    alumni=40,
    mentors=10,
    paused_mentors=2,
    free_places=7,
    students=60,
    students_never_asked=20,
    requests=31,
    open_requests=6,
    waiting_requests=2,
    requests_expired=9,
    matches=12,
    median_time_to_match=timedelta(hours=36),
    offers_declined=4,
    offers_expired=3,
    mentorships_due_first_contact=10,
    first_contacts_within_7_days=7,
    surveys_sent=16,
    surveys_answered=10,
    average_rating=4.25,
    not_met_yet=2,
    active_pairs=18,
    active_pairs_met_recently=9,
    dormant_pairs=1,
    ended=5,
    ended_by_student=2,
    ended_by_mentor=1,
    ended_by_programme=2,
    top_topics=(TopicCount("careers", 9), TopicCount("health", 4)),
    unmet_topics=(TopicCount("health", 4),),
    followups_failed=5,
    followups_held=4,
    inactive_members=3,
    trend=tuple(MonthTrend(month, 1, 1, 2) for month in trend_months(NOW)),
)
LABELS = {"careers": "Careers <& orientation>", "health": "Santé"}


def texts(message: Message) -> str:
    parts = []
    for block in message.blocks:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts += [element["text"] for element in block["elements"]]
    return "\n".join(parts)


def assert_valid(message: Message) -> None:
    assert block_kit_problem(blocks=message.blocks) is None
    assert len(message.blocks) <= 50
    assert message.text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_report_renders_within_block_kit_limits_in_both_languages(locale: str) -> None:
    message = report(locale, FIGURES, LABELS, chart=ChartNote.SENT)

    assert_valid(message)
    assert all(len(block["text"]["text"]) <= 3000 for block in message.blocks if block["type"] == "section")
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [button["action_id"] for button in buttons] == [ids.EXPORT_STATS_CSV]


def test_the_french_report_uses_french_typography_and_words() -> None:
    shown = texts(report("fr", FIGURES, LABELS, chart=ChartNote.SENT))

    assert "*Programme de mentorat : les 90 derniers jours* (au 2026-09-07)" in shown
    assert "Taux de volontariat : *25\u00a0%* (référence 25\u00a0%, jusqu'à 30\u00a0%" in shown
    assert "délai médian avant la mise en relation : 36,0\u00a0h" in shown  # under two days: in hours
    assert "note moyenne 4,2/5" in shown
    assert "Premier contact sous 1\u00a0semaine : *70\u00a0%* (7 mentorats sur 10)" in shown
    assert "messages privés" in shown


def test_the_english_report_states_each_figure_and_its_definition() -> None:
    shown = texts(report("en", FIGURES, LABELS, chart=ChartNote.SENT))

    assert "Volunteer rate: *25%* (benchmark 25%, up to 30% in the most engaged schools)" in shown
    assert "Students (now): 60, of whom never asked for a mentor: 20" in shown
    assert "open now: 6, of which waiting for an available mentor: 2" in shown
    assert "First-meeting survey: 62% answered (10 of 16)" in shown
    assert "Pairs that met less than 1 month ago: *50%* (9 of 18 active pairs)" in shown
    assert "Mentorships ended: 5 (by the student 2, by the mentor 1, end of term or other 2)" in shown
    assert "Follow-ups failed: 5" in shown and "Members marked inactive: 3" in shown
    assert "Volunteer rate = volunteer mentors / alumni" in shown


@pytest.mark.parametrize(
    ("locale", "count", "line"),
    [
        ("en", 9, "• 9 requests closed without a mentor\n"),
        ("en", 1, "• 1 request closed without a mentor\n"),
        ("en", 0, "• 0 requests closed without a mentor\n"),
        ("fr", 9, "• 9 demandes closes sans mentor\n"),
        ("fr", 1, "• 1 demande close sans mentor\n"),
        ("fr", 0, "• 0 demande close sans mentor\n"),  # French counts zero in the singular
    ],
)
def test_the_demand_section_says_how_many_requests_closed_without_a_mentor(
    locale: str, count: int, line: str
) -> None:
    message = report(
        locale, dataclasses.replace(FIGURES, requests_expired=count), LABELS, chart=ChartNote.SENT
    )

    assert_valid(message)
    assert line in texts(message)


def test_topic_labels_are_escaped_and_unknown_topics_shown_by_their_key() -> None:
    figures = dataclasses.replace(FIGURES, unmet_topics=(TopicCount("retired_topic", 1),))

    shown = texts(report("en", figures, LABELS, chart=ChartNote.SENT))

    assert "Most requested: Careers &lt;&amp; orientation&gt; (9), Santé (4)" in shown
    assert "Requested with no available mentor: retired_topic (1)" in shown


@pytest.mark.parametrize("locale", LOCALES)
def test_a_programme_without_data_shows_dashes_not_errors(locale: str) -> None:
    empty = dataclasses.replace(
        FIGURES,
        alumni=0,
        mentors=0,
        median_time_to_match=None,
        average_rating=None,
        surveys_sent=0,
        surveys_answered=0,
        mentorships_due_first_contact=0,
        first_contacts_within_7_days=0,
        active_pairs=0,
        active_pairs_met_recently=0,
        top_topics=(),
        unmet_topics=(),
    )

    message = report(locale, empty, {}, chart=ChartNote.FAILED)

    assert_valid(message)
    shown = texts(message)
    assert "—" in shown
    assert ("no requests in this period" if locale == "en" else "aucune demande sur cette période") in shown


def test_a_chart_that_could_not_be_sent_is_said() -> None:
    assert "could not be sent" in texts(report("en", FIGURES, LABELS, chart=ChartNote.FAILED))


@pytest.mark.parametrize(
    ("locale", "advice"), [("en", "install the charts extra"), ("fr", "installer l'option charts")]
)
def test_a_bot_installed_without_charts_says_how_to_get_them(locale: str, advice: str) -> None:
    message = report(locale, FIGURES, LABELS, chart=ChartNote.NOT_INSTALLED)

    assert_valid(message)
    assert advice in texts(message) and "`pip install 'mentorbot[charts]'`" in texts(message)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_usage_line_escapes_what_was_typed(locale: str) -> None:
    message = usage(locale, "<!channel> weekly")

    assert_valid(message)
    assert "`&lt;!channel&gt; weekly`" in texts(message)
    assert "/mentoring-stats [" in texts(message)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("builder", [admins_only, export_sent, export_failed])
def test_the_short_answers_render_in_both_languages(locale: str, builder) -> None:  # type: ignore[no-untyped-def]
    assert_valid(builder(locale))


@pytest.mark.parametrize("period", list(Period))
def test_every_period_has_a_title_in_both_languages(period: Period) -> None:
    for locale in LOCALES:
        title = report(locale, dataclasses.replace(FIGURES, period=period), LABELS, chart=ChartNote.SENT).text
        assert "{" not in title and title.startswith("*")
    assert (
        "(6 months)"
        in report("en", dataclasses.replace(FIGURES, period=Period.TERM), {}, chart=ChartNote.SENT).text
    )


@pytest.mark.parametrize(
    ("locale", "expected"), [("en", "the last term (100 days)"), ("fr", "le dernier mandat (100\u00a0jours)")]
)
def test_the_term_period_says_the_schools_term_length(locale: str, expected: str) -> None:
    figures = dataclasses.replace(FIGURES, period=Period.TERM, term_days=100)

    assert expected in report(locale, figures, {}, chart=ChartNote.SENT).text


def test_the_chart_alt_text_sums_the_months() -> None:
    assert "12 matches, 12 first contacts and 24 meetings" in chart_alt_text("en", FIGURES.trend)
    assert "12 binômes formés, 12 premiers contacts et 24 rencontres" in chart_alt_text("fr", FIGURES.trend)
    one_month = FIGURES.trend[-1:]
    assert chart_alt_text("en", one_month).startswith("Line chart over 1 month: 1 match, 1 first contact")
    assert chart_alt_text("fr", one_month).startswith("Courbes sur 1\u00a0mois : 1 binôme formé")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_paused_workspace_is_said_in_the_delivery_section(locale: str) -> None:
    paused = dataclasses.replace(FIGURES, delivery_paused_by="token_revoked")

    shown = texts(report(locale, paused, LABELS, chart=ChartNote.SENT))

    assert "`token_revoked`" in shown
    assert "`token_revoked`" not in texts(report(locale, FIGURES, LABELS, chart=ChartNote.SENT))
