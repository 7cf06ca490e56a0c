"""The installation and OAuth state stores on our own tables: tokens encrypted, one row a workspace, a
state good once and only while fresh, keys that can change. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select, text

from bot.clock import ManualClock
from bot.installations import (
    DatabaseInstallationStore,
    DatabaseOAuthStateStore,
    UndecryptableToken,
    token_cipher,
)
from bot.startup import StartupFailure, check_token_key
from storage.db import SessionFactory
from storage.models import WorkspaceInstallation

KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SCOPES = "commands,chat:write,im:write,users:read"


def installation(team_id: str = "T0AAA", token: str = "xoxb-aaa-first", **changes: object) -> Installation:
    fields: dict = {
        "app_id": "A0001",
        "team_id": team_id,
        "team_name": "Lycée Arago",
        "bot_token": token,
        "bot_id": "B0AAA",
        "bot_user_id": "U0AAABOT",
        "bot_scopes": SCOPES,
        "user_id": "U0AAAINSTALLER",
        "installed_at": datetime(2026, 9, 1, tzinfo=UTC).timestamp(),
    }
    return Installation(**(fields | changes))


@pytest.fixture
def store(sessions: SessionFactory) -> DatabaseInstallationStore:
    return DatabaseInstallationStore(sessions, token_cipher([KEY]))


def stored_columns(sessions: SessionFactory) -> list[str]:
    """Every value of every installation row, as the database returns it."""
    with sessions.begin() as session:
        rows = session.execute(text("SELECT * FROM installations")).all()
    return [str(value) for row in rows for value in row]


def test_an_installation_comes_back_whole_with_its_token_encrypted_at_rest(
    store: DatabaseInstallationStore, sessions: SessionFactory
) -> None:
    store.save(installation(bot_refresh_token="xoxe-1-refresh-aaa", bot_token_expires_in=43200))

    found = store.find_installation(enterprise_id=None, team_id="T0AAA")
    bot = store.find_bot(enterprise_id=None, team_id="T0AAA")

    assert found is not None and bot is not None
    assert (found.bot_token, found.bot_refresh_token, found.user_id) == (
        "xoxb-aaa-first",
        "xoxe-1-refresh-aaa",
        "U0AAAINSTALLER",
    )
    assert (bot.bot_token, bot.bot_id, bot.bot_user_id, bot.bot_scopes) == (
        "xoxb-aaa-first",
        "B0AAA",
        "U0AAABOT",
        SCOPES.split(","),
    )
    assert bot.bot_token_expires_at == pytest.approx(datetime.now(UTC).timestamp() + 43200, abs=60)
    columns = stored_columns(sessions)
    assert "U0AAABOT" in columns  # the row was read
    assert not any("xoxb-aaa-first" in value or "xoxe-1-refresh-aaa" in value for value in columns)


def test_a_reinstall_replaces_the_workspaces_one_row(
    store: DatabaseInstallationStore, sessions: SessionFactory
) -> None:
    store.save(installation())
    store.save(installation("T0BBB", "xoxb-bbb-first", bot_user_id="U0BBBBOT"))
    store.save(installation(token="xoxb-aaa-second", bot_scopes=SCOPES + ",files:write"))

    with sessions.begin() as session:
        teams = list(session.scalars(select(WorkspaceInstallation.team_id).order_by("team_id")))
    bot = store.find_bot(enterprise_id=None, team_id="T0AAA")
    assert teams == ["T0AAA", "T0BBB"]
    assert bot is not None and bot.bot_token == "xoxb-aaa-second" and "files:write" in bot.bot_scopes
    other = store.find_bot(enterprise_id=None, team_id="T0BBB")
    assert other is not None and other.bot_token == "xoxb-bbb-first"


def test_only_the_installer_has_an_installation_of_their_own(store: DatabaseInstallationStore) -> None:
    store.save(installation())

    assert store.find_installation(enterprise_id=None, team_id="T0AAA", user_id="U0AAAINSTALLER")
    assert store.find_installation(enterprise_id=None, team_id="T0AAA", user_id="U0SOMEONE") is None
    assert store.find_installation(enterprise_id=None, team_id="T0OTHER") is None
    assert store.find_bot(enterprise_id="E0001", team_id=None) is None


def test_an_org_wide_install_or_one_without_a_bot_token_is_not_kept(store: DatabaseInstallationStore) -> None:
    with pytest.raises(ValueError, match="only an install in one workspace"):
        store.save(installation(team_id=None, enterprise_id="E0001", is_enterprise_install=True))
    with pytest.raises(ValueError, match="only an install in one workspace"):
        store.save(installation(token=None))


def test_deleting_a_workspaces_installation_leaves_the_others(store: DatabaseInstallationStore) -> None:
    store.save(installation())
    store.save(installation("T0BBB", "xoxb-bbb-first"))

    store.delete_installation(enterprise_id=None, team_id="T0AAA", user_id="U0AAAINSTALLER")
    assert store.find_bot(enterprise_id=None, team_id="T0AAA") is not None  # a person's own: nothing
    store.delete_all(enterprise_id=None, team_id="T0AAA")

    assert store.find_bot(enterprise_id=None, team_id="T0AAA") is None
    assert store.find_bot(enterprise_id=None, team_id="T0BBB") is not None


def test_a_new_key_first_re_encrypts_every_token_so_the_old_key_can_go(
    store: DatabaseInstallationStore, sessions: SessionFactory
) -> None:
    store.save(installation(bot_refresh_token="xoxe-1-refresh-aaa", bot_token_expires_in=43200))
    store.save(installation("T0BBB", "xoxb-bbb-first"))

    assert DatabaseInstallationStore(sessions, token_cipher([NEW_KEY, KEY])).rekey() == 2

    only_new = DatabaseInstallationStore(sessions, token_cipher([NEW_KEY]))
    bot = only_new.find_bot(enterprise_id=None, team_id="T0AAA")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (
        "xoxb-aaa-first",
        "xoxe-1-refresh-aaa",
    )
    with pytest.raises(UndecryptableToken) as refused:
        store.rekey()  # the old key alone opens nothing any more
    assert refused.value.team_id == "T0AAA"


def test_a_state_works_once_and_only_while_fresh(sessions: SessionFactory, clock: ManualClock) -> None:
    states = DatabaseOAuthStateStore(sessions, clock, lifetime_seconds=600)
    used, stale = states.issue(), states.issue()

    assert used != stale and len(used) >= 40
    assert states.consume(used) is True
    assert states.consume(used) is False
    assert states.consume("never-issued") is False
    clock.advance(timedelta(seconds=601))
    assert states.consume(stale) is False


def test_start_up_stops_on_a_key_that_opens_no_stored_token(
    store: DatabaseInstallationStore, sessions: SessionFactory
) -> None:
    store.save(installation())

    assert check_token_key(store) == 1
    with pytest.raises(StartupFailure) as failure:
        check_token_key(DatabaseInstallationStore(sessions, token_cipher([NEW_KEY])))

    assert failure.value.exit_code == 2
    assert str(failure.value) == (
        "MENTORBOT_TOKEN_KEY cannot decrypt the stored tokens of workspace T0AAA: add the key they were "
        "stored with back, after the new one (comma-separated)"
    )


def test_a_token_is_found_while_a_unit_of_work_holds_the_write_lock(
    store: DatabaseInstallationStore, sessions: SessionFactory
) -> None:
    store.save(installation())

    with sessions.begin() as unit_of_work:  # a listener's unit of work, having written already
        unit_of_work.execute(text("DELETE FROM oauth_states"))
        bot = store.find_bot(enterprise_id=None, team_id="T0AAA")

    assert bot is not None and bot.bot_token == "xoxb-aaa-first"
