"""A booked meeting as an iCalendar invitation (RFC 5545), so it lands in each person's own calendar.

One VEVENT, its times in UTC. The UID is stable per booking and SEQUENCE is the booking's revision, so
a moved meeting updates the event already imported instead of adding a second one. The organiser is the
bot, at an address that receives nothing (`.invalid` is reserved for that, RFC 2606): the invitation is
published (METHOD:PUBLISH), not a request anyone should reply to.

Attendees: mentorbot asks Slack for no e-mail addresses (no `users:read.email` scope). The only ones it
has are those an admin's roster import matched to a Slack account (`Member.email`); the people whose
address is known that way are listed, the others not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

ORGANIZER = "mailto:noreply@mentorbot.invalid"
MEETING_LENGTH = timedelta(hours=1)


def booking_uid(booking_id: int) -> str:
    return f"booking-{booking_id}@mentorbot.invalid"


def meeting_invitation(
    *,
    booking_id: int,
    revision: int,
    starts_at: datetime,
    summary: str,
    description: str,
    location: str | None,
    attendee_emails: Sequence[str],
    now: datetime,
    length: timedelta = MEETING_LENGTH,
) -> bytes:
    """The .ics file of one booked meeting."""
    calendar = Calendar()
    calendar.add("prodid", "-//mentorbot//meeting booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", booking_uid(booking_id))
    event.add("sequence", revision)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", (starts_at + length).astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    organizer = vCalAddress(ORGANIZER)
    organizer.params["cn"] = vText("mentorbot")
    event["organizer"] = organizer
    for email in attendee_emails:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()
