"""The admins' report: how the mentoring programme is doing, in figures the database computes.

What each figure means (the report's footnote says the same in short):

- Stock figures are as of now: alumni, students, volunteer mentors, paused mentors, free places (spare
  capacity of mentors who are not paused and still in the workspace), open requests and those *waiting*
  (open with no offer pending), active and dormant pairs, follow-ups held, inactive members.
- Flow figures count what happened in the period (`30d`, `90d` — the default —, `term`: the last
  `mentorship_term_days`, `all`): requests made, matches and the median time from request to match,
  offers declined or expired (among offers made), requests closed without a mentor (expired unmatched,
  counted when they closed), first contacts, surveys, mentorships ended,
  follow-ups failed (due in the period), requested topics.
- Volunteer rate = volunteer mentors / alumni (seed benchmark 25%, up to 30% in the most engaged schools).
- First contact within 7 days = mentorships started in the period, at least 7 days ago, whose first
  contact came at most 7 days after the match / those mentorships.
- Survey response rate = first-meeting surveys sent in the period that their recipient answered /
  first-meeting surveys sent in the period; the average rating is over ratings given in the period.
- Met in the last 30 days = active pairs with a meeting in the last 30 days / active pairs.
- Held follow-ups are due (their time has come) but not sent yet: quiet hours or Slack retries.
- Unmet demand = topics of requests made in the period that no available mentor offers right now.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot import charts
from bot.context import BotContext
from bot.members import Person
from bot.messages import stats as stats_messages
from bot.messages.kit import Message
from bot.messages.recognition import CampaignFigures, FailedDelivery
from bot.messages.stats import (
    FIRST_CONTACT_WITHIN_DAYS,
    MET_RECENTLY_DAYS,
    ChartNote,
    MonthTrend,
    Period,
    ProgrammeStats,
    TopicCount,
)
from bot.outcome import FileToUpload, Outcome, Upload, reply
from bot.programme import programme_settings, topics_of
from storage.models import FollowupKind
from storage.queries import stats as queries
from storage.queries.delivery import paused_workspaces
from storage.queries.followups import latest_failed_followups
from storage.queries.settings import campaign_counts

logger = logging.getLogger(__name__)

FIRST_CONTACT_WITHIN = timedelta(days=FIRST_CONTACT_WITHIN_DAYS)
MET_RECENTLY = timedelta(days=MET_RECENTLY_DAYS)
TREND_MONTHS = 12
TOP_TOPICS = 5


DEFAULT_PERIOD = Period.LAST_90_DAYS
# What admins may type after /mentoring-stats, in either language.
PERIOD_WORDS = {
    "": DEFAULT_PERIOD,
    "30d": Period.LAST_30_DAYS,
    "30j": Period.LAST_30_DAYS,
    "90d": Period.LAST_90_DAYS,
    "90j": Period.LAST_90_DAYS,
    "term": Period.TERM,
    "terme": Period.TERM,
    "all": Period.ALL,
    "tout": Period.ALL,
}


def parse_period(text: str) -> Period | None:
    """The period an admin asked for, or None when the text is not one we know."""
    return PERIOD_WORDS.get(text.strip().lower())


def period_start(period: Period, now: datetime, term_days: int) -> datetime | None:
    """The first moment the period covers, or None for the whole history."""
    days = {Period.LAST_30_DAYS: 30, Period.LAST_90_DAYS: 90, Period.TERM: term_days}.get(period)
    return now - timedelta(days=days) if days is not None else None


def trend_months(now: datetime, months: int = TREND_MONTHS) -> list[str]:
    """The last `months` calendar months (UTC) up to and including the current one, oldest first."""
    year, month = now.year, now.month
    labels = []
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def programme_stats(session: Session, team_id: str, period: Period, now: datetime) -> ProgrammeStats:
    """Every figure of the report, from a dozen aggregate queries: about one a table, each one pass."""
    settings = programme_settings(session, team_id)
    since = period_start(period, now, settings.mentorship_term_days)
    members = queries.member_counts(session, team_id)
    mentors = queries.mentor_counts(session, team_id)
    requests = queries.request_counts(session, team_id, since)
    matches, median = queries.matched_requests(session, team_id, since)
    offers = queries.offer_counts(session, team_id, since)
    pairs = queries.mentorship_counts(session, team_id, since, now, FIRST_CONTACT_WITHIN, now - MET_RECENTLY)
    surveys = queries.survey_counts(session, team_id, since)
    topics = queries.requested_topics(session, team_id, since)
    delivery = queries.delivery_counts(session, team_id, since, now)
    months = trend_months(now)
    first_month = datetime.strptime(months[0] + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    monthly = queries.monthly_counts(session, team_id, first_month)
    return ProgrammeStats(
        period=period,
        since=since,
        now=now,
        term_days=settings.mentorship_term_days,
        alumni=members.alumni,
        mentors=mentors.mentors,
        paused_mentors=mentors.paused,
        free_places=mentors.free_places,
        students=members.students,
        students_never_asked=members.students_never_asked,
        requests=requests.requests,
        open_requests=requests.open,
        waiting_requests=requests.waiting,
        requests_expired=requests.expired,
        matches=matches,
        median_time_to_match=median,
        offers_declined=offers.declined,
        offers_expired=offers.expired,
        mentorships_due_first_contact=pairs.due_first_contact,
        first_contacts_within_7_days=pairs.first_contact_within,
        surveys_sent=surveys.sent,
        surveys_answered=surveys.answered,
        average_rating=surveys.average_rating,
        not_met_yet=surveys.not_met_yet,
        active_pairs=pairs.active,
        active_pairs_met_recently=pairs.active_met_recently,
        dormant_pairs=pairs.dormant,
        ended=pairs.ended,
        ended_by_student=pairs.ended_by_student,
        ended_by_mentor=pairs.ended_by_mentor,
        ended_by_programme=pairs.ended - pairs.ended_by_student - pairs.ended_by_mentor,
        top_topics=tuple(TopicCount(topic.topic, topic.requests) for topic in topics[:TOP_TOPICS]),
        unmet_topics=tuple(TopicCount(topic.topic, topic.requests) for topic in topics if not topic.offered)[
            :TOP_TOPICS
        ],
        followups_failed=delivery.failed,
        followups_held=delivery.held,
        inactive_members=members.inactive,
        delivery_paused_by=paused_workspaces(session).get(team_id),
        failed_deliveries=tuple(
            FailedDelivery(row.followup_id, row.kind, row.recipient_user_id, row.error)
            for row in latest_failed_followups(session, team_id)
        ),
        campaign=_campaign_figures(session, team_id, now),
        trend=tuple(
            MonthTrend(
                month=month,
                matches=monthly["matches"].get(month, 0),
                first_contacts=monthly["first_contacts"].get(month, 0),
                meetings=monthly["meetings"].get(month, 0),
            )
            for month in months
        ),
    )


def recruiting_term(moment: datetime) -> str:
    """The recruiting campaign's term `moment` falls in: "2026-T1" (Jan-Apr), "2026-T2", "2026-T3"."""
    return f"{moment.year:04d}-T{(moment.month - 1) // 4 + 1}"


