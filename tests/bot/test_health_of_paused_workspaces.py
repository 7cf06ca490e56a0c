"""`/healthz` says which workspaces' deliveries are paused, and still answers 200 for load balancers."""

from __future__ import annotations

import urllib.request

from bot import slack
from bot.clock import ManualClock
from bot.sandbox import Sandbox


def health(sandbox: Sandbox) -> tuple[int, str]:
    with urllib.request.urlopen(sandbox.server.url + "/healthz", timeout=10) as answer:
        return answer.status, answer.read().decode()


def test_a_paused_workspace_is_named_in_the_health_check_which_stays_200(
    sandbox: Sandbox, clock: ManualClock
) -> None:
    assert health(sandbox) == (200, "ok\n")

    slack.pause_workspace(sandbox.bot.sessions, sandbox.team_id, "token_revoked", clock.now())

    status, body = health(sandbox)
    assert status == 200
    assert f"deliveries paused for workspace {sandbox.team_id}" in body and "token_revoked" in body

    slack.resume_if_paused(sandbox.bot.sessions, sandbox.team_id)
    assert health(sandbox) == (200, "ok\n")
