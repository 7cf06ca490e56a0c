"""A meeting booked in two clicks: one of a pair proposes up to three times, the other picks one.

The student proposes from the match DM, either of the pair from a monthly prompt ("Book our next
meeting") or by moving a booked meeting. The other gets a button per time, each shown in their own
time zone; picking one books it, tells both, and gives each an `.ics` invitation (`bot.invitations`).
"None of these" asks the proposer, kindly, for other times. A booked meeting can be moved (the modal
again) or cancelled by either of them. The morning of the meeting both get a reminder, and the next day
"Did it happen?" (`bot.followups`), whose "Yes" logs the first contact and the meeting.

Every click is checked against the database, not the button: the clicker must be the right one of the
pair (the proposer never picks their own times). A forged click is refused politely and logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot import ids
from bot.context import BotContext
from bot.followups import booking_period, zone_of
from bot.i18n import t
from bot.invitations import meeting_invitation
from bot.members import Person, member_locale
from bot.messages import booking as messages
from bot.messages.booking import LINK_OF_MENTOR, MODES, SLOT_INPUTS, Meeting
from bot.messages.kit import Message
from bot.outcome import FileToUpload, Notice, NoticeKind, Outcome, Update, Upload, reply
from bot.programme import programme_settings
from storage.models import (
    LIVE_MENTORSHIP_STATUSES,
    BookingState,
    FollowupKind,
    MeetingBooking,
    Member,
    MentorProfile,
    Mentorship,
)
from storage.queries import bookings as queries
from storage.queries.followups import PlannedFollowup, plan_followups

logger = logging.getLogger(__name__)

REMINDER_HOUR = 8  # the morning of the meeting, in each one's zone; the dispatcher keeps quiet hours


@dataclass(frozen=True)
class BookingForm:
    """What the booking modal holds: the times (UTC, in the order given), the mode, whose link."""

    slots: tuple[datetime, ...]
    mode: str
    link_choice: str | None


# ------------------------------------------------------------------------------------------------------
# Reading the modal (pure: the ack checks it too)


def read_booking_form(view: dict) -> BookingForm:
    values = (view.get("state") or {}).get("values") or {}

    def field(block_id: str) -> dict:
        return (values.get(block_id) or {}).get(block_id) or {}

    slots: list[datetime] = []
    for input_id in SLOT_INPUTS:
        epoch = field(input_id).get("selected_date_time")
        if isinstance(epoch, int) and not isinstance(epoch, bool) and epoch > 0:
            moment = datetime.fromtimestamp(epoch, UTC)
            if moment not in slots:
                slots.append(moment)
    mode = (field(ids.BOOKING_MODE).get("selected_option") or {}).get("value")
    link = (field(ids.BOOKING_LINK).get("selected_option") or {}).get("value")
    return BookingForm(slots=tuple(slots), mode=mode if mode in MODES else "video", link_choice=link)


def booking_form_errors(view: dict, locale: str, now: datetime) -> dict[str, str]:
    """Field errors for the ack: at least one time, and none in the past."""
    values = (view.get("state") or {}).get("values") or {}
    errors = {}
    for input_id in SLOT_INPUTS:
        epoch = ((values.get(input_id) or {}).get(input_id) or {}).get("selected_date_time")
        if isinstance(epoch, int) and datetime.fromtimestamp(epoch, UTC) <= now:
            errors[input_id] = t(locale, "booking.errors.past")
    if not read_booking_form(view).slots and SLOT_INPUTS[0] not in errors:
        errors[SLOT_INPUTS[0]] = t(locale, "booking.errors.no_time")
    return errors


# ------------------------------------------------------------------------------------------------------
# Who may do what


def _pair_of(mentorship: Mentorship | None) -> tuple[Member, Member] | None:
    """(student, mentor) of a live mentorship, or None."""
    if (
        mentorship is None
        or mentorship.status not in LIVE_MENTORSHIP_STATUSES
        or mentorship.student is None
        or mentorship.mentor is None
    ):
        return None
    return mentorship.student, mentorship.mentor


def _partner(pair: tuple[Member, Member], member_id: int) -> Member | None:
    student, mentor = pair
    if member_id == student.id:
        return mentor
    if member_id == mentor.id:
        return student
    return None


def _refused(person: Person, what: str, target: int) -> Outcome:
    logger.warning("refused %s of %s by member %s: not theirs", what, target, person.member_id)
    return reply(messages.refusal(person.locale, "common.not_for_you"))


def _already_done(person: Person) -> Outcome:
    return reply(messages.refusal(person.locale, "common.already_done"))


def _links(session: Session, mentorship: Mentorship) -> tuple[str | None, str | None]:
    settings = programme_settings(session, mentorship.team_id)
    profile = session.get(MentorProfile, mentorship.mentor_id) if mentorship.mentor_id else None
    return settings.meeting_link, profile.meeting_link if profile else None


# ------------------------------------------------------------------------------------------------------
# Proposing


def booking_modal_for(bot: BotContext, person: Person, mentorship_id: int) -> Outcome:
    """ "Propose times" (the match DM, a monthly prompt, "none of these"): the modal, or a refusal.
    Database only, to beat the trigger's 3 s."""
    with bot.sessions.begin() as session:
        mentorship = session.get(Mentorship, mentorship_id)
        pair = _pair_of(mentorship)
        partner = _partner(pair, person.member_id) if pair else None
        if mentorship is None or partner is None:
            if mentorship is not None and pair is None:
                return _already_done(person)
            return _refused(person, "a meeting proposal", mentorship_id)
        school_link, mentor_link = _links(session, mentorship)
        view = messages.booking_modal(
            person.locale,
            metadata=f"m{mentorship_id}",
            partner_user_id=partner.slack_user_id,
            school_link=school_link,
            mentor_link=mentor_link,
        )
    return Outcome(modal=view)


