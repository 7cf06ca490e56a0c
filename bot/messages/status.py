"""The person's standing in the programme, for `/mentor status` and the App Home."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import DividerBlock, MarkdownTextObject, SectionBlock

from bot import ids
from bot.i18n import t
from bot.messages.kit import AnyBlock, Message, button, escape, mention, message, section, slack_date
from storage.models import Role


@dataclass(frozen=True)
class MentorAvailability:
    topics: list[str]  # labels in the person's language
    capacity: int
    load: int
    paused: bool


@dataclass(frozen=True)
class OpenRequest:
    request_id: int
    topics: list[str]
    created_at: datetime
    pending_offers: int


@dataclass(frozen=True)
class PendingOffer:
    offer_id: int
    student_user_id: str
    offered_at: datetime


@dataclass(frozen=True)
class CurrentMentorship:
    mentorship_id: int
    other_user_id: str | None  # None once the other member's account was deleted
    is_mentor: bool  # the person is the mentor of this pair
    started_at: datetime
    first_contact_at: datetime | None
    dormant: bool


@dataclass(frozen=True)
class PersonStatus:
    user_id: str
    role: Role | None
    mentor: MentorAvailability | None = None
    open_request: OpenRequest | None = None
    pending_offers: list[PendingOffer] = field(default_factory=list)
    mentorships: list[CurrentMentorship] = field(default_factory=list)


# A mentor takes at most five mentees; the cap only guards the message against Slack's 50 blocks.
MAX_MENTORSHIPS_SHOWN = 20
MAX_OFFERS_SHOWN = 10


def status_blocks(locale: str, status: PersonStatus) -> list[AnyBlock]:
    """The blocks of a `bot.status.PersonStatus`, shared by the status message and the Home tab."""
    blocks: list[AnyBlock] = [section(t(locale, "status.title")), section(_role_line(locale, status.role))]
    if status.role is Role.ALUMNUS:
        blocks.append(section(_mentor_profile_text(locale, status.mentor)))
        if status.pending_offers:
            lines = [t(locale, "status.offers_title")] + [
                t(
                    locale,
                    "status.offer_line",
                    student=mention(offer.student_user_id),
                    date=slack_date(offer.offered_at),
                )
                for offer in status.pending_offers[:MAX_OFFERS_SHOWN]
            ]
            blocks.append(section("\n".join(lines)))
    if status.open_request is not None:
        blocks.append(section(_open_request_text(locale, status.open_request)))
    elif status.role is Role.STUDENT and not status.mentorships:
        blocks.append(section(t(locale, "status.no_request")))

    blocks.append(DividerBlock())
    blocks.append(section(t(locale, "status.mentorships_title")))
    if not status.mentorships:
        blocks.append(section(t(locale, "status.no_mentorship")))
    for mentorship in status.mentorships[:MAX_MENTORSHIPS_SHOWN]:
        blocks.append(_mentorship_section(locale, mentorship))
    return blocks


def status_message(locale: str, status: PersonStatus) -> Message:
    return message(t(locale, "status.title_plain"), status_blocks(locale, status))


def _role_line(locale: str, role: Role | None) -> str:
    return t(locale, f"status.role_{role.value}") if role is not None else t(locale, "role.question")


def _mentor_profile_text(locale: str, mentor: MentorAvailability | None) -> str:
    if mentor is None:
        return t(locale, "status.not_mentor")
    if mentor.paused:
        availability = t(locale, "status.mentor_paused")
    elif mentor.load >= mentor.capacity:
        availability = t(locale, "status.mentor_full")
    else:
        availability = t(locale, "status.mentor_available")
    topics = ", ".join(mentor.topics) or "—"
    profile = t(locale, "status.mentor_profile", topics=topics, load=mentor.load, capacity=mentor.capacity)
    return f"{profile}\n{availability}"


def _open_request_text(locale: str, request: OpenRequest) -> str:
    opened = t(
        locale,
        "status.request_open",
        topics=", ".join(request.topics) or "—",
        date=slack_date(request.created_at),
    )
    if request.pending_offers:
        progress = t(locale, "status.request_offered", count=request.pending_offers)
    else:
        progress = t(locale, "status.request_waiting")
    return f"{opened}\n{progress}"


def _mentorship_section(locale: str, mentorship: CurrentMentorship) -> SectionBlock:
    name = (
        mention(mentorship.other_user_id)
        if mentorship.other_user_id
        else escape(t(locale, "status.someone_left"))
    )
    since = slack_date(mentorship.started_at)
    lines = [
        t(
            locale,
            "status.with_mentee" if mentorship.is_mentor else "status.with_mentor",
            name=name,
            date=since,
        )
    ]
    if mentorship.first_contact_at is not None:
        lines.append(t(locale, "status.first_contact_made", date=slack_date(mentorship.first_contact_at)))
    elif mentorship.is_mentor:
        lines.append(t(locale, "status.first_contact_pending_mentor"))
    else:
        lines.append(t(locale, "status.first_contact_pending_student"))
    if mentorship.dormant:
        lines.append(t(locale, "status.dormant"))
    return SectionBlock(
        block_id=f"mentorship_{mentorship.mentorship_id}",
        text=MarkdownTextObject(text="\n".join(lines)),
        accessory=button(t(locale, "status.end_button"), ids.END_MENTORSHIP, str(mentorship.mentorship_id)),
    )
