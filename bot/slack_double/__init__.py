"""Slack played locally: a Web API stand-in for the bot to call, a driver that calls the bot like Slack.

Used by the test suite and by ``mentorbot demo``, so they live in the package rather than under tests/.
"""

from bot.slack_double.driver import SlackDriver, SlackResponse
from bot.slack_double.web_api import SlackStandIn

__all__ = ["SlackDriver", "SlackResponse", "SlackStandIn"]
