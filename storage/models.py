"""The mentoring programme's tables.

Every row belongs to one Slack workspace (`team_id`), so one deployment can later serve several schools.
Timestamps are timezone-aware UTC from day one: naive datetimes break on PostgreSQL
(slackapi/python-slack-sdk#1832).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    SQLite has no time zones and hands back naive values: this type refuses naive datetimes on the way in
    and makes every value read back aware, so comparisons never mix the two kinds.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict: JSON, list: JSON}


class Role(enum.StrEnum):
    STUDENT = "student"
    ALUMNUS = "alumnus"


class Verification(enum.StrEnum):
    """Whether the programme lets a self-declared alumnus mentor; no value: not decided yet."""

    VERIFIED = "verified"  # matched by the roster import, approved by an admin, or a mentor before 0008
    DECLINED = "declined"  # an admin declined: they receive no request and are not in the directory


class RequestStatus(enum.StrEnum):
    OPEN = "open"  # offered to mentors, or waiting for one to become available
    MATCHED = "matched"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # unmatched for too long, reported to the student and admins


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # unanswered for too long
    WITHDRAWN = "withdrawn"  # another mentor accepted, or the student cancelled


class OfferOrigin(enum.StrEnum):
    """Who put the request before this mentor: the matching, an admin by hand, or the mentor themselves
    from the queue in their Home (that offer waits for the student's yes, not the mentor's)."""

    MATCHING = "matching"
    PROGRAMME = "programme"  # suggested by the programme's admins
    MENTOR = "mentor"  # the mentor offered to take it; the student confirms


class MentorshipStatus(enum.StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"  # several meeting prompts in a row went unanswered
    ENDED = "ended"


# A mentorship that still holds a mentor's place and gets follow-ups.
LIVE_MENTORSHIP_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.DORMANT)


class FollowupState(enum.StrEnum):
    DUE = "due"
    CLAIMED = "claimed"  # a dispatcher holds it until `lease_expires_at`
    SENT = "sent"
    FAILED = "failed"  # gave up after retries; `last_error` says why
    SKIPPED = "skipped"  # no longer relevant, or the recipient is inactive
    ANSWERED = "answered"


class FollowupKind(enum.StrEnum):
    """What a follow-up is; its messages are built by `bot.messages.followups`."""

    FIRST_CONTACT_CHECK = "first_contact_check"  # day 3, to the mentor: has the student reached out?
    FIRST_CONTACT_REMINDER = "first_contact_reminder"  # day 7, to the student: the first step is yours
    FIRST_CONTACT_ESCALATION = "first_contact_escalation"  # day 14, to both; the mentor may release
    ADMIN_NO_FIRST_CONTACT = "admin_no_first_contact"
    FIRST_MEETING_SURVEY = "first_meeting_survey"  # day 30, to both
    MEETING_PROMPT = "meeting_prompt"  # every 30 days after, to both: the meeting log
    DORMANT_CHECK = "dormant_check"  # after three unanswered prompts, to both
    ADMIN_DORMANT = "admin_dormant"
    END_OF_TERM = "end_of_term"  # a week before the term ends, to both
    CLOSING_SURVEY = "closing_survey"
    MENTOR_THANKS = "mentor_thanks"
    STUDENT_REMINDER = "student_reminder"  # every 4 weeks, to students who never asked
    REQUEST_UNMATCHED = "request_unmatched"  # to the student whose request found no mentor
    ADMIN_REQUEST_UNMATCHED = "admin_request_unmatched"
    RECRUITING_INVITE = "recruiting_invite"  # once a term, to alumni not yet mentors
    FIT_CHECK = "fit_check"  # right after the first-meeting survey, to both: is this a good fit?
    ADMIN_NOT_A_GOOD_FIT = "admin_not_a_good_fit"
    CLOSED_WITHOUT_ANSWER = "closed_without_answer"  # to both, when a silent pair's mentorship closes itself
    MEETING_REMINDER = "meeting_reminder"  # the morning of a booked meeting, to both
    MEETING_HAPPENED = "meeting_happened"  # the day after a booked meeting, to both: did it happen?
    MENTOR_YEAR_IMPACT = "mentor_year_impact"  # at the school year's end, to each mentor: their impact note
    ADMIN_MENTOR_TO_THANK = "admin_mentor_to_thank"  # with each impact note, to admins: thank them publicly?
    ADMIN_LOW_RATING = "admin_low_rating"  # a survey rating of 1 or 2, with its comment when there is one
    WEEKLY_DIGEST = "weekly_digest"  # to the admins, Monday morning: the week in five lines
    # Not scheduled messages but work the bot owes since Slack got its ack (`bot.work`): a payload
    # recorded by the ack, still to be handled; a message a state change caused, still to be delivered.
    INBOUND = "inbound"
    OUTBOX = "outbox"


# The rows of `followups` that are work owed since an ack (`storage.queries.work`), and the messages
# the dispatcher schedules (every other kind).
WORK_KINDS = (FollowupKind.INBOUND, FollowupKind.OUTBOX)
SCHEDULED_KINDS = tuple(kind for kind in FollowupKind if kind not in WORK_KINDS)


@dataclass(frozen=True)
class FollowupPeriod:
    """Which occurrence of its kind a follow-up is; with the kind and the recipient, its unique key.

    Stored as `scope[:step][:rN]`: `m12` (mentorship 12), `m12:p3` (its third monthly prompt),
    `m12:t2027-03-01` (the term that ends that day), `m12:d2026-11-02` (dormant since that day), `r5`
    (request 5), `w40` (the 40th reminder interval), a term for the recruiting campaign; `:r2` marks the
    second "remind me next week" of the same prompt.
    """

    scope: str
    step: str = ""
    reminder: int = 0

    @classmethod
    def parse(cls, text: str) -> FollowupPeriod:
        scope, *rest = text.split(":")
        reminder = 0
        if rest and rest[-1][:1] == "r" and rest[-1][1:].isdecimal():
            reminder = int(rest.pop()[1:])
        return cls(scope=scope, step=":".join(rest), reminder=reminder)

    @classmethod
    def of_mentorship(cls, mentorship_id: int, step: str = "") -> FollowupPeriod:
        return cls(scope=f"m{mentorship_id}", step=step)

    def __str__(self) -> str:
        parts = [self.scope, self.step, f"r{self.reminder}" if self.reminder else ""]
        return ":".join(part for part in parts if part)

    @property
    def asked(self) -> FollowupPeriod:
        """The prompt itself, whatever reminder of it this is: what an answer is recorded against."""
        return FollowupPeriod(self.scope, self.step)

    def reminded(self) -> FollowupPeriod:
        """The next "remind me next week" of the same prompt."""
        return FollowupPeriod(self.scope, self.step, self.reminder + 1)

    def is_term_ending(self, term_ends_at: datetime) -> bool:
        return self.step == f"t{term_ends_at.date().isoformat()}"


class PeriodColumn(TypeDecorator[FollowupPeriod]):
    """A `FollowupPeriod` in a VARCHAR(32); a plain string binds as itself (queries, tests)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Any) -> FollowupPeriod | None:
        return None if value is None else FollowupPeriod.parse(value)