def reschedule_modal_for(bot: BotContext, person: Person, booking_id: int) -> Outcome:
    """ "Reschedule" on a booked meeting: the same modal, about that booking."""
    with bot.sessions.begin() as session:
        booking = session.get(MeetingBooking, booking_id)
        pair = _pair_of(booking.mentorship) if booking else None
        partner = _partner(pair, person.member_id) if pair else None
        if booking is None or partner is None:
            return _refused(person, "a reschedule", booking_id)
        if booking.state != BookingState.BOOKED:
            return _already_done(person)
        school_link, mentor_link = _links(session, booking.mentorship)
        view = messages.booking_modal(
            person.locale,
            metadata=f"b{booking_id}",
            partner_user_id=partner.slack_user_id,
            school_link=school_link,
            mentor_link=mentor_link,
        )
    return Outcome(modal=view)


def _meeting_link(
    form: BookingForm, school_link: str | None, mentor_link: str | None, booking_id: int
) -> str | None:
    if form.mode != "video":
        return None
    if form.link_choice == LINK_OF_MENTOR and mentor_link:
        return mentor_link
    if school_link:  # a template: `{booking}` gives each booking a room of its own (Jitsi, say)
        return school_link.replace("{booking}", f"mentorbot-{booking_id}")
    return None  # a Slack huddle in their DM


def propose_times(bot: BotContext, person: Person, metadata: str, form: BookingForm) -> Outcome:
    """The modal was submitted: save the proposal (a new one, or new times for a booked meeting) and send
    the times to the other of the pair."""
    now = bot.clock.now()
    slots = tuple(slot for slot in form.slots if slot > now)
    if not slots:
        return Outcome()  # the ack showed the errors
    kind, number = metadata[:1], metadata[1:]  # "m<mentorship>" for a new one, "b<booking>" to move one
    target = int(number) if number.isdecimal() else 0
    epochs = [int(slot.timestamp()) for slot in slots]
    with bot.sessions.begin() as session:
        if kind == "b":
            booking = session.get(MeetingBooking, target)
            mentorship = booking.mentorship if booking else None
        else:
            booking, mentorship = None, session.get(Mentorship, target)
        pair = _pair_of(mentorship)
        partner = _partner(pair, person.member_id) if pair else None
        if mentorship is None or partner is None:
            return _refused(person, "a meeting proposal", target)
        school_link, mentor_link = _links(session, mentorship)
        if booking is None:
            booking = queries.create_booking(
                session,
                team_id=mentorship.team_id,
                mentorship_id=mentorship.id,
                proposed_by_id=person.member_id,
                slots=epochs,
                mode=form.mode,
                link=None,
                now=now,
            )
            booking.link = _meeting_link(form, school_link, mentor_link, booking.id)
        else:
            link = _meeting_link(form, school_link, mentor_link, booking.id)
            moved = queries.propose_again(
                session,
                booking.id,
                proposed_by_id=person.member_id,
                slots=epochs,
                mode=form.mode,
                link=link,
                now=now,
            )
            if not moved:
                return _already_done(person)
            session.refresh(booking)
        meeting = Meeting(booking.mode, booking.link)
        partner_locale = member_locale(bot, partner)
        to_partner = messages.proposal(
            partner_locale,
            booking_id=booking.id,
            proposer_user_id=person.user_id,
            slots=slots,
            tz_name=partner.tz,
            meeting=meeting,
        )
        notice = Notice(
            partner.slack_user_id,
            to_partner,
            NoticeKind.MEETING_PROPOSAL,
            partner.id,
            (person.member_id, partner.id),
            booking_id=booking.id,
        )
        sent = messages.proposal_sent(
            person.locale, partner_user_id=partner.slack_user_id, slots=slots, tz_name=person.tz
        )
    return Outcome(reply=sent, notices=(notice,))


