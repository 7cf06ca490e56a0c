"""The trend picture of the admins' report: matches, first contacts and meetings by month, as a PNG.

Drawn locally with matplotlib's Agg renderer on a `Figure` of its own (no pyplot, so no global state
shared between listener threads). matplotlib is imported on first use: it takes half a second to load,
which every other process of the bot (scheduler, CLI) has no reason to pay. It comes with the `charts`
extra (`pip install 'mentorbot[charts]'`); without it `trend_chart_png` raises `ChartsUnavailable`, and
the report goes out without its picture, saying how to get it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.i18n import t

if TYPE_CHECKING:
    from bot.messages.stats import MonthTrend

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100


class ChartsUnavailable(RuntimeError):
    """matplotlib cannot be imported: mentorbot was installed without its `charts` extra."""


def month_label(locale: str, month: str) -> str:
    """'2026-03' as 'Mar 26' / 'mars 26', from the catalogue's month abbreviations."""
    year, number = month.split("-")
    names = t(locale, "stats.chart.month_names").split(",")
    return f"{names[int(number) - 1]} {year[2:]}"


def trend_chart_png(trend: Sequence[MonthTrend], locale: str) -> bytes:
    """An 800 x 400 PNG of the three monthly series, labelled in `locale`; same input, same bytes.

    Raises `ChartsUnavailable` when matplotlib is not installed (or cannot load).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ChartsUnavailable(
            f"the trend chart needs matplotlib ({error}): pip install 'mentorbot[charts]'"
        ) from error

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(trend)))
    series = (
        ("stats.chart.matches", [month.matches for month in trend], "#2e7d32", "o"),
        ("stats.chart.first_contacts", [month.first_contacts for month in trend], "#1565c0", "s"),
        ("stats.chart.meetings", [month.meetings for month in trend], "#ef6c00", "^"),
    )
    for key, values, colour, marker in series:
        axes.plot(positions, values, label=t(locale, key), color=colour, marker=marker, linewidth=2)
    axes.set_title(t(locale, "stats.chart.title"))
    axes.set_xticks(positions, [month_label(locale, month.month) for month in trend], fontsize=8)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    # No creation date or software version in the file: the same figures always give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