def _now() -> datetime:
    return datetime.now(UTC)


class Member(Base):
    """A person of the workspace as mentorbot knows them: a student or an alumnus."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        Index("ix_members_team_role", "team_id", "role"),
        # The few members Slack told us are gone: counted by the stats without reading every member.
        Index(
            "ix_members_team_inactive",
            "team_id",
            sqlite_where=text("inactive_since IS NOT NULL"),
            postgresql_where=text("inactive_since IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[Role | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    tz: Mapped[str | None] = mapped_column(String(64))
    # The Slack real name, refreshed with the profile: lets a student search mentors by name.
    display_name: Mapped[str | None] = mapped_column(String(120))
    is_workspace_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Refreshed from users.info when older than a day (hour for admin checks): people change language.
    profile_checked_at: Mapped[datetime | None]
    graduation_year: Mapped[int | None]
    email: Mapped[str | None] = mapped_column(String(254))
    # Slack told us the account is gone (user_not_found, account_inactive): send nothing more.
    inactive_since: Mapped[datetime | None]
    wants_student_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the bot last answered something they wrote in its DM: claimed by a conditional UPDATE, so
    # that however many processes receive their messages, they get at most one answer a minute.
    last_dm_answer_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # Whether an alumnus may mentor (`Verification`), who decided ("roster-import" or an admin's Slack
    # id) and when the admins were asked: once per person, claimed by a conditional UPDATE.
    verification: Mapped[Verification | None] = mapped_column(String(16))
    verification_decided_by: Mapped[str | None] = mapped_column(String(32))
    verification_asked_at: Mapped[datetime | None]
    # The topic keys the school's roster gives them (`mentorbot import`): a student's interests before they
    # ever ask, which the directory and the never-asked reminder lead with.
    topics: Mapped[list | None] = mapped_column(JSON)
    # An admin of the programme by the bot's own record (the person who installed the app), besides the
    # workspace's admins and owners that Slack names and MENTORBOT_ADMINS.
    is_programme_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    mentor_profile: Mapped[MentorProfile | None] = relationship(back_populates="member")


class MentorProfile(Base):
    """An alumnus who volunteered, with what they offer and how many mentees they take."""

    __tablename__ = "mentor_profiles"
    __table_args__ = (Index("ix_mentor_profiles_available", "team_id", "paused", "active_mentee_count"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(150))
    job_title: Mapped[str | None] = mapped_column(String(150))
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    # Kept beside `capacity` so that taking a place is one conditional UPDATE that cannot overshoot,
    # even when two accepts race (see storage.queries.take_mentor_place).
    active_mentee_count: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    charter_version: Mapped[int]
    # The mentor's own video link (Zoom, Meet…), offered when a meeting is booked by video.
    meeting_link: Mapped[str | None] = mapped_column(String(500))
    volunteered_at: Mapped[datetime] = mapped_column(default=_now)
    # The mentor's own words for the students' directory, and whether they are listed in it at all
    # (a mentor out of the directory is still offered requests by the ranking).
    how_i_can_help: Mapped[str | None] = mapped_column(String(280))
    in_directory: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)

    member: Mapped[Member] = relationship(back_populates="mentor_profile")
    topics: Mapped[list[MentorTopic]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[MentorLanguage]] = relationship(cascade="all, delete-orphan")


class MentorTopic(Base):
    __tablename__ = "mentor_topics"
    __table_args__ = (Index("ix_mentor_topics_topic", "topic", "member_id"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.member_id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)


class MentorLanguage(Base):
    __tablename__ = "mentor_languages"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.member_id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)


class MentoringRequest(Base):
    """A student's request for a mentor."""

    __tablename__ = "mentoring_requests"
    __table_args__ = (
        # At most one open request per student, enforced by the database itself.
        Index(
            "uq_mentoring_requests_one_open",
            "student_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_mentoring_requests_team_status", "team_id", "status", "created_at"),
        # For the stats: requests made / matched in a period (covering the median's durations), askers.
        Index("ix_mentoring_requests_team_created", "team_id", "created_at"),
        Index("ix_mentoring_requests_team_matched", "team_id", "matched_at", "created_at"),
        Index("ix_mentoring_requests_team_student", "team_id", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    student_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    preferred_mentor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    status: Mapped[RequestStatus] = mapped_column(String(16), default=RequestStatus.OPEN)
    charter_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    matched_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Whether mentors in its topics may see it in their Home's queue (the student's choice, on by default)
    visible_to_mentors: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # An expired request an admin matched by hand opens again: its unmatched delay counts from then.
    reopened_at: Mapped[datetime | None]

    student: Mapped[Member] = relationship(foreign_keys=[student_id])
    topics: Mapped[list[RequestTopic]] = relationship(cascade="all, delete-orphan")
    offers: Mapped[list[Offer]] = relationship(back_populates="request", order_by="Offer.id")


class RequestTopic(Base):
    __tablename__ = "request_topics"
    __table_args__ = (Index("ix_request_topics_topic", "topic"),)

    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_requests.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)


