"""The programme settings as admins see them: the overview, its three modals, the confirmations, and the
charter section of an admin's Home."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    CheckboxesElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)

from bot import ids
from bot.i18n import catalogue, days, every, t
from bot.messages import feedback
from bot.messages.kit import (
    AnyBlock,
    Message,
    button,
    escape,
    mention,
    message,
    modal,
    note,
    section,
    slack_date,
)

CHARTER_MAX_LENGTH = 3000
TOPICS_MAX_LENGTH = 3000
SHOWN_VALUE_LENGTH = 60
SHOWN_WITHOUT_ROLE = 20
TOPIC_LIST_LENGTH = 2500


@dataclass(frozen=True)
class Change:
    """One line of the audit trail, as shown."""

    changed_at: datetime
    changed_by: str
    setting: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Campaign:
    term: str
    invited: int
    sent: int
    declined: int
    volunteered: int


@dataclass(frozen=True)
class SettingsOverview:
    """Everything the settings view shows, read in one transaction."""

    charter_version: int
    charter_created_at: datetime
    charter_created_by: str | None
    topic_labels: list[str]
    cadences: dict[str, int]
    without_role: int
    without_role_user_ids: list[str]
    campaign: Campaign
    changes: list[Change] = field(default_factory=list)
    admin_channel_id: str | None = None  # where the admins' alerts and digest go; None: DMs


def _shown(value: str | None) -> str:
    if value is None or value == "":
        return "∅"
    value = value.replace("\n", " ")
    if len(value) > SHOWN_VALUE_LENGTH:
        value = value[: SHOWN_VALUE_LENGTH - 1] + "…"
    return escape(value)


def cadence_label(locale: str, name: str) -> str:
    return t(locale, f"settings.cadence.{name}")


def change_line(locale: str, change: Change) -> str:
    """`• <date> <@who>: what, old → new`; roles, the charter and topics said in words."""
    if change.setting.startswith("role:"):
        what = t(locale, "settings.change_role", name=mention(change.setting.removeprefix("role:")))
    elif change.setting.startswith("alumnus:"):
        what = t(locale, "verification.change", name=mention(change.setting.removeprefix("alumnus:")))
    elif change.setting in ("charter", "topics", "recruiting", "installation", "announcement"):
        what = t(locale, f"settings.change_{change.setting}")
    else:
        key = f"settings.cadence.{change.setting}"
        what = cadence_label(locale, change.setting) if _known(locale, key) else escape(change.setting)
    who = mention(change.changed_by) if change.changed_by[:1] in ("U", "W") else escape(change.changed_by)
    if change.setting == "topics":
        old = str(len((change.old_value or "").splitlines()))
        new = str(len((change.new_value or "").splitlines()))
    elif change.setting == "installation" and _known(locale, f"settings.installation.{change.new_value}"):
        old, new = _shown(None), t(locale, f"settings.installation.{change.new_value}")
    elif change.setting == "announcement" and change.new_value:
        old, new = _shown(None), f"<#{escape(change.new_value)}>"
    else:
        old, new = _shown(change.old_value), _shown(change.new_value)
    return t(
        locale,
        "settings.change_line",
        date=slack_date(change.changed_at),
        who=who,
        what=what,
        old=old,
        new=new,
    )


def _known(locale: str, key: str) -> bool:
    return key in catalogue(locale)


def _with_button(markdown: str, label: str, action_id: str, style: str | None = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=markdown), accessory=button(label, action_id, style=style)
    )


def _topic_list(labels: Sequence[str]) -> str:
    shown = ", ".join(escape(label) for label in labels)
    return shown if len(shown) <= TOPIC_LIST_LENGTH else shown[: TOPIC_LIST_LENGTH - 1] + "…"


def _cadence_text(locale: str, cadences: dict[str, int]) -> str:
    reminders = cadences["student_reminder_interval_days"]
    return t(
        locale,
        "settings.cadences_text",
        first_contact=days(locale, cadences["first_contact_check_days"]),
        survey=days(locale, cadences["survey_delay_days"]),
        prompts=every(locale, cadences["meeting_prompt_interval_days"]),
        term=days(locale, cadences["mentorship_term_days"]),
        reminders=t(locale, "settings.reminders_off") if reminders == 0 else every(locale, reminders),
        start=cadences["quiet_hours_start"],
        end=cadences["quiet_hours_end"],
        offers=cadences["offers_per_request"],
    )


def settings_view(locale: str, overview: SettingsOverview) -> Message:
    """The ephemeral answer to `/mentoring-stats settings`: each setting with its edit button."""
    title = t(locale, "settings.title")
    charter_by = (
        mention(overview.charter_created_by) if overview.charter_created_by else t(locale, "settings.default")
    )
    if overview.without_role:
        names = ", ".join(mention(user_id) for user_id in overview.without_role_user_ids[:SHOWN_WITHOUT_ROLE])
        more = "…" if overview.without_role > SHOWN_WITHOUT_ROLE else ""
        roles = t(locale, "settings.without_role", count=overview.without_role, names=names + more)
    else:
        roles = t(locale, "settings.everyone_has_a_role")
    campaign = overview.campaign
    blocks: list[AnyBlock] = [
        HeaderBlock(text=PlainTextObject(text=title)),
        _with_button(
            t(
                locale,
                "settings.charter_text",
                version=overview.charter_version,
                date=slack_date(overview.charter_created_at),
                who=charter_by,
            ),
            t(locale, "settings.edit_charter"),
            ids.OPEN_CHARTER_MODAL,
        ),
        _with_button(
            t(
                locale,
                "settings.topics_text",
                count=len(overview.topic_labels),
                topics=_topic_list(overview.topic_labels),
            ),
            t(locale, "settings.edit_topics"),
            ids.OPEN_TOPICS_MODAL,
        ),
        _with_button(
            _cadence_text(locale, overview.cadences),
            t(locale, "settings.edit_cadences"),
            ids.OPEN_CADENCES_MODAL,
        ),
        section(t(locale, "settings.roles_text", roles=roles)),
        _with_button(
            t(
                locale,
                "settings.recruiting_text",
                term=campaign.term,
                invited=campaign.invited,
                sent=campaign.sent,
                volunteered=campaign.volunteered,
                declined=campaign.declined,
            ),
            t(locale, "settings.start_recruiting"),
            ids.START_RECRUITING,
        ),
        _with_button(
            t(locale, "recognition.thanks_setting"),
            t(locale, "recognition.thanks_button"),
            ids.OPEN_THANKS_MODAL,
        ),
        _with_button(
            feedback.admin_channel_text(locale, overview.admin_channel_id),
            t(locale, "feedback.channel_button"),
            ids.OPEN_ADMIN_CHANNEL_MODAL,
        ),
    ]
    if overview.changes:
        lines = "\n".join(change_line(locale, change) for change in overview.changes)
        blocks.append(section(t(locale, "settings.changes_title") + "\n" + lines))
    else:
        blocks.append(note(t(locale, "settings.no_changes")))
    blocks.append(note(t(locale, "settings.footer")))
    return message(title, blocks)


def charter_modal(locale: str, version: int, text_fr: str, text_en: str) -> dict:
    return modal(
        callback_id=ids.CHARTER_VIEW,
        title=t(locale, "settings.charter_modal.title"),
        submit=t(locale, "settings.save"),
        close=t(locale, "settings.cancel"),
        private_metadata=locale,
        blocks=[
            section(t(locale, "settings.charter_modal.intro", version=version)),
            _long_input(
                ids.CHARTER_TEXT_FR, t(locale, "settings.charter_modal.fr"), text_fr, CHARTER_MAX_LENGTH
            ),
            _long_input(
                ids.CHARTER_TEXT_EN, t(locale, "settings.charter_modal.en"), text_en, CHARTER_MAX_LENGTH
            ),
        ],
    )


def topics_modal(locale: str, lines: str) -> dict:
    return modal(
        callback_id=ids.TOPICS_VIEW,
        title=t(locale, "settings.topics_modal.title"),
        submit=t(locale, "settings.save"),
        close=t(locale, "settings.cancel"),
        private_metadata=locale,
        blocks=[
            section(t(locale, "settings.topics_modal.intro")),
            _long_input(ids.TOPICS_INPUT, t(locale, "settings.topics_modal.label"), lines, TOPICS_MAX_LENGTH),
        ],
    )


def _long_input(action_id: str, label: str, initial: str, max_length: int) -> InputBlock:
    return InputBlock(
        block_id=action_id,
        label=PlainTextObject(text=label),
        element=PlainTextInputElement(
            action_id=action_id, multiline=True, max_length=max_length, initial_value=initial[:max_length]
        ),
    )


def cadences_modal(
    locale: str,
    values: dict[str, int],
    limits: dict[str, tuple[int, int]],
    meeting_link: str | None = None,
    alumni_verification: bool | None = None,
) -> dict:
    """One whole-number input per cadence, each with its allowed range in its hint; then the school's
    default video link for booked meetings (empty: a Slack huddle) and, when given, the alumni
    verification checkbox (ticked: only verified alumni mentor)."""
    blocks: list[AnyBlock] = [section(t(locale, "settings.cadences_modal.intro"))]
    for name, (minimum, maximum) in limits.items():
        input_id = ids.CADENCE_INPUT_PREFIX + name
        blocks.append(
            InputBlock(
                block_id=input_id,
                label=PlainTextObject(text=cadence_label(locale, name)),
                hint=PlainTextObject(
                    text=t(locale, f"settings.cadence_hint.{name}", min=minimum, max=maximum)
                ),
                element=NumberInputElement(
                    action_id=input_id,
                    is_decimal_allowed=False,
                    initial_value=str(values[name]),
                    min_value=str(minimum),
                    max_value=str(maximum),
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ids.SETTINGS_MEETING_LINK,
            label=PlainTextObject(text=t(locale, "booking.settings_link_label")),
            hint=PlainTextObject(text=t(locale, "booking.settings_link_hint")),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.SETTINGS_MEETING_LINK, max_length=500, initial_value=meeting_link or None
            ),
        )
    )
    if alumni_verification is not None:
        blocks.append(_alumni_verification_input(locale, alumni_verification))
    return modal(
        callback_id=ids.CADENCES_VIEW,
        title=t(locale, "settings.cadences_modal.title"),
        submit=t(locale, "settings.save"),
        close=t(locale, "settings.cancel"),
        private_metadata=locale,
        blocks=blocks,
    )


def _alumni_verification_input(locale: str, ticked: bool) -> InputBlock:
    option = Option(
        value=ids.ALUMNI_VERIFICATION_ON,
        text=PlainTextObject(text=t(locale, "verification.settings_option")),
    )
    return InputBlock(
        block_id=ids.ALUMNI_VERIFICATION_INPUT,
        label=PlainTextObject(text=t(locale, "verification.settings_label")),
        hint=PlainTextObject(text=t(locale, "verification.settings_hint")),
        optional=True,  # unticked is an answer: open self-declaration
        element=CheckboxesElement(
            action_id=ids.ALUMNI_VERIFICATION_INPUT,
            options=[option],
            initial_options=[option] if ticked else None,
        ),
    )


def form_error(locale: str, error: str, /, **params: object) -> str:
    """One field error, as the modal shows it under the input."""
    return t(locale, f"settings.errors.{error}", **params)


def saved(locale: str, key: str, **params: object) -> Message:
    """What the admin reads in their DM once a modal's changes are saved (or found unchanged)."""
    text = t(locale, f"settings.saved.{key}", **params) + "\n" + t(locale, "settings.saved.see_all")
    return message(text, [section(text)])


def charter_home_blocks(
    locale: str,
    version: int,
    created_at: datetime,
    acceptances: Sequence[tuple[int, str, int]],
    without_role: int,
) -> list[AnyBlock]:
    """An admin's Home: the charter in force and who accepted which version (mentors and mentees)."""
    lines = [t(locale, "settings.home.charter", version=version, date=slack_date(created_at))]
    by_version: dict[int, dict[str, int]] = {}
    for accepted_version, accepted_as, count in acceptances:
        by_version.setdefault(accepted_version, {})[accepted_as] = count
    for accepted_version, counts in sorted(by_version.items(), reverse=True):
        lines.append(
            t(
                locale,
                "settings.home.accepted",
                version=accepted_version,
                mentors=counts.get("mentor", 0),
                mentees=counts.get("mentee", 0),
            )
        )
    if not by_version:
        lines.append(t(locale, "settings.home.none_accepted"))
    lines.append(t(locale, "settings.home.without_role", count=without_role))
    return [section("\n".join(lines)), note(t(locale, "settings.home.hint"))]
