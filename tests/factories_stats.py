"""A seeded mentoring programme for the stats tests: plain Python specs, then the rows they describe.

`seed_programme(...)` draws a programme from a fixed random seed (40 alumni of whom 10 mentors, 2 of
them paused; 60 students; requests, offers, mentorships with first contacts at various delays, meetings,
survey answers, dormant and ended pairs, follow-ups failed or held), writes it to the database and
returns the specs. Tests compute the figures they expect from the specs with plain Python, never with
the queries under test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.models import (
    Followup,
    FollowupState,
    Meeting,
    Member,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorTopic,
    Offer,
    OfferStatus,
    RequestStatus,
    RequestTopic,
    Role,
    SurveyAnswer,
)
from tests.factories import TEAM_ID

OTHER_TEAM_ID = "T0OTHER"
# Mentors offer only these; requests also ask for the others, which are then unmet.
MENTOR_TOPICS = ("careers", "studies", "internships", "engineering", "business")
REQUEST_TOPICS = (*MENTOR_TOPICS, "health", "arts", "international")


@dataclass
class MemberSpec:
    slack_id: str
    role: Role
    graduation_year: int | None = None
    inactive_since: datetime | None = None
    # mentor profile, for volunteers
    mentor: bool = False
    capacity: int = 0
    paused: bool = False
    topics: tuple[str, ...] = ()
    load: int = 0  # active + dormant mentorships
    id: int = 0  # set once written


@dataclass
class OfferSpec:
    mentor: str
    status: OfferStatus
    offered_at: datetime


@dataclass
class RequestSpec:
    student: str
    created_at: datetime
    status: RequestStatus
    topics: tuple[str, ...]
    matched_at: datetime | None = None
    closed_at: datetime | None = None  # cancelled or expired: when it closed
    offers: list[OfferSpec] = field(default_factory=list)
    id: int = 0


@dataclass
class SurveySpec:
    who: str  # slack id of the one who answers
    survey: str
    rating: int | None
    not_met_yet: bool
    answered_at: datetime


@dataclass
class MentorshipSpec:
    request: RequestSpec
    student: str
    mentor: str
    started_at: datetime
    status: MentorshipStatus
    first_contact_at: datetime | None
    ended_at: datetime | None = None
    ended_by: str | None = None  # slack id, or None when the programme ended it
    end_reason: str | None = None
    meetings: list[datetime] = field(default_factory=list)
    surveys: list[SurveySpec] = field(default_factory=list)
    id: int = 0


@dataclass
class FollowupSpec:
    kind: str
    recipient: str
    mentorship: MentorshipSpec | None
    due_at: datetime
    state: FollowupState
    sent_at: datetime | None = None


@dataclass
class SeededProgramme:
    now: datetime
    members: list[MemberSpec]
    requests: list[RequestSpec]
    mentorships: list[MentorshipSpec]
    followups: list[FollowupSpec]

    def member(self, slack_id: str) -> MemberSpec:
        return next(member for member in self.members if member.slack_id == slack_id)

    @property
    def alumni(self) -> list[MemberSpec]:
        return [member for member in self.members if member.role is Role.ALUMNUS]

    @property
    def students(self) -> list[MemberSpec]:
        return [member for member in self.members if member.role is Role.STUDENT]

    @property
    def mentors(self) -> list[MemberSpec]:
        return [member for member in self.members if member.mentor]


REQUEST_LIFETIME = timedelta(days=30)  # an unmatched request closes about a month after it was made


def _moment(rng: random.Random, now: datetime, max_days: float, min_days: float = 0) -> datetime:
    """A random moment between `max_days` and `min_days` ago, to the second."""
    seconds = rng.randint(int(min_days * 86400), int(max_days * 86400))
    return now - timedelta(seconds=seconds)


def build_programme(now: datetime, seed: int = 2026) -> SeededProgramme:
    """The specs of a programme, drawn from `seed`: same seed, same programme."""
    rng = random.Random(seed)
    members: list[MemberSpec] = []
    for number in range(40):
        alumnus = MemberSpec(f"UA{number:03d}", Role.ALUMNUS, graduation_year=2000 + number % 20)
        if number < 10:
            alumnus.mentor = True
            alumnus.capacity = rng.randint(2, 4)
            alumnus.paused = number < 2
            alumnus.topics = tuple(sorted(rng.sample(MENTOR_TOPICS, rng.randint(1, 3))))
        members.append(alumnus)
    # A topic offered only by a paused mentor, and one only by a mentor who is full, stay unmet.
    members[0].topics = (*members[0].topics, "health")
    members[9].capacity, members[9].topics = 1, ("international",)
    members[38].inactive_since = now - timedelta(days=40)
    members[39].inactive_since = now - timedelta(days=3)
    students = [MemberSpec(f"US{number:03d}", Role.STUDENT) for number in range(60)]
    students[59].inactive_since = now - timedelta(days=10)
    members += students
    mentors = [member for member in members if member.mentor]
    available = [mentor for mentor in mentors if not mentor.paused and mentor is not members[9]]

    requests: list[RequestSpec] = []
    mentorships: list[MentorshipSpec] = []
    # Students 0-39 asked (0-4 twice: an old cancelled request first); 40-59 never asked.
    for number in range(40):
        student = students[number].slack_id
        if number < 5:
            requests.append(
                RequestSpec(
                    student,
                    _moment(rng, now, 420, 300),
                    RequestStatus.CANCELLED,
                    (rng.choice(REQUEST_TOPICS),),
                )
            )
            requests[-1].closed_at = requests[-1].created_at + timedelta(days=2)
        created_at = _moment(rng, now, 400, 1)
        topics = tuple(sorted(rng.sample(REQUEST_TOPICS, rng.randint(1, 2))))
        if number < 28:
            status = RequestStatus.MATCHED
        elif number < 34:
            status = RequestStatus.OPEN
            created_at = _moment(rng, now, 20, 0.5)
        else:
            status = rng.choice([RequestStatus.CANCELLED, RequestStatus.EXPIRED])
        request = RequestSpec(student, created_at, status, topics)
        if status in (RequestStatus.CANCELLED, RequestStatus.EXPIRED):
            request.closed_at = min(created_at + REQUEST_LIFETIME, now)
        requests.append(request)
        offered_to = rng.sample(mentors, 4)
        for mentor in offered_to[: rng.randint(0, 3)]:
            offer_status = rng.choice(
                [OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN]
                if status is not RequestStatus.OPEN
                else [OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.PENDING]
            )
            request.offers.append(
                OfferSpec(mentor.slack_id, offer_status, created_at + timedelta(minutes=rng.randint(1, 600)))
            )
        if status is RequestStatus.MATCHED:
            matched_at = min(created_at + timedelta(seconds=rng.randint(600, 12 * 86400)), now)
            request.matched_at = matched_at
            mentorships.append(_mentorship(rng, now, request, matched_at, available, members[9]))

    followups = _followups(rng, now, mentorships, members)
    return SeededProgramme(now, members, requests, mentorships, followups)


def _mentorship(
    rng: random.Random,
    now: datetime,
    request: RequestSpec,
    started_at: datetime,
    available: list[MemberSpec],
    full_mentor: MemberSpec,
) -> MentorshipSpec:
    roll = rng.random()
    status = (
        MentorshipStatus.ENDED
        if roll < 0.3
        else MentorshipStatus.DORMANT
        if roll < 0.4
        else MentorshipStatus.ACTIVE
    )
    with_room = [mentor for mentor in available if mentor.load < mentor.capacity]
    if status is not MentorshipStatus.ENDED and not full_mentor.load:
        mentor = full_mentor  # takes its only place: its topic stays unmet
    elif status is not MentorshipStatus.ENDED and with_room:
        mentor = rng.choice(with_room)
    else:
        status, mentor = MentorshipStatus.ENDED, rng.choice(available)
    if status is not MentorshipStatus.ENDED:
        mentor.load += 1
    # First contacts at whole hours plus 17 minutes: never exactly on the 7-day line.
    first_contact_at = None
    if rng.random() < 0.8:
        first_contact_at = started_at + timedelta(hours=rng.randint(0, 20 * 24), minutes=17)
        if first_contact_at > now:
            first_contact_at = None
    mentorship = MentorshipSpec(
        request, request.student, mentor.slack_id, started_at, status, first_contact_at
    )
    last = now
    if status is MentorshipStatus.ENDED:
        mentorship.ended_at = started_at + (now - started_at) * rng.uniform(0.2, 1.0)
        mentorship.ended_by = rng.choice([request.student, mentor.slack_id, None])
        mentorship.end_reason = rng.choice(
            [None, "Moved abroad", '=HYPERLINK("http://x")', "We're done, thanks"]
        )
        last = mentorship.ended_at
    for _ in range(rng.randint(0, 4)):
        if last > started_at:
            mentorship.meetings.append(started_at + (last - started_at) * rng.uniform(0.05, 1.0))
    return mentorship


def _followups(
    rng: random.Random, now: datetime, mentorships: list[MentorshipSpec], members: list[MemberSpec]
) -> list[FollowupSpec]:
    followups: list[FollowupSpec] = []
    for mentorship in mentorships:
        survey_due = mentorship.started_at + timedelta(days=30)
        for who in (mentorship.student, mentorship.mentor):
            if survey_due > now:
                followups.append(
                    FollowupSpec("first_meeting_survey", who, mentorship, survey_due, FollowupState.DUE)
                )
                continue
            answered = rng.random() < 0.6
            followups.append(
                FollowupSpec(
                    "first_meeting_survey",
                    who,
                    mentorship,
                    survey_due,
                    FollowupState.ANSWERED if answered else FollowupState.SENT,
                    sent_at=survey_due + timedelta(minutes=rng.randint(0, 600)),
                )
            )
            if answered:
                not_met_yet = rng.random() < 0.2
                answered_at = min(survey_due + timedelta(hours=rng.randint(1, 72)), now)
                mentorship.surveys.append(
                    SurveySpec(
                        who,
                        "first_meeting",
                        None if not_met_yet else rng.randint(1, 5),
                        not_met_yet,
                        answered_at,
                    )
                )
        if mentorship.status is MentorshipStatus.ENDED and mentorship.ended_at is not None:
            mentorship.surveys.append(
                SurveySpec(mentorship.student, "closing", rng.randint(1, 5), False, mentorship.ended_at)
            )
    # Delivery: meeting prompts that failed, are held past their time, wait in the future, were skipped.
    recipients = [member.slack_id for member in members[:20]]
    for number, state in enumerate(
        [FollowupState.FAILED] * 5
        + [FollowupState.DUE] * 4
        + [FollowupState.CLAIMED]
        + [FollowupState.SKIPPED] * 2
    ):
        due_at = _moment(rng, now, 200, 0.01)
        if number in (7, 8):  # two due ones that are not late yet
            due_at = now + timedelta(hours=rng.randint(1, 48))
        followups.append(FollowupSpec("meeting_prompt", recipients[number], None, due_at, state))
    return followups


def write_programme(session: Session, programme: SeededProgramme, team_id: str = TEAM_ID) -> None:
    """Insert the programme's rows (the caller commits)."""
    for spec in programme.members:
        member = Member(
            team_id=team_id,
            slack_user_id=spec.slack_id,
            role=spec.role,
            locale="fr",
            graduation_year=spec.graduation_year,
            inactive_since=spec.inactive_since,
            created_at=programme.now - timedelta(days=500),
        )
        session.add(member)
        session.flush()
        spec.id = member.id
        if spec.mentor:
            session.add(
                MentorProfile(
                    member_id=member.id,
                    team_id=team_id,
                    capacity=spec.capacity,
                    active_mentee_count=spec.load,
                    paused=spec.paused,
                    charter_version=1,
                    volunteered_at=programme.now - timedelta(days=450),
                    updated_at=programme.now - timedelta(days=450),
                    topics=[MentorTopic(topic=topic) for topic in spec.topics],
                )
            )
    ids = {spec.slack_id: spec.id for spec in programme.members}
    for request in programme.requests:
        row = MentoringRequest(
            team_id=team_id,
            student_id=ids[request.student],
            message="Bonjour",
            language="fr",
            status=request.status,
            charter_version=1,
            created_at=request.created_at,
            matched_at=request.matched_at,
            closed_at=request.closed_at,
            topics=[RequestTopic(topic=topic) for topic in request.topics],
        )
        session.add(row)
        session.flush()
        request.id = row.id
        for offer in request.offers:
            session.add(
                Offer(
                    team_id=team_id,
                    request_id=row.id,
                    mentor_id=ids[offer.mentor],
                    status=offer.status,
                    offered_at=offer.offered_at,
                )
            )
    for mentorship in programme.mentorships:
        row = Mentorship(
            team_id=team_id,
            request_id=mentorship.request.id,
            student_id=ids[mentorship.student],
            mentor_id=ids[mentorship.mentor],
            status=mentorship.status,
            started_at=mentorship.started_at,
            first_contact_at=mentorship.first_contact_at,
            ended_at=mentorship.ended_at,
            ended_by_id=ids[mentorship.ended_by] if mentorship.ended_by else None,
            end_reason=mentorship.end_reason,
        )
        session.add(row)
        session.flush()
        mentorship.id = row.id
        for number, met_at in enumerate(mentorship.meetings):
            session.add(Meeting(team_id=team_id, mentorship_id=row.id, period=f"p{number}", met_at=met_at))
        for survey in mentorship.surveys:
            session.add(
                SurveyAnswer(
                    team_id=team_id,
                    mentorship_id=row.id,
                    member_id=ids[survey.who],
                    survey=survey.survey,
                    rating=survey.rating,
                    not_met_yet=survey.not_met_yet,
                    answered_at=survey.answered_at,
                )
            )
    for number, followup in enumerate(programme.followups):
        session.add(
            Followup(
                team_id=team_id,
                kind=followup.kind,
                recipient_id=ids[followup.recipient],
                mentorship_id=followup.mentorship.id if followup.mentorship else None,
                period=f"m{followup.mentorship.id}" if followup.mentorship else f"n{number}",
                due_at=followup.due_at,
                state=followup.state,
                sent_at=followup.sent_at,
            )
        )
    session.flush()


def seed_programme(
    sessions: SessionFactory, now: datetime, *, seed: int = 2026, with_other_team: bool = True
) -> SeededProgramme:
    """Write the programme for `TEAM_ID` and, to prove the figures never mix schools, a second
    programme drawn from another seed for `OTHER_TEAM_ID` (whose members' Slack ids are prefixed)."""
    programme = build_programme(now, seed)
    with sessions.begin() as session:
        write_programme(session, programme)
        if with_other_team:
            other = build_programme(now, seed + 1)
            for member in other.members:
                member.slack_id = "X" + member.slack_id
            for request in other.requests:
                request.student = "X" + request.student
                for offer in request.offers:
                    offer.mentor = "X" + offer.mentor
            for mentorship in other.mentorships:
                mentorship.student, mentorship.mentor = "X" + mentorship.student, "X" + mentorship.mentor
                mentorship.ended_by = "X" + mentorship.ended_by if mentorship.ended_by else None
                for survey in mentorship.surveys:
                    survey.who = "X" + survey.who
            for followup in other.followups:
                followup.recipient = "X" + followup.recipient
            write_programme(session, other, OTHER_TEAM_ID)
    return programme
