"""What should happen in Slack after the programme did its work: the one value every entry point returns.

A feature function applies the programme's rules in one transaction and returns an `Outcome`; it never
calls Slack. `bot.deliver` carries it out: the modal first (its trigger dies after 3 s), then the answer
to the person, then the rest, each best-effort. A refusal is an outcome with a reply, like any other.

Side effects fan out through the outcome — notices to other people, updates of earlier messages, Home
tabs to refresh, requests to offer again — rather than one feature importing another to call Slack.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.members import Person
from bot.messages.kit import Message


class NoticeKind(enum.StrEnum):
    """What a notice is, for the record of posted messages and for the logs."""

    OFFER = "offer"
    MATCH_FOR_STUDENT = "match_for_student"
    MATCH_FOR_MENTOR = "match_for_mentor"
    MENTORSHIP_ENDED = "mentorship_ended"
    PARTNER_DEACTIVATED = "partner_deactivated"
    CONFIRMATION = "confirmation"  # an answer to the person, sent to their DM
    DATA_DELETED = "data_deleted"
    MEETING_PROPOSAL = "meeting_proposal"
    MEETING_BOOKED = "meeting_booked"
    MEETING_CANCELLED = "meeting_cancelled"
    MENTOR_PROPOSAL = "mentor_proposal"  # a mentor offered to take a queued request; the student answers
    ALUMNUS_VERIFICATION = "alumnus_verification"  # to an admin: approve or decline a self-declared alumnus
    KUDOS = "kudos"  # a mentor's public thank-you, posted to a channel with their consent
    WELCOME = "welcome"  # to the person who installed the app: they are an admin, the first steps
    ANNOUNCEMENT = "announcement"  # the programme's invitation to students, posted to a channel


@dataclass(frozen=True)
class Notice:
    """A message posted to someone's DM because of what happened.

    `about`: the members whose words or names it shows; the delivery records where it was posted, so
    that erasing one of them can rewrite it. `offer_id`: an offer's DM, whose place is kept on the offer
    (to update it when the request is answered) and which is withdrawn when it cannot be delivered.
    `booking_id`: a meeting proposal's DM, whose place is kept on the booking (to rewrite it when a time
    is picked). `file`: uploaded to the same DM once the message is posted (a meeting's invitation):
    the acting person's own files go through `Outcome.upload`, other people's ride on their notice.
    """

    user_id: str
    message: Message
    kind: NoticeKind
    recipient_id: int | None = None  # the member it goes to: marked inactive if Slack says they are gone
    about: tuple[int, ...] = ()
    offer_id: int | None = None
    booking_id: int | None = None
    file: FileToUpload | None = None


@dataclass(frozen=True)
class Update:
    """An earlier message rewritten in place (an offer's buttons replaced by what happened)."""

    channel_id: str
    ts: str
    message: Message


@dataclass(frozen=True)
class FileToUpload:
    filename: str
    content: bytes
    title: str
    alt_text: str | None = None


@dataclass(frozen=True)
class Upload:
    """Files for the person's DM. The answer depends on whether they arrived: `sent` or `failed`."""

    files: tuple[FileToUpload, ...]
    comment: str | None
    sent: Message
    failed: Message


@dataclass(frozen=True)
class ViewUpdate:
    """An open modal re-rendered in place (the directory's filters and pages): its id and the `hash`
    of the version the click saw, so that an update based on an older version is refused."""

    view_id: str
    view_hash: str | None
    view: dict


@dataclass(frozen=True)
class Outcome:
    """Everything Slack should see after one unit of work, in the order `bot.deliver` carries it out.

    - `modal`: a view to open with the click's trigger_id (first: the trigger dies after 3 s);
      `push_modal` instead pushes it on top of the modal clicked in; `modal_update` re-renders the
      modal clicked in.
    - `upload`: files for the person's DM; its `sent`/`failed` message is then the reply.
    - `reply`: the answer to the person who acted — through the response_url when there is one
      (`replace_original` replaces the clicked message), else in their DM.
    - `notices`, `updates`: messages to others, and earlier messages rewritten.
    - `homes`: Home tabs to refresh. `reoffer_requests`, `reoffer_team`: requests to offer again,
      or all the waiting requests of a team (a place freed up, a mentor volunteered or resumed).
    """

    reply: Message | None = None
    replace_original: bool = False
    modal: dict | None = None
    upload: Upload | None = None
    notices: tuple[Notice, ...] = ()
    updates: tuple[Update, ...] = ()
    homes: tuple[Person, ...] = ()
    reoffer_requests: tuple[int, ...] = ()
    reoffer_team: str | None = None
    push_modal: bool = False
    modal_update: ViewUpdate | None = None

    def __add__(self, other: Outcome) -> Outcome:
        """Both outcomes: `other`'s reply and modal win where both have one; the rest adds up."""
        return Outcome(
            reply=other.reply or self.reply,
            replace_original=other.replace_original if other.reply else self.replace_original,
            modal=other.modal or self.modal,
            upload=other.upload or self.upload,
            notices=self.notices + other.notices,
            updates=self.updates + other.updates,
            homes=self.homes + tuple(home for home in other.homes if home not in self.homes),
            reoffer_requests=self.reoffer_requests
            + tuple(request for request in other.reoffer_requests if request not in self.reoffer_requests),
            reoffer_team=other.reoffer_team or self.reoffer_team,
            push_modal=other.push_modal if other.modal else self.push_modal,
            modal_update=other.modal_update or self.modal_update,
        )


def reply(message: Message, *, replace_original: bool = False) -> Outcome:
    return Outcome(reply=message, replace_original=replace_original)


NOTHING = Outcome()
