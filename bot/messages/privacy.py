"""What a person sees of their data rights: what is stored and why, the export, the erasure and its
confirmation, and the admins' versions of the same."""

from __future__ import annotations

from dataclasses import dataclass

from bot import ids
from bot.i18n import days, t
from bot.messages.kit import Message, button, buttons, escape, mention, message, modal, note, section
from storage.models import Role


@dataclass(frozen=True)
class StoredSummary:
    """How much of each kind of data mentorbot holds about one person (counts, not contents)."""

    role: Role | None
    language: str | None
    time_zone: str | None
    has_mentor_profile: bool
    requests: int
    offers: int
    mentorships: int
    meetings: int
    survey_answers: int
    comments: int
    charter_acceptances: int
    retention_days: int


# (catalogue key of the line, count or None for a yes/no line)
def _stored_lines(locale: str, stored: StoredSummary) -> list[str]:
    role = t(locale, f"privacy.role_{stored.role.value}") if stored.role else t(locale, "privacy.none")
    lines = [
        t(
            locale,
            "privacy.item_profile",
            role=role,
            language=escape(stored.language or "—"),
            time_zone=escape(stored.time_zone or "—"),
        )
    ]
    if stored.has_mentor_profile:
        lines.append(t(locale, "privacy.item_mentor_profile"))
    counted = (
        ("privacy.item_requests", stored.requests),
        ("privacy.item_offers", stored.offers),
        ("privacy.item_mentorships", stored.mentorships),
        ("privacy.item_meetings", stored.meetings),
        ("privacy.item_surveys", stored.survey_answers),
        ("privacy.item_charter", stored.charter_acceptances),
    )
    lines += [t(locale, key, count=count) for key, count in counted if count]
    if stored.comments:
        lines.append(t(locale, "privacy.item_comments", count=stored.comments))
    return ["• " + line for line in lines]


def privacy_overview(locale: str, stored: StoredSummary) -> Message:
    """`/mentor privacy`: what is stored and why, with Export and Delete."""
    title = t(locale, "privacy.title")
    return message(
        title,
        [
            section(title),
            section(t(locale, "privacy.what_we_store") + "\n" + "\n".join(_stored_lines(locale, stored))),
            section(t(locale, "privacy.why")),
            note(t(locale, "privacy.retention", days=days(locale, stored.retention_days))),
            buttons(
                button(t(locale, "privacy.export_button"), ids.PRIVACY_EXPORT, "self"),
                button(t(locale, "privacy.delete_button"), ids.PRIVACY_DELETE, "self", style="danger"),
            ),
        ],
    )


def delete_confirmation(locale: str, subject_user_id: str | None) -> dict:
    """The last question before erasing; `private_metadata` names the subject when an admin acts."""
    question = (
        t(locale, "privacy.confirm_question_admin", name=mention(subject_user_id))
        if subject_user_id
        else t(locale, "privacy.confirm_question")
    )
    return modal(
        callback_id=ids.PRIVACY_DELETE_VIEW,
        title=t(locale, "privacy.confirm_title"),
        submit=t(locale, "privacy.confirm_submit"),
        close=t(locale, "privacy.confirm_cancel"),
        private_metadata=subject_user_id or "",
        blocks=[section(question), section(t(locale, "privacy.confirm_details"))],
    )


def _plain(locale: str, key: str, **params: object) -> Message:
    text = t(locale, key, **params)
    return message(text, [section(text)])


def export_sent(locale: str) -> Message:
    return _plain(locale, "privacy.export_sent")


def export_failed(locale: str) -> Message:
    return _plain(locale, "privacy.export_failed")


def export_comment(locale: str) -> str:
    return t(locale, "privacy.export_comment")


def data_deleted(locale: str) -> Message:
    return _plain(locale, "privacy.deleted")


def admin_export_sent(locale: str, subject_user_id: str) -> Message:
    return _plain(locale, "privacy.admin_export_sent", name=mention(subject_user_id))


def admin_export_failed(locale: str, subject_user_id: str) -> Message:
    return _plain(locale, "privacy.admin_export_failed", name=mention(subject_user_id))


def admin_data_deleted(locale: str, subject_user_id: str) -> Message:
    return _plain(locale, "privacy.admin_deleted", name=mention(subject_user_id))


def unknown_member(locale: str, subject_user_id: str) -> Message:
    return _plain(locale, "privacy.unknown_member", name=mention(subject_user_id))


def admin_usage(locale: str) -> Message:
    return _plain(locale, "privacy.admin_usage")


def message_erased(locale: str) -> Message:
    """Replaces any message that showed a member whose data was then erased (a match DM, a notice)."""
    return _plain(locale, "privacy.message_erased")


def withdrawn_for_erasure(locale: str) -> Message:
    """Replaces an offer's DM once its student had their data erased: their words leave the mentor's DM."""
    return _plain(locale, "privacy.offer_erased")
