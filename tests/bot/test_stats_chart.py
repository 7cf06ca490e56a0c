"""The trend chart: a small PNG, the same bytes for the same figures, drawn fast, labelled per language."""

from __future__ import annotations

import builtins
import struct
from datetime import UTC, datetime

import pytest

from bot.charts import ChartsUnavailable, month_label, trend_chart_png
from bot.stats import MonthTrend, trend_months

MONTHS = trend_months(datetime(2026, 9, 7, tzinfo=UTC))
TREND = [MonthTrend(month, number % 4, number % 3, number) for number, month in enumerate(MONTHS)]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_chart_is_an_800_by_400_png(locale: str) -> None:
    assert png_size(trend_chart_png(TREND, locale)) == (800, 400)


def test_the_same_figures_draw_the_same_bytes_and_another_language_other_bytes() -> None:
    assert trend_chart_png(TREND, "fr") == trend_chart_png(TREND, "fr")
    assert trend_chart_png(TREND, "fr") != trend_chart_png(TREND, "en")


def test_an_empty_year_still_draws() -> None:
    assert png_size(trend_chart_png([MonthTrend(month, 0, 0, 0) for month in MONTHS], "fr")) == (800, 400)


@pytest.mark.parametrize(("locale", "label"), [("fr", "févr. 26"), ("en", "Feb 26")])
def test_months_are_named_in_the_readers_language(locale: str, label: str) -> None:
    assert month_label(locale, "2026-02") == label


def without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import matplotlib...` fail as it does where the charts extra is not installed."""
    real_import = builtins.__import__

    def fake_import(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_without_matplotlib_the_chart_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    without_matplotlib(monkeypatch)

    with pytest.raises(ChartsUnavailable, match=r"mentorbot\[charts\]"):
        trend_chart_png(TREND, "en")
