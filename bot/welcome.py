"""The welcome of the person who adds mentorbot to their school's workspace (issue 13).

Called once Add to Slack has stored the installation (`bot.oauth`), after a first install and after a
reinstall alike; its outcome is delivered with the workspace's new token.
"""

from __future__ import annotations

from bot.context import BotContext
from bot.outcome import Outcome


def welcome_installer(bot: BotContext, team_id: str, user_id: str) -> Outcome:
    """What the installer receives: a welcome DM as the programme's first admin, and an App Home that
    guides the first set-up. The lifecycle work of issue 13 fills it in; until then, nothing is sent."""
    return Outcome()
