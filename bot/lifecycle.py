"""A workspace's life cycle: it leaves (uninstalls the app), it may come back, and what it left is erased.

When a workspace uninstalls the app (`app_uninstalled`, or `tokens_revoked` naming the bot token, which
is an uninstall too) its tokens are forgotten, its deliveries stop — its follow-ups stay due, nothing is
marked failed — and the departure is recorded and logged, once. Its pause is not the pause of a refused
token: the dispatcher never probes it with auth.test (there is no token to try), and nothing lifts it but
the workspace's return.

`workspace_returned` is that return: the OAuth install callback calls it (before `bot.welcome`), and so
does `mentorbot serve` when the single workspace's `SLACK_BOT_TOKEN` works again. Everything resumes
where it stopped: the follow-ups and outbox rows still due go out at the next pass, with the new token.

The retention job erases a workspace gone for `MENTORBOT_UNINSTALLED_RETENTION_DAYS` (`erase_departed`):
every row of it, keeping only the programme's anonymous totals on the record of its departure.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import BotContext
from bot.outcome import NOTHING, Outcome
from storage.queries.delivery import resume_deliveries, stop_deliveries_of_departed
from storage.queries.followups import bring_retries_forward
from storage.queries.workspaces import (
    claim_erasure,
    departures_left_before,
    end_departure,
    erase_workspace,
    programme_totals,
    record_departure,
)

logger = logging.getLogger(__name__)


def workspace_left(bot: BotContext, team_id: str, event: str) -> Outcome:
    """The workspace uninstalled the app (`event` says how Slack told us). Nothing to tell anyone: the bot
    can no longer write there."""
    bot.slack_clients.forget(team_id)
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        first = record_departure(session, team_id, now)
        stop_deliveries_of_departed(session, team_id, now)
    if first:
        logger.warning(
            "workspace %s uninstalled mentorbot (%s): its deliveries are stopped, its data is kept %d days "
            "in case it reinstalls, then erased",
            team_id,
            event,
            bot.config.uninstalled_retention_days,
        )
    return NOTHING


def workspace_returned(bot: BotContext, team_id: str) -> bool:
    """The workspace installed the app again, with a token that works: if it had left and its data is
    still kept, its departure ends and its deliveries resume. Its follow-ups and outbox rows still due go
    out at the next pass (an offer's DM that could not go out when it left among them); those waiting out
    a retry are due at once, so no backoff outlasts the pass interval. True when it resumed; False for a
    workspace that had not left, or whose data was erased (it starts afresh)."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        if not end_departure(session, team_id, now):
            return False
        resume_deliveries(session, team_id)
        brought_forward = bring_retries_forward(session, team_id, now)
    logger.warning(
        "workspace %s reinstalled mentorbot: its deliveries resume (%d retries due at once)",
        team_id,
        brought_forward,
    )
    return True


def erase_departed(bot: BotContext, now: datetime) -> int:
    """The retention job's part for workspaces gone `MENTORBOT_UNINSTALLED_RETENTION_DAYS`: each one
    erased in its own transaction, its anonymous totals kept. Returns how many; 0 the second time."""
    cutoff = now - timedelta(days=bot.config.uninstalled_retention_days)
    with bot.sessions.begin() as session:
        due = departures_left_before(session, cutoff)
    erased = 0
    for departure_id, team_id in due:
        with bot.sessions.begin() as session:
            totals = programme_totals(session, team_id)
            # Not if it came back since the list was read: the claim re-checks in this transaction.
            if not claim_erasure(session, departure_id, totals, now):
                continue
            erase_workspace(session, team_id)
        erased += 1
        logger.warning(
            "workspace %s left more than %d days ago: its data is erased, its totals kept (%s)",
            team_id,
            bot.config.uninstalled_retention_days,
            ", ".join(f"{what} {count}" for what, count in totals.items()),
        )
    return erased
