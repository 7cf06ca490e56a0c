"""The one way out to Slack: carry out an `Outcome`, in the order Slack's rules ask for.

1. The modal, first: a click's trigger_id works once and dies 3 s after the click (opened, or pushed
   over the modal clicked in); then an open modal re-rendered in place (views.update, with its hash).
2. The upload, whose success decides which answer the person gets.
3. The answer to the person: through the response_url when the request had one, else in their DM.
4. Notices to others, updates of earlier messages, Home tabs, then requests offered again (whose own
   outcome — the offers' DMs — is delivered the same way).

Each step is best-effort and logged once: what the programme decided is already committed, so a Slack
failure costs a message, never the decision. A refused token pauses the workspace (`bot.slack`), and so
does a workspace with no token at all: each step asks for its client inside its attempt, where
`NotInstalled` is caught like Slack's refusals.
Listeners, the dispatcher's sweeps and the CLI all deliver through `deliver`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from slack_bolt import Respond

from bot import slack
from bot.context import BotContext
from bot.home import home_view_for
from bot.matching import offer_request, offer_waiting_requests
from bot.members import Person
from bot.messages.kit import Message
from bot.outcome import FileToUpload, Notice, Outcome, Update, Upload
from bot.slack import SLACK_FAILURES, SlackFailure, Trouble
from storage.queries.bookings import record_booking_message
from storage.queries.delivery import record_posted_message
from storage.queries.matching import record_offer_message, withdraw_offer
from storage.queries.members import mark_member_inactive

logger = logging.getLogger(__name__)


def deliver(
    bot: BotContext,
    outcome: Outcome,
    *,
    team_id: str,
    person: Person | None = None,
    respond: Respond | None = None,
    trigger_id: str | None = None,
) -> None:
    """Carry out `outcome` for workspace `team_id`; `person` is who acted (None for a scheduled job)."""
    if outcome.modal is not None:
        if trigger_id:
            show = slack.push_modal if outcome.push_modal else slack.open_modal
            modal = outcome.modal
            _attempt(bot, team_id, "open a modal", lambda: show(bot.client_for(team_id), trigger_id, modal))
        else:
            logger.warning("a modal was to open without a trigger_id: not shown")
    if outcome.modal_update is not None:
        change = outcome.modal_update
        _attempt(
            bot,
            team_id,
            "update a modal",
            lambda: slack.update_modal(
                bot.client_for(team_id), change.view_id, change.view_hash, change.view
            ),
        )
    answer = outcome.reply
    if outcome.upload is not None and person is not None:
        answer = _upload(bot, team_id, person, outcome.upload)
    if answer is not None:
        _answer(bot, team_id, person, respond, answer, outcome.replace_original)
    for notice in outcome.notices:
        post_notice(bot, team_id, notice)
    for update in outcome.updates:
        _attempt(bot, team_id, "update a message", partial(_update, bot, team_id, update))
    for someone in outcome.homes:
        view = home_view_for(bot, someone)
        _attempt(
            bot,
            team_id,
            "refresh a Home",
            partial(_publish_home, bot, team_id, someone.user_id, view),
        )
    follow_on = Outcome()
    for request_id in outcome.reoffer_requests:
        follow_on += offer_request(bot, request_id)
    if outcome.reoffer_team is not None:
        follow_on += offer_waiting_requests(bot, outcome.reoffer_team)
    if follow_on != Outcome():
        deliver(bot, follow_on, team_id=team_id)


def post_notice(bot: BotContext, team_id: str, notice: Notice) -> bool:
    """Post one notice and record where it went; an offer that cannot be delivered is withdrawn, so the
    request is not held by it, and a recipient Slack says is gone is marked inactive."""
    try:
        posted = slack.post_message(bot.client_for(team_id), notice.user_id, notice.message)
    except SLACK_FAILURES as error:
        failure = slack.failure_of(error)
        _after_failure(bot, team_id, f"post a {notice.kind} notice", failure)
        now = bot.clock.now()
        with bot.sessions.begin() as session:
            # A refused token is ours, not the mentor's: the offer stays, and expires like any unanswered one.
            if notice.offer_id is not None and failure.trouble is not Trouble.TOKEN:
                withdraw_offer(session, notice.offer_id, now)
            if failure.trouble is Trouble.RECIPIENT_GONE and notice.recipient_id is not None:
                mark_member_inactive(session, notice.recipient_id, now)
        return False
    with bot.sessions.begin() as session:
        if notice.offer_id is not None:
            record_offer_message(session, notice.offer_id, posted.channel_id, posted.ts)
        if notice.booking_id is not None:
            record_booking_message(session, notice.booking_id, posted.channel_id, posted.ts)
        record_posted_message(
            session,
            team_id=team_id,
            about_member_ids=notice.about,
            recipient_id=notice.recipient_id,
            kind=notice.kind,
            channel_id=posted.channel_id,
            message_ts=posted.ts,
            now=bot.clock.now(),
        )
    if notice.file is not None:
        files = [_file_upload(notice.file)]
        _attempt(
            bot,
            team_id,
            f"upload the file of a {notice.kind} notice",
            lambda: slack.upload_files(bot.client_for(team_id), notice.user_id, files, None),
        )
    return True


def _publish_home(bot: BotContext, team_id: str, user_id: str, view: dict) -> None:
    slack.publish_home(bot.client_for(team_id), user_id, view)


def _update(bot: BotContext, team_id: str, update: Update) -> None:
    slack.update_message(bot.client_for(team_id), update.channel_id, update.ts, update.message)


def _upload(bot: BotContext, team_id: str, person: Person, upload: Upload) -> Message:
    files = [_file_upload(one) for one in upload.files]
    sent = _attempt(
        bot,
        team_id,
        "upload files",
        lambda: slack.upload_files(bot.client_for(team_id), person.user_id, files, upload.comment),
    )
    return upload.sent if sent else upload.failed


def _file_upload(one: FileToUpload) -> dict:
    return {"filename": one.filename, "content": one.content, "title": one.title} | (
        {"alt_txt": one.alt_text} if one.alt_text else {}
    )


def _answer(
    bot: BotContext,
    team_id: str,
    person: Person | None,
    respond: Respond | None,
    answer: Message,
    replace_original: bool,
) -> None:
    if respond is not None:
        try:
            respond(replace_original=replace_original, **answer.as_kwargs())
        except OSError as error:  # the response_url is Slack's too; its failures are the network's
            logger.warning("could not answer through the response_url: %s", type(error).__name__)
        return
    if person is None:
        return
    _attempt(
        bot,
        team_id,
        "answer in a DM",
        lambda: slack.post_message(bot.client_for(team_id), person.user_id, answer),
    )


def _attempt(bot: BotContext, team_id: str, what: str, call: Callable[[], object]) -> bool:
    try:
        call()
    except SLACK_FAILURES as error:
        _after_failure(bot, team_id, what, slack.failure_of(error))
        return False
    return True


def _after_failure(bot: BotContext, team_id: str, what: str, failure: SlackFailure) -> None:
    if failure.trouble is Trouble.TOKEN:
        slack.pause_workspace(bot.sessions, team_id, failure.code, bot.clock.now())
    else:
        logger.warning("could not %s: %s", what, failure)
