"""A student asks for a mentor, over signed HTTP: the modal, its checks, the offers, waiting, cancelling."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.matching import offer_waiting_requests
from bot.outcome import Outcome
from bot.sandbox import Sandbox
from bot.work import deliver
from storage.models import CharterAcceptance, MentoringRequest, Offer, OfferStatus, RequestStatus
from tests.factories import (
    action_ids,
    ask_for_mentor,
    mentor_in_sandbox,
    shown_text,
    student_in_sandbox,
)


def offers_by_mentor(sandbox: Sandbox) -> dict[str, OfferStatus]:
    with sandbox.bot.sessions.begin() as session:
        return {
            offer.mentor.slack_user_id: OfferStatus(offer.status)
            for offer in session.scalars(select(Offer).order_by(Offer.id))
        }


def requests_in_db(sandbox: Sandbox) -> list[MentoringRequest]:
    with sandbox.bot.sessions.begin() as session:
        return list(session.scalars(select(MentoringRequest).order_by(MentoringRequest.id)))


def offer_dm_to(sandbox: Sandbox, user_id: str):  # type: ignore[no-untyped-def]
    """The last message to `user_id` that carries an Accept button."""
    return next(m for m in reversed(sandbox.slack.messages_to(user_id)) if ids.ACCEPT_OFFER in action_ids(m))


# ------------------------------------------------------------------------------------------------------
# The modal and its checks


def test_request_command_opens_the_modal_with_the_schools_topics_in_the_students_language(
    sandbox: Sandbox,
) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")

    sandbox.command("USTU", "request")

    view = sandbox.slack.last_view_opened()
    assert view["callback_id"] == ids.REQUEST_VIEW
    assert view["title"]["text"] == "Find a mentor"
    topics = next(b for b in view["blocks"] if b.get("block_id") == "request_topics")
    labels = [option["text"]["text"] for option in topics["element"]["options"]]
    assert "Careers and orientation" in labels
    language = next(b for b in view["blocks"] if b.get("block_id") == "request_language")
    assert language["element"]["initial_option"]["value"] == "en"
    assert "What is said in a mentoring conversation stays between us" in shown_text(view)


def test_menu_button_opens_the_same_modal(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    sandbox.command("USTU")

    sandbox.click("USTU", sandbox.slack.last_message_to("USTU"), ids.OPEN_REQUEST_MODAL)

    assert sandbox.slack.last_view_opened()["callback_id"] == ids.REQUEST_VIEW


def test_invalid_request_is_refused_field_by_field_in_the_students_language(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="fr")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()

    # Slack's client refuses to submit empty required inputs; a forged or old client might: we check too.
    response = sandbox.driver.submit_view(
        "USTU", view, {"topics": [], "message": "   court   ", "charter": []}, check_required=False
    )
    sandbox.settle()

    answer = response.json()
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "request_topics": "Choisissez au moins un thème.",
        "request_message": "Dites-en un peu plus aux mentors : au moins 10 caractères.",
        "request_charter": "Merci d'accepter la charte pour demander un mentor.",
    }
    assert requests_in_db(sandbox) == []
    assert [v["id"] for v in sandbox.slack.open_views_of("USTU")] == [view["id"]]  # the modal stays open


def test_an_alumnus_asking_for_a_mentor_gets_a_polite_explanation(sandbox: Sandbox) -> None:
    mentor_in_sandbox(sandbox, "UALUM", locale="en")

    sandbox.command("UALUM", "request")

    assert "Asking for a mentor is for students" in shown_text(sandbox.slack.last_message_to("UALUM"))
    assert sandbox.slack.calls_to("views.open") == []


# ------------------------------------------------------------------------------------------------------
# Offers


def test_request_is_offered_to_the_three_best_ranked_mentors(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UBOTH", topics=["careers", "studies"], languages=["fr"])  # 20 + 15 + 4
    mentor_in_sandbox(sandbox, "UONE", topics=["careers"], languages=["fr"])  # 10 + 15 + 4
    mentor_in_sandbox(sandbox, "UENGLISH", topics=["careers", "studies"], languages=["en"])  # 20 + 4
    mentor_in_sandbox(sandbox, "UBUSY", topics=["careers"], capacity=3, active_mentees=2)  # 10 + 15 + 2 - 6
    mentor_in_sandbox(sandbox, "UARTS", topics=["arts"])  # no shared topic
    mentor_in_sandbox(sandbox, "UPAUSED", topics=["careers", "studies"], paused=True)

    ask_for_mentor(sandbox, "USTU", topics=["careers", "studies"], language="fr")

    assert offers_by_mentor(sandbox) == {
        "UBOTH": OfferStatus.PENDING,
        "UONE": OfferStatus.PENDING,
        "UENGLISH": OfferStatus.PENDING,
    }
    for mentor in ("UBOTH", "UONE", "UENGLISH"):
        assert action_ids(offer_dm_to(sandbox, mentor)) == [ids.ACCEPT_OFFER, ids.DECLINE_OFFER]
    for mentor in ("UBUSY", "UARTS", "UPAUSED"):
        assert sandbox.slack.messages_to(mentor) == []
    assert "en route vers 3 mentors" in shown_text(sandbox.slack.last_message_to("USTU"))
    [request] = requests_in_db(sandbox)
    assert request.status == RequestStatus.OPEN
    with sandbox.bot.sessions.begin() as session:
        offers = list(session.scalars(select(Offer)))
        assert all(offer.dm_channel_id and offer.message_ts for offer in offers)
        acceptance = session.scalar(select(CharterAcceptance))
        assert acceptance is not None and acceptance.accepted_as == "mentee"


def test_offer_shows_the_students_words_escaped(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UMENTOR", locale="en")

    ask_for_mentor(sandbox, "USTU", message="<!channel> hi <@UBOSS> & <https://evil.example|click>")

    offer = offer_dm_to(sandbox, "UMENTOR")
    text = shown_text(offer)
    assert "&lt;!channel&gt; hi &lt;@UBOSS&gt; &amp; &lt;https://evil.example|click&gt;" in text
    assert "<!channel>" not in str(offer.blocks) and "<@UBOSS>" not in str(offer.blocks)
    assert "<@USTU> is looking for a mentor" in text


def test_a_named_mentor_is_offered_the_request_alone_first_then_the_ranking(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU")
    mentor_in_sandbox(sandbox, "UBEST", topics=["careers"], real_name="Alice Best")
    mentor_in_sandbox(sandbox, "USECOND", topics=["careers"], real_name="Bob Second")
    chosen = mentor_in_sandbox(sandbox, "UCHOSEN", topics=["arts"], real_name="Chloé Chosen")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()

    found = sandbox.driver.suggest("USTU", view, ids.PREFERRED_MENTOR_SELECT, "chlo").json()
    assert [option["value"] for option in found["options"]] == [str(chosen)]
    sandbox.submit(
        "USTU",
        view,
        {
            "topics": ["careers"],
            "message": "Help me choose a path.",
            "charter": ["accepted"],
            "preferred_mentor": str(chosen),
        },
    )

    assert offers_by_mentor(sandbox) == {"UCHOSEN": OfferStatus.PENDING}
    assert "le mentor que vous avez choisi" in shown_text(sandbox.slack.last_message_to("USTU"))

    sandbox.click("UCHOSEN", offer_dm_to(sandbox, "UCHOSEN"), ids.DECLINE_OFFER)
    sandbox.submit("UCHOSEN", sandbox.slack.last_view_opened(), {})

    assert offers_by_mentor(sandbox) == {
        "UCHOSEN": OfferStatus.DECLINED,
        "UBEST": OfferStatus.PENDING,
        "USECOND": OfferStatus.PENDING,
    }


def test_mentor_search_offers_only_available_mentors_other_than_the_student(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", real_name="Sam Student")
    free = mentor_in_sandbox(sandbox, "UFREE", real_name="Dana Free", job_title="Nurse")
    mentor_in_sandbox(sandbox, "UFULL", real_name="Dana Full", capacity=1, active_mentees=1)
    mentor_in_sandbox(sandbox, "UPAUSED", real_name="Dana Paused", paused=True)
    engineer = mentor_in_sandbox(sandbox, "UENG", real_name="Eli", job_title="Civil engineer")
    sandbox.command("USTU", "request")
    view = sandbox.slack.last_view_opened()

    everyone = sandbox.driver.suggest("USTU", view, ids.PREFERRED_MENTOR_SELECT, "").json()["options"]
    by_job = sandbox.driver.suggest("USTU", view, ids.PREFERRED_MENTOR_SELECT, "ENGINEER").json()["options"]

    assert [(o["text"]["text"], o["value"]) for o in everyone] == [
        ("Dana Free · Nurse", str(free)),
        ("Eli · Civil engineer", str(engineer)),
    ]
    assert [o["value"] for o in by_job] == [str(engineer)]


# ------------------------------------------------------------------------------------------------------
# No mentor available: the request waits


def test_without_any_mentor_the_student_is_told_honestly_and_the_request_waits(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UARTS", topics=["arts"])

    ask_for_mentor(sandbox, "USTU", topics=["health"])

    assert "No mentor who matches your request is available right now" in shown_text(
        sandbox.slack.last_message_to("USTU")
    )
    assert [request.status for request in requests_in_db(sandbox)] == [RequestStatus.OPEN]
    assert offers_by_mentor(sandbox) == {}

    mentor_in_sandbox(sandbox, "UDOC", topics=["health"])
    deliver(sandbox.bot, offer_waiting_requests(sandbox.bot, sandbox.team_id), team_id=sandbox.team_id)

    assert offers_by_mentor(sandbox) == {"UDOC": OfferStatus.PENDING}
    assert ids.ACCEPT_OFFER in action_ids(sandbox.slack.last_message_to("UDOC"))
    # Nothing more to do: the request has its offer.
    assert offer_waiting_requests(sandbox.bot, sandbox.team_id) == Outcome()
    assert len(sandbox.slack.messages_to("UDOC")) == 1


# ------------------------------------------------------------------------------------------------------
# One open request at a time, and cancelling it


def test_a_second_request_shows_the_open_one_and_cancelling_withdraws_its_offers(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UM1", locale="en")
    mentor_in_sandbox(sandbox, "UM2", locale="fr")
    ask_for_mentor(sandbox, "USTU", message="Which master's degree should I pick?")
    views_opened = len(sandbox.slack.calls_to("views.open"))

    sandbox.command("USTU", "request")

    assert len(sandbox.slack.calls_to("views.open")) == views_opened  # no second modal
    shown = sandbox.slack.last_message_to("USTU")
    assert "You already have a request waiting" in shown_text(shown)
    assert "Which master's degree should I pick?" in shown_text(shown)
    assert action_ids(shown) == [ids.CANCEL_REQUEST]

    sandbox.click("USTU", shown, ids.CANCEL_REQUEST)

    assert "Your request is cancelled" in shown_text(sandbox.slack.last_message_to("USTU"))
    assert [request.status for request in requests_in_db(sandbox)] == [RequestStatus.CANCELLED]
    assert offers_by_mentor(sandbox) == {"UM1": OfferStatus.WITHDRAWN, "UM2": OfferStatus.WITHDRAWN}
    for mentor, words in (("UM1", "The student withdrew this request"), ("UM2", "a retiré cette demande")):
        dm = sandbox.slack.last_message_to(mentor)
        assert words in shown_text(dm)
        assert action_ids(dm) == []


def test_cancelling_an_already_cancelled_request_changes_nothing(sandbox: Sandbox) -> None:
    student_in_sandbox(sandbox, "USTU", locale="en")
    mentor_in_sandbox(sandbox, "UM1")
    ask_for_mentor(sandbox, "USTU")
    sandbox.command("USTU", "request")
    shown = sandbox.slack.last_message_to("USTU")
    sandbox.click("USTU", shown, ids.CANCEL_REQUEST)

    sandbox.click("USTU", shown, ids.CANCEL_REQUEST)

    assert "no longer open" in shown_text(sandbox.slack.last_message_to("USTU"))
    assert len(sandbox.slack.calls_to("chat.update")) == 1  # the mentor's DM, once
