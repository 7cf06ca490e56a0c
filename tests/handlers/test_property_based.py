"""Property-based: arbitrary command text and modal values, sent over real signed HTTP, never make the bot
fail. Every answer is 200 (or a documented 4xx), every message and view the bot sends is valid Block Kit,
and no listener failure is logged.

One sandbox per test function (hypothesis and function-scoped fixtures don't mix): it is started inside
the test, and the examples share it; `max_examples` stays modest so the suite stays fast on 2 cores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import ids
from bot.clock import ManualClock
from bot.sandbox import Sandbox, start_sandbox
from bot.slack_double.web_api import block_kit_problem
from tests.conftest import START
from tests.factories import mentor_in_sandbox, student_in_sandbox

EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any text a person can type, with the characters that matter most to a Slack bot made likely.
typed_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            ["<!channel>", "<@U123>", "<https://x.example|y>", "&", "é", "😀", "\x00", " ", "\n"]
        ),
        max_size=20,
    ).map("".join),
)
first_words = st.sampled_from(
    [
        "",
        "help",
        "aide",
        "status",
        "request",
        "volunteer",
        "pause",
        "resume",
        "privacy",
        "admin",
        "admin role",
    ]
)
option_values = st.one_of(
    st.sampled_from(["careers", "studies", "fr", "en", "accepted", "1", "5"]),
    st.text(min_size=1, max_size=30),
)


def an_option(value: str) -> dict:
    return {"text": {"type": "plain_text", "text": value[:75] or "x"}, "value": value}


class ListenerFailures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def running_bot(database_url: str) -> Iterator[tuple[Sandbox, ListenerFailures]]:
    sandbox = start_sandbox(database_url, ManualClock(START), admins=frozenset({"UADMIN"}))
    failures = ListenerFailures()
    logging.getLogger("mentorbot.listeners").addHandler(failures)
    try:
        student_in_sandbox(sandbox, "USTU", locale="fr")
        mentor_in_sandbox(sandbox, "UALU", locale="en")
        sandbox.slack.add_user("UADMIN", locale="en-GB")
        yield sandbox, failures
        assert sandbox.slack.block_kit_errors == [], sandbox.slack.block_kit_errors
        assert failures.messages == []
    finally:
        logging.getLogger("mentorbot.listeners").removeHandler(failures)
        sandbox.stop()


def assert_sane(sandbox: Sandbox, failures: ListenerFailures, status: int) -> None:
    sandbox.settle()
    assert status == 200
    assert sandbox.slack.block_kit_errors == []
    assert failures.messages == []
    for call in sandbox.slack.calls:
        if call.method in ("chat.postMessage", "chat.update", "response_url"):
            assert block_kit_problem(blocks=call.params.get("blocks")) is None


def test_any_command_text_gets_a_valid_answer(database_url: str) -> None:
    with running_bot(database_url) as (sandbox, failures):

        @settings(EXAMPLES, max_examples=25)  # an admin's report draws a chart: the slowest answer
        @given(
            user=st.sampled_from(["USTU", "UALU", "UADMIN"]),
            command=st.sampled_from([ids.MENTOR_COMMAND, ids.STATS_COMMAND]),
            word=first_words,
            text=typed_text,
        )
        def one_command(user: str, command: str, word: str, text: str) -> None:
            # `request` and `volunteer` open modals: the trigger must still be fresh, as from Slack.
            response = sandbox.driver.slash_command(user, command=command, text=f"{word} {text}".strip())
            assert_sane(sandbox, failures, response.status)

        one_command()


def test_any_request_form_gets_field_errors_or_a_request(database_url: str) -> None:
    with running_bot(database_url) as (sandbox, failures):
        sandbox.command("USTU", "request")
        modal = sandbox.slack.last_view_opened()

        @EXAMPLES
        @given(
            topics=st.lists(option_values, max_size=3),
            message=typed_text,
            language=st.none() | option_values,
            charter=st.lists(option_values, max_size=2),
            metadata=st.none() | st.text(max_size=40),
        )
        def one_submission(
            topics: list[str], message: str, language: str | None, charter: list[str], metadata: str | None
        ) -> None:
            view = modal if metadata is None else {**modal, "private_metadata": metadata}
            values: dict[str, object] = {
                "topics": [an_option(value) for value in topics],
                "message": message,
                "charter": [an_option(value) for value in charter],
            }
            if language is not None:
                values["language"] = an_option(language)
            response = sandbox.driver.submit_view("USTU", view, values, check_required=False)
            assert_sane(sandbox, failures, response.status)
            if response.body.strip():
                assert response.json()["response_action"] == "errors"

        one_submission()


def test_any_volunteer_form_gets_field_errors_or_a_profile(database_url: str) -> None:
    with running_bot(database_url) as (sandbox, failures):
        sandbox.command("UALU", "volunteer")
        modal = sandbox.slack.last_view_opened()

        @EXAMPLES
        @given(
            topics=st.lists(option_values, max_size=3),
            languages=st.lists(option_values, max_size=2),
            capacity=st.none() | option_values,
            year=typed_text,
            job_title=typed_text,
            industry=typed_text,
            charter=st.lists(option_values, max_size=2),
        )
        def one_submission(
            topics: list[str],
            languages: list[str],
            capacity: str | None,
            year: str,
            job_title: str,
            industry: str,
            charter: list[str],
        ) -> None:
            values: dict[str, object] = {
                ids.VOLUNTEER_TOPICS: [an_option(value) for value in topics],
                ids.VOLUNTEER_LANGUAGES: [an_option(value) for value in languages],
                ids.VOLUNTEER_GRADUATION_YEAR: year,
                ids.VOLUNTEER_JOB_TITLE: job_title,
                ids.VOLUNTEER_INDUSTRY: industry,
                ids.VOLUNTEER_CHARTER: [an_option(value) for value in charter],
            }
            if capacity is not None:
                values[ids.VOLUNTEER_CAPACITY] = an_option(capacity)
            response = sandbox.driver.submit_view("UALU", modal, values, check_required=False)
            assert_sane(sandbox, failures, response.status)

        one_submission()
