"""The mentor's offer DM, its answered forms and the decline modal, in both languages."""

from __future__ import annotations

import pytest

from bot import ids
from bot.messages import offers as builders
from bot.messages.offers import OfferOutcome, RequestSummary
from bot.programme import Topic
from bot.slack_double.web_api import block_kit_problem
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
REQUEST = RequestSummary(
    request_id=7,
    student_user_id="USTU",
    topics=[Topic("careers", {"fr": "Orientation et carrière", "en": "Careers and orientation"})],
    message="<!channel> & <@UBOSS>: which path?\n" + "long " * 199,
    language="en",
)


@pytest.mark.parametrize("locale", LOCALES)
def test_offer_dm_shows_the_request_escaped_with_accept_and_decline_carrying_the_offer(locale: str) -> None:
    dm = builders.offer_message(locale, REQUEST, offer_id=31)

    assert block_kit_problem(blocks=dm.blocks) is None
    assert action_ids(dm) == [ids.ACCEPT_OFFER, ids.DECLINE_OFFER]
    assert [element["value"] for element in dm.blocks[-1]["elements"]] == ["31", "31"]
    text = shown_text(dm)
    assert "<@USTU>" in text
    assert "&lt;!channel&gt; &amp; &lt;@UBOSS&gt;" in text and "<!channel>" not in text
    assert REQUEST.topics[0].label(locale) in text
    assert {"en": "English", "fr": "Anglais"}[locale] in text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("outcome", list(OfferOutcome))
def test_answered_offer_keeps_the_request_says_what_happened_and_has_no_buttons(
    locale: str, outcome: OfferOutcome
) -> None:
    dm = builders.answered_offer(locale, REQUEST, outcome)

    assert block_kit_problem(blocks=dm.blocks) is None
    assert action_ids(dm) == []
    assert dm.text in shown_text(dm)
    assert "&lt;!channel&gt;" in shown_text(dm)


@pytest.mark.parametrize("locale", LOCALES)
def test_decline_modal_carries_the_offer_id_and_an_optional_reason(locale: str) -> None:
    view = builders.decline_modal(locale, 31)

    assert block_kit_problem(view=view) is None
    assert view["callback_id"] == ids.DECLINE_VIEW
    assert view["private_metadata"] == "31"
    [reason] = [block for block in view["blocks"] if block["type"] == "input"]
    assert reason["optional"] is True
    assert reason["element"]["max_length"] == 500


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "key",
    [
        "common.not_for_you",
        "common.already_done",
        "offer.already_taken",
        "offer.request_withdrawn",
        "offer.you_are_full",
    ],
)
def test_refusals_render(locale: str, key: str) -> None:
    refusal = builders.offer_refusal(locale, key)

    assert block_kit_problem(blocks=refusal.blocks) is None
    assert refusal.text
