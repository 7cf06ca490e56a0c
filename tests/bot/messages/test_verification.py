"""The verified-alumni messages, in both languages at their worst case, checked as Slack would."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages import verification as builders
from bot.messages.kit import Message
from bot.messages.settings import cadences_modal
from bot.slack_double.web_api import block_kit_problem
from storage.models import Verification
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
WORST = builders.AlumnusClaim(
    member_id=2**31 - 1,
    user_id="U" + "X" * 20,
    graduation_year=2015,
    industry="<!channel>&" * 15,
    job_title="<" * 150,
)


def assert_valid(message: Message) -> None:
    assert block_kit_problem(blocks=message.blocks) is None


@pytest.mark.parametrize("locale", LOCALES)
def test_the_admins_request_escapes_what_the_alumnus_typed_and_carries_both_buttons(locale: str) -> None:
    message = builders.verification_request(locale, WORST)
    assert_valid(message)
    assert action_ids(message) == [ids.VERIFY_ALUMNUS_APPROVE, ids.VERIFY_ALUMNUS_DECLINE]
    assert "<!channel>" not in shown_text(message) and "2015" in shown_text(message)
    bare = builders.verification_request(locale, builders.AlumnusClaim(1, "U1", None, None, None))
    assert_valid(bare)
    assert "()" not in shown_text(bare)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("verification", list(Verification))
def test_every_answer_renders(locale: str, verification: Verification) -> None:
    for message in (
        builders.pending_for_alumnus(locale),
        builders.decision_for_alumnus(locale, verification),
        builders.decided_for_admin(locale, "U" + "X" * 20, verification),
        builders.already_decided(locale, "U" + "X" * 20, verification, "U" + "Y" * 20),
        builders.already_decided(locale, "U1", verification, "roster-import"),
        builders.nothing_to_decide(locale),
    ):
        assert_valid(message)
    assert "roster-import" not in shown_text(
        builders.already_decided(locale, "U1", verification, "roster-import")
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("ticked", [True, False])
def test_the_cadences_modal_carries_the_verification_checkbox(locale: str, ticked: bool) -> None:
    view = cadences_modal(
        locale, {"offers_per_request": 3}, {"offers_per_request": (1, 5)}, alumni_verification=ticked
    )
    box = next(b for b in view["blocks"] if b.get("block_id") == ids.ALUMNI_VERIFICATION_INPUT)
    assert block_kit_problem(view=view) is None
    assert bool(box["element"].get("initial_options")) is ticked
    assert box["optional"] is True
