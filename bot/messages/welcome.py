"""The installer's welcome and the first set-up: the welcome (or welcome back) DM, the set-up guide an
admin's Home shows until the programme is announced, and the announcement of the programme to students."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot import ids
from bot.i18n import SUPPORTED_LOCALES, t, tn
from bot.messages.kit import AnyBlock, Message, button, message, modal, note, section

DONE = ":white_check_mark:"
TO_DO = ":white_circle:"


@dataclass(frozen=True)
class SetupProgress:
    """Where the programme's first set-up stands, read from the charter and the settings' audit trail."""

    charter_version: int
    charter_is_the_schools: bool  # an admin saved a version of their own, not the template
    topics: int
    topics_edited: bool
    alumni_invited: bool
    announced_in: str | None  # the channel of the latest announcement

    @property
    def launched(self) -> bool:
        """Announced to students, the last step: the guide has done its job, whatever the school chose
        to keep of the template and the default topics (the settings still hold every step)."""
        return self.announced_in is not None


def _step(done: bool, text: str, label: str, action_id: str) -> SectionBlock:
    marked = f"{DONE if done else TO_DO} {text}"
    return SectionBlock(
        text=MarkdownTextObject(text=marked),
        accessory=button(label, action_id, style=None if done else "primary"),
    )


def setup_steps(locale: str, progress: SetupProgress) -> list[AnyBlock]:
    """The four steps, each with its button (the settings' own, and the announcement's)."""
    charter = "charter_done" if progress.charter_is_the_schools else "charter"
    topics = "topics_done" if progress.topics_edited else "topics"
    alumni = "alumni_done" if progress.alumni_invited else "alumni"
    announced = progress.announced_in is not None
    return [
        _step(
            progress.charter_is_the_schools,
            t(locale, f"welcome.step.{charter}", version=progress.charter_version),
            t(locale, "settings.edit_charter"),
            ids.OPEN_CHARTER_MODAL,
        ),
        _step(
            progress.topics_edited,
            tn(locale, f"welcome.step.{topics}", progress.topics),
            t(locale, "settings.edit_topics"),
            ids.OPEN_TOPICS_MODAL,
        ),
        _step(
            progress.alumni_invited,
            t(locale, f"welcome.step.{alumni}"),
            t(locale, "settings.start_recruiting"),
            ids.START_RECRUITING,
        ),
        _step(
            announced,
            t(locale, "welcome.step.announce_done", channel=f"<#{progress.announced_in}>")
            if announced
            else t(locale, "welcome.step.announce"),
            t(locale, "welcome.announce_button"),
            ids.OPEN_ANNOUNCEMENT_MODAL,
        ),
    ]


def welcome(locale: str, progress: SetupProgress) -> Message:
    """The DM the installer gets after the first install: they are an admin, and the steps to start."""
    text = t(locale, "welcome.first")
    blocks: list[AnyBlock] = [
        HeaderBlock(text=PlainTextObject(text=t(locale, "welcome.title"))),
        section(text),
        *setup_steps(locale, progress),
        note(t(locale, "welcome.footer")),
    ]
    return message(text, blocks)


def welcome_back(locale: str, progress: SetupProgress) -> Message:
    """The DM after a reinstall: nothing was lost, and nothing starts over."""
    text = t(locale, "welcome.back")
    if not progress.launched:
        text += " " + t(locale, "welcome.back_steps_left")
    return message(text, [section(text)])


def setup_guide(locale: str, progress: SetupProgress) -> list[AnyBlock]:
    """An admin's Home, first thing until the programme is announced; nothing once it is."""
    if progress.launched:
        return []
    return [
        section(t(locale, "welcome.guide_intro")),
        *setup_steps(locale, progress),
        DividerBlock(),
    ]


# ------------------------------------------------------------------------------------------------------
# Announcing the programme to students


def _announcement_texts(first_locale: str) -> list[str]:
    """The announcement in every language the bot speaks, the school's own first."""
    order = [first_locale, *(locale for locale in SUPPORTED_LOCALES if locale != first_locale)]
    return [t(locale, "welcome.announcement") for locale in order]


def _announcement_blocks(first_locale: str) -> list[AnyBlock]:
    blocks: list[AnyBlock] = []
    for text in _announcement_texts(first_locale):
        if blocks:
            blocks.append(DividerBlock())
        blocks.append(section(text))
    return blocks


def announcement(first_locale: str) -> Message:
    """The invitation to use `/mentor`, posted to a channel, in both languages."""
    return message("\n\n".join(_announcement_texts(first_locale)), _announcement_blocks(first_locale))


def announcement_modal(locale: str, first_locale: str) -> dict:
    """The admin picks the channel and sees the very message the bot will post there; "Post it" confirms."""
    return modal(
        callback_id=ids.ANNOUNCEMENT_VIEW,
        title=t(locale, "welcome.announcement_modal.title"),
        submit=t(locale, "welcome.announcement_modal.submit"),
        close=t(locale, "settings.cancel"),
        blocks=[
            section(t(locale, "welcome.announcement_modal.intro")),
            InputBlock(
                block_id=ids.ANNOUNCEMENT_CHANNEL,
                label=PlainTextObject(text=t(locale, "welcome.announcement_modal.channel")),
                element=ConversationSelectElement(
                    action_id=ids.ANNOUNCEMENT_CHANNEL,
                    filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
                ),
            ),
            note(t(locale, "welcome.announcement_modal.preview")),
            *_announcement_blocks(first_locale),
        ],
    )


def announcement_posted(locale: str, channel_id: str) -> Message:
    text = t(locale, "welcome.announcement_posted", channel=f"<#{channel_id}>")
    return message(text, [section(text)])
