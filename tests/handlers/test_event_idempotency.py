"""Slack redelivers an event it did not see acknowledged in time: the second delivery has no effect."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import Respond
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.context import BotContext
from bot.sandbox import Sandbox
from bot.slack_double.payloads import app_home_opened_event
from handlers.background import in_background
from storage.models import ProcessedEvent


def publish_a_home_tab(bot: BotContext, body: dict, client: WebClient, respond: Respond | None) -> None:
    """Stands in for the Home tab listener: one views.publish per event it handles."""
    client.views_publish(
        user_id=body["event"]["user"],
        view={"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Home"}}]},
    )


def with_a_home_tab(sandbox: Sandbox) -> Sandbox:
    # Listeners registered by the bot come first; this one only runs if the bot has none of its own.
    sandbox.app.event("app_home_opened")(in_background(sandbox.bot, publish_a_home_tab))
    sandbox.slack.add_user("UZOE", locale="fr-FR")
    return sandbox


def home_opened(user_id: str) -> dict:
    return app_home_opened_event(user_id, channel_id="D" + user_id[1:], event_ts="1788000000.000100")


def processed_events(sandbox: Sandbox) -> int:
    with sandbox.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(ProcessedEvent))


def test_an_event_delivered_again_is_acknowledged_and_has_no_second_effect(sandbox: Sandbox) -> None:
    with_a_home_tab(sandbox)

    first = sandbox.event(home_opened("UZOE"), event_id="Ev0HOME01")
    retry = sandbox.event(home_opened("UZOE"), event_id="Ev0HOME01", retry_num=1, retry_reason="http_timeout")

    assert (first.status, retry.status) == (200, 200)
    assert len(sandbox.slack.calls_to("views.publish")) == 1
    assert processed_events(sandbox) == 1


def test_distinct_events_are_each_handled(sandbox: Sandbox) -> None:
    with_a_home_tab(sandbox)

    sandbox.event(home_opened("UZOE"), event_id="Ev0HOME01")
    sandbox.event(home_opened("UZOE"), event_id="Ev0HOME02")

    assert len(sandbox.slack.calls_to("views.publish")) == 2


def test_two_deliveries_of_one_event_arriving_together_have_one_effect(sandbox: Sandbox) -> None:
    with_a_home_tab(sandbox)

    with ThreadPoolExecutor(max_workers=2) as pool:
        deliveries = [
            pool.submit(sandbox.driver.event, home_opened("UZOE"), event_id="Ev0TWIN01", retry_num=retry)
            for retry in (None, 1)
        ]
        statuses = sorted(delivery.result().status for delivery in deliveries)
    sandbox.settle()

    assert statuses == [200, 200]
    assert len(sandbox.slack.calls_to("views.publish")) == 1