class Offer(Base):
    """A request offered to one mentor by DM, with the message to update once it is answered or taken."""

    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("request_id", "mentor_id"),
        Index("ix_offers_mentor_status", "mentor_id", "status"),
        Index("ix_offers_status_offered_at", "status", "offered_at", "team_id"),  # team_id: covering
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[int] = mapped_column(ForeignKey("mentoring_requests.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[OfferStatus] = mapped_column(String(16), default=OfferStatus.PENDING)
    offered_at: Mapped[datetime] = mapped_column(default=_now)
    answered_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    dm_channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    origin: Mapped[OfferOrigin] = mapped_column(
        String(16), default=OfferOrigin.MATCHING, server_default=OfferOrigin.MATCHING.value
    )

    request: Mapped[MentoringRequest] = relationship(back_populates="offers")
    mentor: Mapped[Member] = relationship()


class Mentorship(Base):
    """A student and a mentor matched through one request."""

    __tablename__ = "mentorships"
    __table_args__ = (
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_student_status", "student_id", "status"),
        # first_contact_at makes the first-contact figure index-only.
        Index("ix_mentorships_team_started", "team_id", "started_at", "first_contact_at"),
        Index("ix_mentorships_team_first_contact", "team_id", "first_contact_at"),
        Index("ix_mentorships_team_status_ended", "team_id", "status", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_requests.id", ondelete="SET NULL"), unique=True
    )
    student_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    status: Mapped[MentorshipStatus] = mapped_column(String(16), default=MentorshipStatus.ACTIVE)
    started_at: Mapped[datetime] = mapped_column(default=_now)
    first_contact_at: Mapped[datetime | None]
    term_ends_at: Mapped[datetime | None]
    unanswered_prompts: Mapped[int] = mapped_column(Integer, default=0)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    request: Mapped[MentoringRequest | None] = relationship()
    student: Mapped[Member | None] = relationship(foreign_keys=[student_id])
    mentor: Mapped[Member | None] = relationship(foreign_keys=[mentor_id])


class Meeting(Base):
    """A meeting a pair reported ("We met"), from a monthly prompt."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "period"),
        Index("ix_meetings_team_met_at", "team_id", "met_at", "mentorship_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(32))  # the prompt it answers, so one report a prompt
    met_at: Mapped[datetime]
    how: Mapped[str | None] = mapped_column(String(16))  # video, in_person, phone
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class BookingState(enum.StrEnum):
    PROPOSED = "proposed"  # times sent, waiting for the other of the pair to pick one
    BOOKED = "booked"
    CANCELLED = "cancelled"  # cancelled, or none of the times suited


class MeetingBooking(Base):
    """A meeting one of a pair proposes (up to three times) and the other books by picking one.

    `slots`: the proposed starts, UTC epoch seconds. `revision` grows at each booking, so the reminders
    of a meeting that was moved are told apart from the new ones (their period names it). `channel_id`
    and `message_ts`: the proposal's DM to the one who picks, rewritten when they answer.
    """

    __tablename__ = "meeting_bookings"
    __table_args__ = (Index("ix_meeting_bookings_mentorship", "mentorship_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    slots: Mapped[list] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(16))  # video, in_person, phone (as Meeting.how)
    link: Mapped[str | None] = mapped_column(String(500))  # None by video: a Slack huddle in their DM
    chosen_at: Mapped[datetime | None]
    state: Mapped[BookingState] = mapped_column(String(16), default=BookingState.PROPOSED)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)

    mentorship: Mapped[Mentorship] = relationship()


class SurveyAnswer(Base):
    """One person's answer to a survey about their mentorship (first meeting, closing)."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "member_id", "survey"),
        Index("ix_survey_answers_team_survey", "team_id", "survey", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    survey: Mapped[str] = mapped_column(String(32))  # first_meeting, closing
    rating: Mapped[int | None]  # 1 to 5; None with not_met_yet
    not_met_yet: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=_now)


class FitAnswer(Base):
    """One person's answer to "is this a good fit?" about their mentorship, for the admins."""

    __tablename__ = "fit_answers"
    __table_args__ = (UniqueConstraint("mentorship_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    fit: Mapped[str] = mapped_column(String(16))  # good, undecided, not_good
    answered_at: Mapped[datetime] = mapped_column(default=_now)


class ExcludedMatch(Base):
    """A mentor a student's requests must never be offered to again (the pair said it was not a good fit)."""

    __tablename__ = "excluded_matches"
    __table_args__ = (UniqueConstraint("student_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    student_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    mentorship_id: Mapped[int | None] = mapped_column(ForeignKey("mentorships.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class Followup(Base):
    """A scheduled message: what, for whom, due when, and how its delivery went.

    The unique key (recipient, kind, period) makes planning the same follow-up twice harmless; the
    state, lease and attempts let several dispatchers share the table and send each row exactly once.
    """

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "period"),
        # A workspace's due follow-ups, oldest first: what the dispatcher claims in turn, and the stats count.
        Index("ix_followups_state_team_due", "state", "team_id", "due_at", "id"),
        Index("ix_followups_mentorship", "mentorship_id"),
        # Surveys sent in a period and whether answered, index-only (the stats).
        Index("ix_followups_team_kind_sent", "team_id", "kind", "sent_at", "mentorship_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(48))
    # None for inbound and outbox rows, whose payload says whom they are for.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    mentorship_id: Mapped[int | None] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_requests.id", ondelete="CASCADE"))
    period: Mapped[FollowupPeriod] = mapped_column(PeriodColumn())
    due_at: Mapped[datetime]
    state: Mapped[FollowupState] = mapped_column(String(16), default=FollowupState.DUE)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # An inbound or outbox row's content (`bot.work`): dropped once the work is done.
    payload: Mapped[dict | None] = mapped_column(JSON)

    recipient: Mapped[Member] = relationship()
    mentorship: Mapped[Mentorship | None] = relationship()


class ProgrammeSettings(Base):
    """The school's levers: topics and cadences. One row per workspace, created with the defaults."""

    __tablename__ = "programme_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topics: Mapped[list] = mapped_column(JSON)
    offers_per_request: Mapped[int] = mapped_column(Integer, default=3)
    offer_expiry_days: Mapped[int] = mapped_column(Integer, default=3)
    unmatched_report_days: Mapped[int] = mapped_column(Integer, default=14)
    first_contact_check_days: Mapped[int] = mapped_column(Integer, default=3)
    first_contact_reminder_days: Mapped[int] = mapped_column(Integer, default=7)
    first_contact_escalation_days: Mapped[int] = mapped_column(Integer, default=14)
    survey_delay_days: Mapped[int] = mapped_column(Integer, default=30)
    meeting_prompt_interval_days: Mapped[int] = mapped_column(Integer, default=30)
    mentorship_term_days: Mapped[int] = mapped_column(Integer, default=182)
    student_reminder_interval_days: Mapped[int] = mapped_column(Integer, default=28)  # 0 turns them off
    quiet_hours_start: Mapped[int] = mapped_column(Integer, default=9)
    quiet_hours_end: Mapped[int] = mapped_column(Integer, default=18)
    max_mentorships_per_student: Mapped[int] = mapped_column(Integer, default=1)
    # The school's default video link for booked meetings: a URL template (`{booking}` is replaced by a
    # name of the booking's own), or None for "a Slack huddle in your DM".
    meeting_link: Mapped[str | None] = mapped_column(String(500))
    # On: a self-declared alumnus mentors once the roster or an admin verified them. Off: open
    # self-declaration, any alumnus not declined mentors at once.
    alumni_verification: Mapped[bool] = mapped_column(Boolean, default=True)
    # The school's thank-you in mentors' impact notes; None: the catalogue's words.
    thanks_text_fr: Mapped[str | None] = mapped_column(Text)
    thanks_text_en: Mapped[str | None] = mapped_column(Text)
    # The month whose end closes the school year (6: end of June), when each mentor gets a yearly note.
    school_year_end_month: Mapped[int] = mapped_column(Integer, default=6, server_default=text("6"))
    # The channel the admins' alerts and digest go to (one message), when a school picked one; else DMs.
    admin_channel_id: Mapped[str | None] = mapped_column(String(32))
    # When the installer got the first welcome (`bot.welcome`): claimed once, so a reinstall says
    # "welcome back" instead of starting the set-up over.
    welcomed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class CharterVersion(Base):
    """A version of the school's mentoring charter, in both languages. The newest one is in force."""

    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("team_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    text_fr: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class CharterAcceptance(Base):
    """Who accepted which charter version, and as what (mentor or mentee)."""

    __tablename__ = "charter_acceptances"
    __table_args__ = (UniqueConstraint("member_id", "version", "accepted_as"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    version: Mapped[int]
    accepted_as: Mapped[str] = mapped_column(String(16))
    accepted_at: Mapped[datetime] = mapped_column(default=_now)


class SettingsChange(Base):
    """The audit trail of programme settings: who changed what, when."""

    __tablename__ = "settings_changes"
    __table_args__ = (Index("ix_settings_changes_team_at", "team_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=_now)
    setting: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class ProcessedEvent(Base):
    """Events API deliveries already handled, so a retried delivery has no second effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=_now)


class PostedMessage(Base):
    """A message the bot posted about a member (a match DM, an offer, a notice), so that erasure and
    retention can find it again and rewrite it. Follow-ups keep their own place (`Followup.channel_id`)."""

    __tablename__ = "posted_messages"
    __table_args__ = (Index("ix_posted_messages_about", "about_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    about_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # Whose DM it is, so that a rewrite speaks their language.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(48))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    posted_at: Mapped[datetime] = mapped_column(default=_now)


class DeliveryPause(Base):
    """A workspace whose bot token Slack refuses (revoked, expired, workspace disabled): nothing is sent to
    it, and nothing is marked failed, until a call with its token succeeds again."""

    __tablename__ = "delivery_pauses"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    error: Mapped[str] = mapped_column(String(64))
    paused_at: Mapped[datetime] = mapped_column(default=_now)


class WorkspaceDeparture(Base):
    """A workspace that uninstalled the app (or revoked its bot token, which is an uninstall too).

    Its data stays `MENTORBOT_UNINSTALLED_RETENTION_DAYS` in case the school comes back (`returned_at`),
    then the retention job erases it (`erased_at`) and keeps only the programme's anonymous totals
    (`kept_counts`). Rows are never deleted: they are the record of who left when, and what was erased.
    """

    __tablename__ = "workspace_departures"
    __table_args__ = (
        # One departure in progress per workspace, so that a second event records nothing new.
        Index(
            "uq_workspace_departures_in_progress",
            "team_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL AND erased_at IS NULL"),
            postgresql_where=text("returned_at IS NULL AND erased_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    left_at: Mapped[datetime]
    returned_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    kept_counts: Mapped[dict | None] = mapped_column(JSON)


class KudosStatus(enum.StrEnum):
    ASKED = "asked"  # the mentor was asked whether they may be thanked publicly
    SHARED = "shared"  # they said yes: the kudos was posted
    DECLINED = "declined"  # they said no thanks: nothing is posted


class Kudos(Base):
    """An admin's wish to thank a mentor publicly in a channel, posted only once the mentor consents."""

    __tablename__ = "kudos"
    __table_args__ = (Index("ix_kudos_mentor", "mentor_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    asked_by: Mapped[str] = mapped_column(String(32))
    status: Mapped[KudosStatus] = mapped_column(String(16), default=KudosStatus.ASKED)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class WorkspaceInstallation(Base):
    """mentorbot added to a school's workspace with "Add to Slack": one row a workspace, replaced when
    the school reinstalls (new scopes, a new token) or a rotating token is refreshed. Its tokens arrive
    here already encrypted (`bot.installations`): no column ever holds one in clear."""

    __tablename__ = "installations"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_name: Mapped[str | None] = mapped_column(String(200))
    # The Enterprise Grid organisation of a workspace installed on its own (org-wide installs are refused).
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str] = mapped_column(String(32))
    bot_id: Mapped[str] = mapped_column(String(32))
    # Comma-separated, as Slack granted them.
    bot_scopes: Mapped[str] = mapped_column(Text)
    encrypted_bot_token: Mapped[str] = mapped_column(Text)
    # With Slack's token rotation on: the refresh token, and when the bot token stops working.
    encrypted_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None]
    installer_user_id: Mapped[str] = mapped_column(String(32))
    installed_at: Mapped[datetime]


class OAuthState(Base):
    """An "Add to Slack" under way: the `state` handed to Slack, good for one callback until it expires."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime]
