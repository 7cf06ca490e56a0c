"""The installer's welcome, the welcome back, the set-up guide and the announcement: every builder in both
languages at its worst case, checked against Block Kit's limits."""

from __future__ import annotations

import dataclasses

import pytest

from bot import ids
from bot.messages import welcome as messages
from bot.messages.home import home_view
from bot.messages.kit import Message
from bot.slack_double.web_api import block_kit_problem
from bot.status import PersonStatus

LOCALES = ["fr", "en"]
FRESH = messages.SetupProgress(
    charter_version=1,
    charter_is_the_schools=False,
    topics=10,
    topics_edited=False,
    alumni_invited=False,
    announced_in=None,
)
# Long ids and big numbers: the widest each text gets.
WORST = messages.SetupProgress(
    charter_version=99_999,
    charter_is_the_schools=True,
    topics=50,
    topics_edited=True,
    alumni_invited=True,
    announced_in="C" + "9" * 30,
)


def assert_valid(message: Message) -> None:
    assert block_kit_problem(blocks=message.blocks) is None
    assert len(message.blocks) <= 50
    assert message.text


def buttons_of(blocks: list) -> list[str]:
    return [block["accessory"]["action_id"] for block in blocks if block.get("accessory")]


def shown(blocks: list) -> str:
    return "\n".join(
        block["text"]["text"] if block.get("text") else " ".join(e.get("text", "") for e in block["elements"])
        for block in blocks
        if block["type"] in ("section", "context")
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("progress", [FRESH, WORST])
def test_the_welcome_says_the_installer_is_an_admin_and_gives_the_four_steps(
    locale: str, progress: messages.SetupProgress
) -> None:
    welcome = messages.welcome(locale, progress)

    assert_valid(welcome)
    assert buttons_of(welcome.blocks) == [
        ids.OPEN_CHARTER_MODAL,
        ids.OPEN_TOPICS_MODAL,
        ids.START_RECRUITING,
        ids.OPEN_ANNOUNCEMENT_MODAL,
    ]
    assert ("admin" if locale == "en" else "administrez") in welcome.text


@pytest.mark.parametrize("locale", LOCALES)
def test_each_step_says_whether_it_is_done(locale: str) -> None:
    fresh, worst = (
        shown(messages.welcome(locale, FRESH).blocks),
        shown(messages.welcome(locale, WORST).blocks),
    )

    assert fresh.count(messages.TO_DO) == 4 and messages.DONE not in fresh
    assert worst.count(messages.DONE) == 4 and messages.TO_DO not in worst
    assert f"<#{WORST.announced_in}>" in worst
    assert ("10 topics" if locale == "en" else "10 thèmes") in fresh  # plural rules, not "(s)"
    one_topic = shown(messages.welcome(locale, dataclasses.replace(FRESH, topics=1)).blocks)
    assert ("1 topic " if locale == "en" else "1 thème ") in one_topic


@pytest.mark.parametrize("locale", LOCALES)
def test_a_welcome_back_starts_nothing_over(locale: str) -> None:
    back = messages.welcome_back(locale, WORST)
    not_launched = messages.welcome_back(locale, FRESH)

    assert_valid(back)
    assert_valid(not_launched)
    assert buttons_of(back.blocks) == []
    assert ("as you left it" if locale == "en" else "comme vous l'aviez laissé") in back.text
    assert len(not_launched.text) > len(back.text)  # and where the steps left to do are


@pytest.mark.parametrize("locale", LOCALES)
def test_the_guide_leads_an_admins_home_until_the_programme_is_announced(locale: str) -> None:
    guide = messages.setup_guide(locale, FRESH)
    home = home_view(locale, PersonStatus(user_id="UINSTALLER", role=None), guide=guide)

    assert block_kit_problem(view=home) is None
    assert buttons_of(home["blocks"])[:4] == buttons_of(messages.welcome(locale, FRESH).blocks)
    assert messages.setup_guide(locale, WORST) == []  # announced: the guide has done its job


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("school_locale", LOCALES)
def test_the_announcement_is_in_both_languages_the_schools_first(locale: str, school_locale: str) -> None:
    post = messages.announcement(school_locale)
    modal = messages.announcement_modal(locale, school_locale)

    assert_valid(post)
    assert block_kit_problem(view=modal) is None
    french, english = "Vous cherchez un mentor", "Looking for a mentor"
    first, second = (french, english) if school_locale == "fr" else (english, french)
    assert post.text.index(first) < post.text.index(second)
    assert "/mentor" in post.text
    preview = shown(modal["blocks"])
    assert french in preview and english in preview  # the admin reads what will be posted
    assert modal["callback_id"] == ids.ANNOUNCEMENT_VIEW and modal["submit"]["text"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_admin_is_told_where_the_announcement_goes(locale: str) -> None:
    posted = messages.announcement_posted(locale, "C" + "9" * 30)

    assert_valid(posted)
    assert "<#C999" in posted.text and "/invite @mentorbot" in posted.text