def _campaign_figures(session: Session, team_id: str, now: datetime) -> CampaignFigures:
    """This term's campaign: invited, delivered, volunteered since their invitation, declined."""
    term = recruiting_term(now)
    counts = campaign_counts(session, team_id, FollowupKind.RECRUITING_INVITE, term)
    return CampaignFigures(term, counts.invited, counts.sent, counts.volunteered, counts.declined)


def refuse_non_admin(person: Person, what: str) -> Message:
    """The polite refusal every non-admin gets, whatever they tried; logged, revealing nothing."""
    logger.warning("refused %s to a non-admin member %s of %s", what, person.user_id, person.team_id)
    return stats_messages.admins_only(person.locale)


def report_stats(bot: BotContext, person: Person, text: str) -> Outcome:
    """`/mentoring-stats [period]` for an admin: the report, with its trend chart sent to their DM.

    The chart is uploaded first so that the report can say whether it arrived; a failed upload (a
    missing `files:write` scope, Slack trouble) costs the picture, never the figures. Installed without
    the `charts` extra, the bot uploads nothing and the report says how to get the chart.
    """
    if not person.is_admin:
        return reply(refuse_non_admin(person, "the stats report"))
    period = parse_period(text)
    if period is None:
        return reply(stats_messages.usage(person.locale, text))
    with bot.sessions.begin() as session:
        figures = programme_stats(session, person.team_id, period, bot.clock.now())
        topic_labels = {
            topic.key: topic.label(person.locale)
            for topic in topics_of(programme_settings(session, person.team_id))
        }
    try:
        png = charts.trend_chart_png(figures.trend, person.locale)
    except charts.ChartsUnavailable as error:
        logger.warning("stats report without its trend chart: %s", error)
        return reply(
            stats_messages.report(person.locale, figures, topic_labels, chart=ChartNote.NOT_INSTALLED)
        )
    chart = FileToUpload(
        filename=f"mentoring-trend-{figures.now:%Y-%m-%d}.png",
        content=png,
        title=stats_messages.chart_title(person.locale),
        alt_text=stats_messages.chart_alt_text(person.locale, figures.trend),
    )
    return Outcome(
        upload=Upload(
            files=(chart,),
            comment=None,
            sent=stats_messages.report(person.locale, figures, topic_labels, chart=ChartNote.SENT),
            failed=stats_messages.report(person.locale, figures, topic_labels, chart=ChartNote.FAILED),
        )
    )
