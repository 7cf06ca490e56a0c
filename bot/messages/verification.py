"""Verified alumni: the admins' Approve / Decline request, and what the alumnus and the admins read after."""

from __future__ import annotations

from dataclasses import dataclass

from bot import ids
from bot.i18n import t
from bot.messages.kit import Message, button, buttons, escape, mention, message, section
from storage.models import Verification

# "roster-import" and "upgrade" decided without an admin: said in words, not as a mention.
_NOT_A_PERSON = ("roster-import", "upgrade")


@dataclass(frozen=True)
class AlumnusClaim:
    """What an alumnus said about themselves when they volunteered: what the admins judge by."""

    member_id: int
    user_id: str
    graduation_year: int | None
    industry: str | None
    job_title: str | None


def verification_request(locale: str, claim: AlumnusClaim) -> Message:
    """To each admin: "<name> says they are an alumnus (class of 2015, industry…) — Approve / Decline"."""
    details = []
    if claim.graduation_year is not None:
        details.append(t(locale, "verification.class_of", year=claim.graduation_year))
    details += [escape(text) for text in (claim.industry, claim.job_title) if text]
    key = "verification.request" if details else "verification.request_no_details"
    text = t(locale, key, name=mention(claim.user_id), details=", ".join(details))
    value = str(claim.member_id)
    return message(
        text,
        [
            section(text),
            buttons(
                button(t(locale, "verification.approve"), ids.VERIFY_ALUMNUS_APPROVE, value, "primary"),
                button(t(locale, "verification.decline"), ids.VERIFY_ALUMNUS_DECLINE, value),
            ),
        ],
    )


def pending_for_alumnus(locale: str) -> Message:
    """To the alumnus, once: their profile is saved; requests come once an admin has confirmed them."""
    text = t(locale, "verification.pending")
    return message(text, [section(text)])


def decision_for_alumnus(locale: str, verification: Verification) -> Message:
    """To the alumnus, either way, kindly."""
    text = t(locale, f"verification.told_{verification.value}")
    return message(text, [section(text)])


def decided_for_admin(locale: str, user_id: str, verification: Verification) -> Message:
    """What replaces the admin's request once they clicked."""
    text = t(locale, f"verification.you_{verification.value}", name=mention(user_id))
    return message(text, [section(text)])


def already_decided(
    locale: str, user_id: str, verification: Verification | None, decided_by: str | None
) -> Message:
    """A second click, or one after the roster import: who decided, and nothing changes."""
    if decided_by is None or decided_by in _NOT_A_PERSON:
        who = t(locale, "verification.by_the_school")
    else:
        who = mention(decided_by)
    outcome = (verification or Verification.VERIFIED).value
    text = t(locale, f"verification.already_{outcome}", name=mention(user_id), who=who)
    return message(text, [section(text)])


def nothing_to_decide(locale: str) -> Message:
    text = t(locale, "verification.nothing_to_decide")
    return message(text, [section(text)])