# ------------------------------------------------------------------------------------------------------
# Answering a proposal


@dataclass(frozen=True)
class _Booked:
    """What the confirmations need, read inside the booking's transaction."""

    booking_id: int
    revision: int
    starts_at: datetime
    meeting: Meeting
    picker: Member
    proposer: Member


def pick_slot(bot: BotContext, person: Person, booking_id: int, index: int) -> Outcome:
    """The other of the pair picked one of the times: booked once, confirmed to both with the invitation,
    and the reminder and "did it happen?" planned."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        booking = session.get(MeetingBooking, booking_id)
        pair = _pair_of(booking.mentorship) if booking else None
        proposer = _partner(pair, person.member_id) if pair else None
        if booking is None or proposer is None or booking.proposed_by_id == person.member_id:
            return _refused(person, "a pick of a meeting time", booking_id)
        if not 0 <= index < len(booking.slots):
            return _refused(person, "a pick of a time never proposed", booking_id)
        starts_at = datetime.fromtimestamp(int(booking.slots[index]), UTC)
        if not queries.claim_booking(session, booking_id, starts_at, now):
            return _already_done(person)
        session.refresh(booking)
        picker = session.get(Member, person.member_id)
        assert picker is not None
        booked = _Booked(
            booking.id, booking.revision, starts_at, Meeting(booking.mode, booking.link), picker, proposer
        )
        _plan_meeting_followups(session, booking, (picker, proposer), now)
        invitation = _invitation(bot, booked, now)
        for_picker = _booked_message(bot, booked, picker, proposer, attached=True)
        for_picker_failed = _booked_message(bot, booked, picker, proposer, attached=False)
        for_proposer = _booked_message(bot, booked, proposer, picker, attached=True)
    return Outcome(
        upload=Upload(files=(invitation,), comment=None, sent=for_picker, failed=for_picker_failed),
        replace_original=True,
        notices=(
            Notice(
                proposer.slack_user_id,
                for_proposer,
                NoticeKind.MEETING_BOOKED,
                proposer.id,
                (proposer.id, picker.id),
                file=invitation,
            ),
        ),
    )


def _booked_message(
    bot: BotContext, booked: _Booked, reader: Member, partner: Member, *, attached: bool
) -> Message:
    return messages.booked(
        member_locale(bot, reader),
        booking_id=booked.booking_id,
        partner_user_id=partner.slack_user_id,
        starts_at=booked.starts_at,
        tz_name=reader.tz,
        meeting=booked.meeting,
        invitation_attached=attached,
    )


def _invitation(bot: BotContext, booked: _Booked, now: datetime) -> FileToUpload:
    """One .ics for both: the same event (same UID) in each one's calendar. Written in the proposer's
    language; its times are UTC, shown by each calendar in its owner's zone."""
    locale = member_locale(bot, booked.proposer)
    names = " & ".join(
        member.display_name or member.slack_user_id for member in (booked.proposer, booked.picker)
    )
    mode = t(locale, f"booking.modes.{booked.meeting.mode}")
    location = booked.meeting.link or (
        t(locale, "booking.ics.huddle") if booked.meeting.mode == "video" else None
    )
    content = meeting_invitation(
        booking_id=booked.booking_id,
        revision=booked.revision,
        starts_at=booked.starts_at,
        summary=t(locale, "booking.ics.summary", names=names),
        description=t(locale, "booking.ics.description", mode=mode),
        location=location,
        attendee_emails=[m.email for m in (booked.proposer, booked.picker) if m.email],
        now=now,
    )
    return FileToUpload(
        filename="meeting.ics", content=content, title=t(locale, "booking.ics.title"), alt_text=None
    )


