"""The ranking query and the claims of a match, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from storage.models import Member, MentoringRequest, MentorProfile, OfferStatus, RequestStatus
from storage.queries.matching import (
    claim_first_contact,
    claim_offer_acceptance,
    claim_request_for_match,
    create_mentorship,
    rank_mentors,
    release_mentor_place,
    search_available_mentors,
    take_mentor_place,
    withdraw_pending_offers,
)
from storage.queries.requests import create_request, waiting_request_ids
from tests.factories import TEAM_ID, WHEN, make_mentor, make_offer, make_request, make_student


def ranked(session: Session, request, **overrides) -> list[str]:  # type: ignore[no-untyped-def]
    arguments = dict(
        team_id=TEAM_ID,
        request_id=request.id,
        student_id=request.student_id,
        topics=[item.topic for item in request.topics],
        language=request.language,
        limit=10,
    )
    arguments.update(overrides)
    ids = rank_mentors(session, **arguments)  # type: ignore[arg-type]
    return [session.get(Member, member_id).slack_user_id for member_id in ids]  # type: ignore[union-attr]


def test_ranking_prefers_shared_topics_then_language_then_lighter_load(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        student = make_student(session, TEAM_ID, "USTU")
        make_mentor(session, TEAM_ID, "UONE_TOPIC_FR", topics=["careers"], languages=["fr"])  # 10+15+4 = 29
        make_mentor(session, TEAM_ID, "UTWO_TOPICS_EN", topics=["careers", "studies"], languages=["en"])  # 24
        make_mentor(session, TEAM_ID, "UTWO_TOPICS_FR", topics=["careers", "studies"], languages=["fr"])  # 39
        make_mentor(session, TEAM_ID, "UBUSY", topics=["careers"], capacity=3, active_mentees=2)  # 21
        request = make_request(session, TEAM_ID, student, topics=["careers", "studies"], language="fr")

        assert ranked(session, request) == ["UTWO_TOPICS_FR", "UONE_TOPIC_FR", "UTWO_TOPICS_EN", "UBUSY"]
        assert ranked(session, request, limit=2) == ["UTWO_TOPICS_FR", "UONE_TOPIC_FR"]


def test_ranking_ties_go_to_the_earliest_volunteer_then_the_lowest_id(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        student = make_student(session, TEAM_ID, "USTU")
        make_mentor(session, TEAM_ID, "ULATE", volunteered_at=WHEN + timedelta(days=2))
        make_mentor(session, TEAM_ID, "UEARLY_B", volunteered_at=WHEN)
        make_mentor(session, TEAM_ID, "UEARLY_C", volunteered_at=WHEN)
        make_mentor(session, TEAM_ID, "UEARLIEST", volunteered_at=WHEN - timedelta(days=30))
        request = make_request(session, TEAM_ID, student)

        assert ranked(session, request) == ["UEARLIEST", "UEARLY_B", "UEARLY_C", "ULATE"]


def test_ranking_leaves_out_whoever_cannot_or_should_not_take_the_request(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        student = make_student(session, TEAM_ID, "USTU")
        make_mentor(session, TEAM_ID, "UOK")
        make_mentor(session, TEAM_ID, "UPAUSED", paused=True)
        make_mentor(session, TEAM_ID, "UFULL", capacity=2, active_mentees=2)
        make_mentor(session, TEAM_ID, "UGONE", inactive_since=WHEN)
        make_mentor(session, "T0THER", "UOTHER_SCHOOL")
        make_mentor(session, TEAM_ID, "UNO_SHARED_TOPIC", topics=["arts"])
        declined = make_mentor(session, TEAM_ID, "UDECLINED")
        expired = make_mentor(session, TEAM_ID, "UEXPIRED")
        request = make_request(session, TEAM_ID, student)
        make_offer(session, request, declined, status=OfferStatus.DECLINED)
        make_offer(session, request, expired, status=OfferStatus.EXPIRED)

        assert ranked(session, request) == ["UOK"]


def test_ranking_never_offers_a_student_their_own_request(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        # An alumnus back for a degree asks for a mentor while being one.
        both = make_mentor(session, TEAM_ID, "UBOTH")
        make_mentor(session, TEAM_ID, "UOTHER")
        request = make_request(session, TEAM_ID, both)

        assert ranked(session, request) == ["UOTHER"]


def test_taking_places_stops_at_capacity_and_releasing_never_goes_below_zero(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        mentor = make_mentor(session, TEAM_ID, "UM", capacity=2).id

    with sessions.begin() as session:
        assert [take_mentor_place(session, mentor) for _ in range(3)] == [True, True, False]
    with sessions.begin() as session:
        for _ in range(3):
            release_mentor_place(session, mentor)
    with sessions.begin() as session:
        assert session.get(MentorProfile, mentor).active_mentee_count == 0  # type: ignore[union-attr]


def test_claims_succeed_once(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        student = make_student(session, TEAM_ID, "USTU")
        mentor = make_mentor(session, TEAM_ID, "UM")
        other = make_mentor(session, TEAM_ID, "UOTHER")
        request = make_request(session, TEAM_ID, student)
        offer = make_offer(session, request, mentor)
        other_offer = make_offer(session, request, other)
        ids = (request.id, offer.id, other_offer.id, mentor.id, other.id, student.id)
    request_id, offer_id, other_offer_id, mentor_id, other_id, student_id = ids

    with sessions.begin() as session:
        assert claim_request_for_match(session, request_id, WHEN)
        assert not claim_request_for_match(session, request_id, WHEN)
        assert not claim_offer_acceptance(session, offer_id, other_id, WHEN)  # not theirs
        assert claim_offer_acceptance(session, offer_id, mentor_id, WHEN)
        assert not claim_offer_acceptance(session, offer_id, mentor_id, WHEN)
        assert withdraw_pending_offers(session, request_id, WHEN, except_offer_id=offer_id) == [
            other_offer_id
        ]
        assert withdraw_pending_offers(session, request_id, WHEN) == []
        mentorship = create_mentorship(
            session, session.get_one(MentoringRequest, request_id), mentor_id, WHEN, 182
        )
        assert mentorship.term_ends_at == WHEN + timedelta(days=182)
        assert not claim_first_contact(session, mentorship.id, mentor_id, WHEN)  # only the student
        assert claim_first_contact(session, mentorship.id, student_id, WHEN)
        assert not claim_first_contact(session, mentorship.id, student_id, WHEN)


def test_a_student_has_at_most_one_open_request(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        student = make_student(session, TEAM_ID, "USTU")
        arguments = dict(
            team_id=TEAM_ID,
            student_id=student.id,
            topics=["careers"],
            message="Help me please",
            language="fr",
            preferred_mentor_id=None,
            charter_version=1,
            now=WHEN,
        )
        first = create_request(session, **arguments)  # type: ignore[arg-type]
        assert first is not None
        assert create_request(session, **arguments) is None  # type: ignore[arg-type]
        first.status = RequestStatus.CANCELLED
        session.flush()
        assert create_request(session, **arguments) is not None  # type: ignore[arg-type]


def test_waiting_requests_are_open_ones_without_a_pending_offer(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        mentor = make_mentor(session, TEAM_ID, "UM")
        waiting_new = make_request(session, TEAM_ID, make_student(session, TEAM_ID, "U1"), created_at=WHEN)
        waiting_old = make_request(
            session, TEAM_ID, make_student(session, TEAM_ID, "U2"), created_at=WHEN - timedelta(days=1)
        )
        offered = make_request(session, TEAM_ID, make_student(session, TEAM_ID, "U3"))
        make_offer(session, offered, mentor)
        declined = make_request(
            session, TEAM_ID, make_student(session, TEAM_ID, "U4"), created_at=WHEN + timedelta(1)
        )
        make_offer(session, declined, mentor, status=OfferStatus.DECLINED)
        make_request(session, TEAM_ID, make_student(session, TEAM_ID, "U5"), status=RequestStatus.MATCHED)

        assert waiting_request_ids(session, TEAM_ID) == [waiting_old.id, waiting_new.id, declined.id]


def test_mentor_search_matches_name_job_or_industry_without_case(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        make_student(session, TEAM_ID, "USTU")
        make_mentor(session, TEAM_ID, "UA", display_name="Zoé Martin", job_title="Pharmacist")
        make_mentor(session, TEAM_ID, "UB", display_name="Adam Roux", industry="Energy")
        make_mentor(session, TEAM_ID, "UC", display_name="100% Claire", job_title="Nurse")

        def found(typed: str) -> list[str | None]:
            return [
                choice.display_name
                for choice in search_available_mentors(
                    session, team_id=TEAM_ID, student_user_id="USTU", typed=typed
                )
            ]

        assert found("") == ["100% Claire", "Adam Roux", "Zoé Martin"]
        assert found("MARTIN") == ["Zoé Martin"]
        assert found("energy") == ["Adam Roux"]
        assert found("%") == ["100% Claire"]  # typed text is matched literally
