"""The hand-matching and queue builders in both languages, at their worst case, checked as Slack would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot import ids
from bot.messages import followups, hand_matching, mentor_queue, offers
from bot.messages.hand_matching import CandidateCard, RequestCard
from bot.messages.mentor_queue import QueuedRequest
from bot.messages.offers import RequestSummary
from bot.programme import Topic
from bot.slack_double.web_api import block_kit_problem
from storage.models import FollowupKind
from tests.factories import action_ids, shown_text

LOCALES = ["fr", "en"]
WHEN = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
TOPICS = [
    Topic(f"t{n}", {"fr": f"Thème numéro {n} " + "x" * 40, "en": f"Topic number {n} " + "x" * 40})
    for n in range(12)
]
WORDS = ("<!channel> & <@U999> " + "word " * 400)[:2000]  # 2000 characters of hostile words


def cards(count: int, *, expired: bool = False) -> list[RequestCard]:
    return [
        RequestCard(
            request_id=10_000 + n,
            student_user_id=f"USTUDENT{n}",
            topics=TOPICS,
            message=WORDS,
            created_at=WHEN,
            expired=expired,
        )
        for n in range(count)
    ]


def assert_inert(rendered: object) -> None:
    dumped = json.dumps(rendered)
    assert "<!channel>" not in dumped and "<@U999>" not in dumped


@pytest.mark.parametrize("locale", LOCALES)
def test_the_find_a_mentor_modal_at_its_worst(locale: str) -> None:
    candidates = [
        CandidateCard(
            member_id=n,
            user_id=f"UMENTOR{n}",
            display_name="N" * 80,
            paused=n % 3 == 0,
            full=n % 3 == 1,
            already_asked=n == 2,
        )
        for n in range(10)
    ] + [CandidateCard(member_id=100 + n, user_id=f"UFREE{n}", display_name=None) for n in range(10)]

    view = hand_matching.find_mentor_modal(locale, cards(1, expired=True)[0], candidates)

    assert block_kit_problem(view=view) is None
    assert_inert(view)
    assert view["callback_id"] == ids.HAND_MATCH_VIEW
    assert json.loads(view["private_metadata"]) == {"request_id": 10_000, "locale": locale}
    radio = next(b for b in view["blocks"] if b.get("block_id") == hand_matching.CANDIDATE_BLOCK)
    assert len(radio["element"]["options"]) == 10  # Slack's cap on radio buttons
    assert all(
        not option["value"].isdigit() or int(option["value"]) >= 100 or int(option["value"]) % 3 == 2
        for option in radio["element"]["options"]
    )
    assert "…" in shown_text(view)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_find_a_mentor_modal_without_candidates_offers_the_search_alone(locale: str) -> None:
    view = hand_matching.find_mentor_modal(locale, cards(1)[0], [])
    assert block_kit_problem(view=view) is None
    assert [b.get("block_id") for b in view["blocks"] if b["type"] == "input"] == [hand_matching.SEARCH_BLOCK]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_admins_list_of_requests_at_its_worst(locale: str) -> None:
    listing = hand_matching.request_list(locale, cards(20), cards(20, expired=True), 30)
    assert block_kit_problem(blocks=listing.blocks) is None
    assert len(listing.blocks) <= 50
    assert_inert(listing.blocks)
    empty = hand_matching.request_list(locale, [], [], 30)
    assert block_kit_problem(blocks=empty.blocks) is None


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_and_errors_in_both_languages(locale: str) -> None:
    for reopened in (False, True):
        sent = hand_matching.offer_sent(locale, "UM", "US", reopened=reopened)
        assert block_kit_problem(blocks=sent.blocks) is None
    for key in ("handmatch.request_closed", "handmatch.cannot_reopen", "handmatch.mentor_unavailable"):
        assert block_kit_problem(blocks=hand_matching.hand_match_refusal(locale, key).blocks) is None
    assert set(hand_matching.pick_errors(locale, picked_in_list=True, picked_in_search=True)) == {
        "hand_match_search"
    }
    assert hand_matching.pick_errors(locale, picked_in_list=False, picked_in_search=False)
    assert hand_matching.pick_errors(locale, picked_in_list=True, picked_in_search=False) == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_unmatched_alert_offers_find_a_mentor(locale: str) -> None:
    content = followups.FollowupContent(
        followup_id=1, kind=FollowupKind.ADMIN_REQUEST_UNMATCHED, student_user_id="US", days=30, request_id=42
    )
    alert = followups.followup_message(locale, content)
    assert block_kit_problem(blocks=alert.blocks) is None
    assert action_ids(alert) == [ids.FIND_MENTOR]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_suggested_offer_says_so(locale: str) -> None:
    summary = RequestSummary(request_id=1, student_user_id="US", topics=TOPICS, message=WORDS, language="fr")
    suggested = offers.offer_message(locale, summary, 7, suggested_by_programme=True)
    plain = offers.offer_message(locale, summary, 7)
    assert block_kit_problem(blocks=suggested.blocks) is None
    assert len(suggested.blocks) == len(plain.blocks) + 1


@pytest.mark.parametrize("locale", LOCALES)
def test_the_home_queue_at_its_worst(locale: str) -> None:
    requests = [
        QueuedRequest(request_id=n, topics=TOPICS, message=WORDS, waiting_days=n) for n in range(1, 11)
    ]

    blocks = mentor_queue.queue_section(locale, requests)

    from bot.messages.kit import home

    assert block_kit_problem(view=home(blocks)) is None
    assert_inert(blocks)
    assert len(blocks) == 12
    assert all("…" in b["text"]["text"] for b in blocks if b.get("accessory"))  # the words cut short
    assert mentor_queue.queue_section(locale, []) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_students_confirmation_and_its_answers(locale: str) -> None:
    ask = mentor_queue.proposal_for_student(locale, "UM", TOPICS, 5)
    assert block_kit_problem(blocks=ask.blocks) is None
    assert action_ids(ask) == [ids.CONFIRM_MENTOR_PROPOSAL, ids.REFUSE_MENTOR_PROPOSAL]
    for accepted in (True, False):
        answered = mentor_queue.proposal_answered(locale, "UM", accepted=accepted)
        assert block_kit_problem(blocks=answered.blocks) is None and action_ids(answered) == []
    for key in (
        "queue.gone",
        "queue.unavailable",
        "queue.proposal_sent",
        "queue.proposal_closed",
        "queue.mentor_told_refused",
    ):
        assert block_kit_problem(blocks=mentor_queue.queue_answer(locale, key).blocks) is None
    full = mentor_queue.queue_answer(locale, "queue.mentor_full", mentor="<@UM>")
    assert "<@UM>" in shown_text(full)
