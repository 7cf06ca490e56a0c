"""The recruiting campaign: an admin invites every alumnus who is not yet a mentor to volunteer, once a term.

The invitations are follow-ups of kind `recruiting_invite` whose period is the term, so the follow-up
machinery does the rest: the unique (recipient, kind, period) key makes a second click in the same term
plan nothing new, and the dispatcher sends each invitation once, in the recipient's working hours
(`bot.dispatch`), skipping it if they volunteered in the meantime (`bot.followups.render_followup`).

Terms are thirds of the calendar year, in UTC: T1 January-April, T2 May-August, T3 September-December
("2026-T3"). They follow the school year's rhythm (autumn, winter-spring, summer) closely enough for an
invitation a term, and need no setting.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import BotContext
from bot.members import Person
from bot.messages import recruiting as messages
from bot.messages.kit import Message
from bot.outcome import Outcome, reply
from bot.programme import programme_settings
from bot.stats import recruiting_term, refuse_non_admin
from storage.models import Followup, FollowupKind, FollowupPeriod
from storage.queries import settings as queries
from storage.queries.followups import PlannedFollowup, mark_answered, plan_followups

logger = logging.getLogger(__name__)

RECRUITING_KIND = FollowupKind.RECRUITING_INVITE
NOT_NOW = "not_now"


def term_of(moment: datetime) -> str:
    """The term `moment` falls in: "2026-T1" (Jan-Apr), "2026-T2" (May-Aug), "2026-T3" (Sep-Dec)."""
    return recruiting_term(moment)


def campaign_status(session, team_id: str, now: datetime) -> queries.CampaignCounts:  # type: ignore[no-untyped-def]
    return queries.campaign_counts(session, team_id, RECRUITING_KIND, term_of(now))


def start_campaign(bot: BotContext, admin: Person) -> Message:
    """Plan this term's invitation for every alumnus without a mentor profile; harmless when clicked twice."""
    if not admin.is_admin:
        return refuse_non_admin(admin, "the recruiting campaign")
    now = bot.clock.now()
    term = term_of(now)
    with bot.sessions.begin() as session:
        alumni = queries.alumni_not_mentoring(session, admin.team_id)
        invited = plan_followups(
            session,
            [
                PlannedFollowup(
                    team_id=admin.team_id,
                    kind=RECRUITING_KIND,
                    recipient_id=member_id,
                    period=FollowupPeriod(term),
                    due_at=now,
                )
                for member_id in alumni
            ],
            now,
        )
        already = queries.campaign_counts(session, admin.team_id, RECRUITING_KIND, term).invited
        if invited:
            queries.record_change(
                session,
                admin.team_id,
                changed_by=admin.user_id,
                setting="recruiting",
                old_value=None,
                new_value=f"{term}: {invited}",
                now=now,
            )
    logger.info("admin %s invited %d alumni to volunteer for %s", admin.user_id, invited, term)
    return messages.campaign_started(admin.locale, term, invited, already)


def decline_invitation(bot: BotContext, person: Person, followup_id: int) -> Outcome:
    """ "Not now": taken once, by the invited alumnus only; the invitation then says so."""
    with bot.sessions.begin() as session:
        followup = session.get(Followup, followup_id)
        if followup is None or followup.kind != RECRUITING_KIND or followup.recipient_id != person.member_id:
            return reply(messages.refusal(person.locale, "common.not_for_you"))
        if not mark_answered(session, followup_id, person.member_id, NOT_NOW, bot.clock.now()):
            return reply(messages.refusal(person.locale, "common.already_done"))
        settings = programme_settings(session, followup.team_id)
        declined = messages.invitation_declined(
            person.locale, followup_id, settings.meeting_prompt_interval_days, settings.mentorship_term_days
        )
    return reply(declined, replace_original=True)
