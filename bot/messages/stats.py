"""The admins' messages of `/mentoring-stats`: the report, its usage line, the refusal, the export notes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from bot import ids
from bot.i18n import days, t, tn
from bot.messages.kit import Message, button, buttons, escape, message, note, section
from bot.messages.recognition import CampaignFigures, FailedDelivery, campaign_line, failed_deliveries

VOLUNTEER_RATE_BENCHMARK = 0.25
# The windows of two follow-through figures; bot/stats.py counts with them and the report names them.
FIRST_CONTACT_WITHIN_DAYS = 7
MET_RECENTLY_DAYS = 30
VOLUNTEER_RATE_ENGAGED = 0.30


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class Period(enum.StrEnum):
    LAST_30_DAYS = "30d"
    LAST_90_DAYS = "90d"
    TERM = "term"
    ALL = "all"


@dataclass(frozen=True)
class TopicCount:
    topic: str
    requests: int


@dataclass(frozen=True)
class MonthTrend:
    month: str  # 'YYYY-MM'
    matches: int
    first_contacts: int
    meetings: int


@dataclass(frozen=True)
class ProgrammeStats:
    """Every figure of the report, for one workspace, one period, at one moment."""

    volunteer_rate_benchmark: ClassVar[float] = VOLUNTEER_RATE_BENCHMARK
    volunteer_rate_engaged: ClassVar[float] = VOLUNTEER_RATE_ENGAGED
    period: Period
    since: datetime | None
    now: datetime
    term_days: int
    # supply (now)
    alumni: int
    mentors: int
    paused_mentors: int
    free_places: int
    # demand
    students: int
    students_never_asked: int
    requests: int
    open_requests: int
    waiting_requests: int
    requests_expired: int  # closed in the period without a mentor
    matches: int
    median_time_to_match: timedelta | None
    offers_declined: int
    offers_expired: int
    # follow-through
    mentorships_due_first_contact: int
    first_contacts_within_7_days: int
    surveys_sent: int
    surveys_answered: int
    average_rating: float | None
    not_met_yet: int
    active_pairs: int
    active_pairs_met_recently: int
    dormant_pairs: int
    ended: int
    ended_by_student: int
    ended_by_mentor: int
    ended_by_programme: int
    # topics
    top_topics: tuple[TopicCount, ...]
    unmet_topics: tuple[TopicCount, ...]
    # delivery
    followups_failed: int
    followups_held: int
    inactive_members: int
    # chart
    trend: tuple[MonthTrend, ...]
    # The error Slack refuses the bot's token with, while the workspace's deliveries are paused.
    delivery_paused_by: str | None = None
    # The latest failed follow-ups (re-sent from the report), and this term's recruiting campaign.
    failed_deliveries: tuple[FailedDelivery, ...] = ()
    campaign: CampaignFigures | None = None

    @property
    def volunteer_rate(self) -> float | None:
        return ratio(self.mentors, self.alumni)

    @property
    def first_contact_rate(self) -> float | None:
        return ratio(self.first_contacts_within_7_days, self.mentorships_due_first_contact)

    @property
    def survey_response_rate(self) -> float | None:
        return ratio(self.surveys_answered, self.surveys_sent)

    @property
    def met_recently_rate(self) -> float | None:
        return ratio(self.active_pairs_met_recently, self.active_pairs)


NOTHING = "—"


def decimal(locale: str, value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", t(locale, "stats.format.decimal_separator"))


def percent(locale: str, value: float | None) -> str:
    """A ratio as a whole percentage in the reader's typography, or a dash when there is nothing to divide."""
    if value is None:
        return NOTHING
    return t(locale, "stats.format.percent", value=round(value * 100))


def duration(locale: str, value: timedelta | None) -> str:
    if value is None:
        return NOTHING
    hours = value.total_seconds() / 3600
    if hours < 48:
        return t(locale, "stats.format.hours", hours=decimal(locale, hours))
    return tn(locale, "stats.format.days", round(hours / 24, 1))


def topic_list(locale: str, topics: Sequence[TopicCount], labels: dict[str, str], empty_key: str) -> str:
    if not topics:
        return t(locale, empty_key)
    return ", ".join(
        t(
            locale,
            "stats.topics.item",
            topic=escape(labels.get(item.topic, item.topic)),
            requests=item.requests,
        )
        for item in topics
    )


def period_label(locale: str, figures: ProgrammeStats) -> str:
    return t(locale, f"stats.period.{figures.period.value}", days=days(locale, figures.term_days))


class ChartNote(enum.StrEnum):
    """What became of the report's trend chart, as the report tells the admin."""

    SENT = "sent"  # uploaded to their DM
    FAILED = "failed"  # the upload failed
    NOT_INSTALLED = "not_installed"  # mentorbot was installed without its charts extra: nothing drawn


CHART_NOTES = {
    ChartNote.SENT: "stats.chart_sent",
    ChartNote.FAILED: "stats.chart_failed",
    ChartNote.NOT_INSTALLED: "stats.chart_not_installed",
}


