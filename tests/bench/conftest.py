"""What the benchmark smoke tests share."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each benchmark on SQLite and, when `TEST_DATABASE_URL` is set, on PostgreSQL (its own schema)."""
    if request.param == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL half skipped")
        monkeypatch.setenv("BENCH_DATABASE_URL", url)
    return request.param
