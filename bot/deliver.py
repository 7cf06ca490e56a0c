"""The one way out to Slack: carry out an `Outcome`, in the order Slack's rules ask for.

1. The modal, first: a click's trigger_id works once and dies 3 s after the click (opened, or pushed
   over the modal clicked in); then an open modal re-rendered in place (views.update, with its hash).
2. The upload, whose success decides which answer the person gets.
3. The answer to the person: through the response_url when the request had one, else in their DM.
4. Notices to others, updates of earlier messages, Home tabs, then requests offered again.

Steps 1 and 2 are shown at once (`show_at_once`); the messages of steps 3 and 4 are outbox rows written
with the change that caused them (`bot.outbox`, `bot.work`), each delivered here (`deliver_item`) and
its Slack failure, if any, returned for the row's bookkeeping. What the programme decided is already
committed, so a Slack failure costs a message, never the decision. A refused token pauses the workspace
(`bot.slack`), and so does a workspace with no token at all: each step asks for its client inside its
attempt, where `NotInstalled` is caught like Slack's refusals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt.context.respond import Respond

from bot import slack
from bot.context import BotContext
from bot.home import home_view_for
from bot.members import Person, known_person
from bot.messages.kit import Message
from bot.outbox import Home, OutboxItem, Reply
from bot.outcome import FileToUpload, Notice, Outcome, Update, Upload
from bot.slack import SLACK_FAILURES, SlackFailure, Trouble
from storage.queries.bookings import record_booking_message
from storage.queries.delivery import record_posted_message
from storage.queries.matching import record_offer_message, withdraw_offer
from storage.queries.members import mark_member_inactive

logger = logging.getLogger(__name__)


def show_at_once(
    bot: BotContext,
    outcome: Outcome,
    *,
    team_id: str,
    person: Person | None,
    response_url: str | None,
    trigger_id: str | None,
) -> None:
    """The parts of `outcome` that cannot wait: the modal, the modal update, the person's own upload and
    the answer it decides."""
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
    if outcome.upload is not None and person is not None:
        answer = _upload(bot, team_id, person, outcome.upload)
        deliver_item(bot, team_id, Reply(person.user_id, answer, outcome.replace_original, response_url))


def deliver_item(bot: BotContext, team_id: str, item: OutboxItem) -> SlackFailure | None:
    """Deliver one outbox message; Slack's failure when it refused (already acted on: a token pause,
    an offer withdrawn, a member gone), None when delivered."""
    if isinstance(item, Notice):
        return post_notice(bot, team_id, item)
    if isinstance(item, Reply):
        return _answer(bot, team_id, item)
    if isinstance(item, Update):
        return _attempt(
            bot,
            team_id,
            "update a message",
            lambda: slack.update_message(bot.client_for(team_id), item.channel_id, item.ts, item.message),
        )
    if isinstance(item, Home):
        someone = known_person(bot, team_id, item.user_id)
        view = home_view_for(bot, someone)
        return _attempt(
            bot,
            team_id,
            "refresh a Home",
            lambda: slack.publish_home(bot.client_for(team_id), someone.user_id, view),
        )
    raise TypeError(f"not a message: {type(item).__name__}")  # a Reoffer is work, `bot.work`'s


def post_notice(bot: BotContext, team_id: str, notice: Notice) -> SlackFailure | None:
    """Post one notice and record where it went; Slack's failure if it refused. An offer that can never
    be delivered (the mentor is gone, Slack refuses it) is withdrawn, so the request is not held by it,
    and a recipient Slack says is gone is marked inactive; a refused token or a passing failure leaves
    the offer as it is, for the outbox row to try again (`given_up` if it never gets through)."""
    try:
        posted = slack.post_message(bot.client_for(team_id), notice.user_id, notice.message)
    except SLACK_FAILURES as error:
        failure = slack.failure_of(error)
        _after_failure(bot, team_id, f"post a {notice.kind} notice", failure)
        if failure.trouble in (Trouble.RECIPIENT_GONE, Trouble.REFUSED):
            now = bot.clock.now()
            with bot.sessions.begin() as session:
                if notice.offer_id is not None:
                    withdraw_offer(session, notice.offer_id, now)
                if failure.trouble is Trouble.RECIPIENT_GONE and notice.recipient_id is not None:
                    mark_member_inactive(session, notice.recipient_id, now)
        return failure
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
    return None


def given_up(bot: BotContext, item: OutboxItem) -> None:
    """An outbox message that never got through: an offer's is withdrawn, so its request moves on."""
    if isinstance(item, Notice) and item.offer_id is not None:
        with bot.sessions.begin() as session:
            withdraw_offer(session, item.offer_id, bot.clock.now())


def _upload(bot: BotContext, team_id: str, person: Person, upload: Upload) -> Message:
    files = [_file_upload(one) for one in upload.files]
    failure = _attempt(
        bot,
        team_id,
        "upload files",
        lambda: slack.upload_files(bot.client_for(team_id), person.user_id, files, upload.comment),
    )
    return upload.sent if failure is None else upload.failed


def _file_upload(one: FileToUpload) -> dict:
    return {"filename": one.filename, "content": one.content, "title": one.title} | (
        {"alt_txt": one.alt_text} if one.alt_text else {}
    )


def _answer(bot: BotContext, team_id: str, reply: Reply) -> SlackFailure | None:
    if reply.response_url:
        respond = Respond(response_url=reply.response_url)
        try:
            respond(replace_original=reply.replace_original, **reply.message.as_kwargs())
        except OSError as error:  # the response_url is Slack's too; its failures are the network's
            logger.warning("could not answer through the response_url: %s", type(error).__name__)
        return None
    return _attempt(
        bot,
        team_id,
        "answer in a DM",
        lambda: slack.post_message(bot.client_for(team_id), reply.user_id, reply.message),
    )


def _attempt(bot: BotContext, team_id: str, what: str, call: Callable[[], object]) -> SlackFailure | None:
    try:
        call()
    except SLACK_FAILURES as error:
        failure = slack.failure_of(error)
        _after_failure(bot, team_id, what, failure)
        return failure
    return None


def _after_failure(bot: BotContext, team_id: str, what: str, failure: SlackFailure) -> None:
    if failure.trouble is Trouble.TOKEN:
        slack.pause_workspace(bot.sessions, team_id, failure.code, bot.clock.now())
    else:
        logger.warning("could not %s: %s", what, failure)