def report(
    locale: str, figures: ProgrammeStats, topic_labels: dict[str, str], *, chart: ChartNote
) -> Message:
    """The ephemeral report: five short sections, the chart's whereabouts, the definitions, Export CSV."""
    title = t(locale, "stats.title", period=period_label(locale, figures), date=f"{figures.now:%Y-%m-%d}")
    supply = t(
        locale,
        "stats.supply",
        alumni=figures.alumni,
        mentors=figures.mentors,
        rate=percent(locale, figures.volunteer_rate),
        benchmark=percent(locale, figures.volunteer_rate_benchmark),
        engaged=percent(locale, figures.volunteer_rate_engaged),
        paused=figures.paused_mentors,
        free_places=figures.free_places,
    )
    demand = t(
        locale,
        "stats.demand",
        students=figures.students,
        never_asked=figures.students_never_asked,
        requests=figures.requests,
        open=figures.open_requests,
        waiting=figures.waiting_requests,
        matches=figures.matches,
        median=duration(locale, figures.median_time_to_match),
        closed_unmatched=tn(locale, "stats.requests_expired", figures.requests_expired),
        declined=figures.offers_declined,
        expired=figures.offers_expired,
    )
    follow_through = t(
        locale,
        "stats.follow_through",
        within=days(locale, FIRST_CONTACT_WITHIN_DAYS),
        recently=days(locale, MET_RECENTLY_DAYS),
        first_contact_rate=percent(locale, figures.first_contact_rate),
        first_contacts=figures.first_contacts_within_7_days,
        started=figures.mentorships_due_first_contact,
        survey_rate=percent(locale, figures.survey_response_rate),
        answered=figures.surveys_answered,
        sent=figures.surveys_sent,
        rating=decimal(locale, figures.average_rating) if figures.average_rating is not None else NOTHING,
        not_met_yet=figures.not_met_yet,
        met_rate=percent(locale, figures.met_recently_rate),
        met=figures.active_pairs_met_recently,
        active=figures.active_pairs,
        dormant=figures.dormant_pairs,
        ended=figures.ended,
        by_student=figures.ended_by_student,
        by_mentor=figures.ended_by_mentor,
        by_programme=figures.ended_by_programme,
    )
    topics = t(
        locale,
        "stats.topics.section",
        top=topic_list(locale, figures.top_topics, topic_labels, "stats.topics.no_requests"),
        unmet=topic_list(locale, figures.unmet_topics, topic_labels, "stats.topics.all_met"),
    )
    delivery = t(
        locale,
        "stats.delivery",
        failed=figures.followups_failed,
        held=figures.followups_held,
        inactive=figures.inactive_members,
    )
    if figures.delivery_paused_by is not None:
        delivery += "\n" + t(locale, "stats.delivery_paused", error=figures.delivery_paused_by)
    return message(
        title,
        [
            section(title),
            section(supply),
            section(demand),
            section(follow_through),
            section(topics),
            section(delivery),
            *failed_deliveries(locale, figures.failed_deliveries),
            *(
                [section(campaign_line(locale, figures.campaign))]
                if figures.campaign is not None and figures.campaign.invited
                else []
            ),
            note(t(locale, CHART_NOTES[chart])),
            note(
                t(
                    locale,
                    "stats.definitions",
                    within=days(locale, FIRST_CONTACT_WITHIN_DAYS),
                    recently=days(locale, MET_RECENTLY_DAYS),
                )
            ),
            buttons(button(t(locale, "stats.export_button"), ids.EXPORT_STATS_CSV, "csv")),
        ],
    )


def usage(locale: str, text: str) -> Message:
    body = t(locale, "stats.usage", text=escape(text[:100]))
    return message(body, [section(body)])


def admins_only(locale: str) -> Message:
    body = t(locale, "common.admins_only")
    return message(body, [section(body)])


def export_sent(locale: str) -> Message:
    body = t(locale, "stats.export_sent")
    return message(body, [section(body)])


def export_failed(locale: str) -> Message:
    body = t(locale, "stats.export_failed")
    return message(body, [section(body)])


def chart_title(locale: str) -> str:
    return t(locale, "stats.chart.title")


def chart_alt_text(locale: str, trend: Sequence[MonthTrend]) -> str:
    """What the picture shows, in words, for screen readers: the totals over the months drawn."""
    return t(
        locale,
        "stats.chart.alt_text",
        months=tn(locale, "stats.chart.alt_months", len(trend)),
        matches=tn(locale, "stats.chart.alt_matches", sum(month.matches for month in trend)),
        first_contacts=tn(locale, "stats.chart.alt_first_contacts", sum(m.first_contacts for m in trend)),
        meetings=tn(locale, "stats.chart.alt_meetings", sum(month.meetings for month in trend)),
    )


def export_comment(locale: str) -> str:
    return t(locale, "stats.export_comment")