def _plan_meeting_followups(
    session: Session, booking: MeetingBooking, pair: tuple[Member, Member], now: datetime
) -> None:
    """The reminder, the morning of the meeting in each one's zone, and "did it happen?" the next
    morning. Their period names the booking's revision: a moved meeting gets new ones, and the old ones
    are skipped when they come due (`bot.followups.render_followup`)."""
    assert booking.chosen_at is not None
    period = booking_period(booking.mentorship_id, booking.id, booking.revision)
    planned = []
    for member in pair:
        zone = zone_of(member.tz)
        day = booking.chosen_at.astimezone(zone).date()
        morning = datetime.combine(day, time(REMINDER_HOUR), tzinfo=zone).astimezone(UTC)
        next_morning = datetime.combine(day + timedelta(days=1), time(REMINDER_HOUR), tzinfo=zone).astimezone(
            UTC
        )
        for kind, due_at in (
            (FollowupKind.MEETING_REMINDER, max(morning, now)),
            (FollowupKind.MEETING_HAPPENED, max(next_morning, booking.chosen_at)),
        ):
            planned.append(
                PlannedFollowup(
                    team_id=booking.team_id,
                    kind=kind,
                    recipient_id=member.id,
                    period=period,
                    due_at=due_at,
                    mentorship_id=booking.mentorship_id,
                )
            )
    plan_followups(session, planned, now)


def none_fit(bot: BotContext, person: Person, booking_id: int) -> Outcome:
    """ "None of these": the proposal closes, and the proposer is asked, kindly, for other times."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        booking = session.get(MeetingBooking, booking_id)
        pair = _pair_of(booking.mentorship) if booking else None
        proposer = _partner(pair, person.member_id) if pair else None
        if booking is None or proposer is None or booking.proposed_by_id == person.member_id:
            return _refused(person, "a 'none of these'", booking_id)
        if not queries.cancel_booking(session, booking_id, (BookingState.PROPOSED,), now):
            return _already_done(person)
        to_proposer = messages.none_fit_for_proposer(
            member_locale(bot, proposer),
            partner_user_id=person.user_id,
            mentorship_id=booking.mentorship_id,
        )
        notice = Notice(
            proposer.slack_user_id,
            to_proposer,
            NoticeKind.MEETING_PROPOSAL,
            proposer.id,
            (proposer.id, person.member_id),
        )
    return Outcome(
        reply=messages.none_fit_answered(person.locale, proposer_user_id=proposer.slack_user_id),
        replace_original=True,
        notices=(notice,),
    )


def cancel_meeting(bot: BotContext, person: Person, booking_id: int) -> Outcome:
    """Either of the pair cancels a booked meeting: the other is told, the reminders are skipped."""
    now = bot.clock.now()
    with bot.sessions.begin() as session:
        booking = session.get(MeetingBooking, booking_id)
        pair = _pair_of(booking.mentorship) if booking else None
        partner = _partner(pair, person.member_id) if pair else None
        if booking is None or partner is None:
            return _refused(person, "a cancellation", booking_id)
        starts_at = booking.chosen_at
        place = (booking.channel_id, booking.message_ts)
        if not queries.cancel_booking(session, booking_id, (BookingState.BOOKED,), now):
            return _already_done(person)
        to_partner = messages.cancelled(
            member_locale(bot, partner), by_user_id=person.user_id, starts_at=starts_at, tz_name=partner.tz
        )
        for_person = messages.cancelled(
            person.locale, by_user_id=None, starts_at=starts_at, tz_name=person.tz
        )
        partner_id, partner_user = partner.id, partner.slack_user_id
        # The proposal's DM (the mentor's, usually), rewritten when the other one cancels from theirs.
        proposal_is_partners = booking.proposed_by_id == person.member_id
    # The partner's copy of the booked meeting loses its buttons; they are told in a DM of its own.
    updates = (
        (Update(place[0], place[1], to_partner),) if proposal_is_partners and place[0] and place[1] else ()
    )
    notices = (
        Notice(
            partner_user, to_partner, NoticeKind.MEETING_CANCELLED, partner_id, (person.member_id, partner_id)
        ),
    )
    return Outcome(reply=for_person, replace_original=True, updates=updates, notices=notices)
