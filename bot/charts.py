"""The daily report's charts as PNG files (matplotlib, Agg canvas; no pyplot, so no global state).

Drawn for a phone screen: about 1000x700 px, large fonts, a title, labelled
axes with units, in the organizer's language (the catalog's [chart] strings).
`chart_data` returns exactly the series each chart is drawn from. In a public
report a count from 1 to small_count - 1 is drawn as suppressed: no bar at all
(a bar of any height says something), only its "<5" label on the axis and a
footnote saying why. A chart with nothing to show says "No data yet" on a bare
frame instead of empty 0.0-1.0 axes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from dialogs.catalog import Catalog
from knowledge.dates import format_date, format_short_date
from storage.clinic_report import Report

WIDTH_IN, HEIGHT_IN, DPI = 10, 7, 100  # 1000 x 700 px
FILES = ("cancellations_per_day.png", "past_deadline_by_clinic.png", "days_to_care_restored.png")
_BIN_WIDTHS = (1, 2, 7, 14, 28, 56)
_MAX_BINS = 20
_BAR = "#3b6ea5"
_ALERT = "#c0392b"
_RESTORED = "#2e8b57"
if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_RC: dict[RcKeyType, Any] = {
    "font.size": 15,
    "axes.titlesize": 20,
    "axes.titleweight": "bold",
    "axes.labelsize": 16,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class ChartData:
    daily: tuple[tuple[date, int], ...]  # (day, cancellations reported that day)
    past_deadline: tuple[tuple[str, int], ...]  # (clinic, open cases past the deadline), largest first
    days_to_restored: tuple[int, ...]  # one value per case with care restored
    histogram: tuple[tuple[int, int, int], ...]  # (from day, to day exclusive, cases)


def _histogram(values: tuple[int, ...]) -> tuple[tuple[int, int, int], ...]:
    if not values:
        return ()
    top = max(values) + 1
    width = next((w for w in _BIN_WIDTHS if math.ceil(top / w) <= _MAX_BINS), math.ceil(top / _MAX_BINS))
    counts = [0] * math.ceil(top / width)
    for v in values:
        counts[v // width] += 1
    return tuple((i * width, (i + 1) * width, n) for i, n in enumerate(counts))


def chart_data(db: Database, report: Report) -> ChartData:
    """The series the three charts are drawn from (all in the report already; `db` is kept for later charts)."""
    past = tuple((f.name, f.open_past_deadline) for f in report.facilities if f.open_past_deadline > 0)
    past = tuple(sorted(past, key=lambda p: (-p[1], p[0])))
    return ChartData(
        daily=report.daily_reported,
        past_deadline=past,
        days_to_restored=report.days_to_restored,
        histogram=_histogram(report.days_to_restored),
    )


class _Words:
    """The charts' words in one language."""

    def __init__(self, lang: str, catalog: Catalog | None = None):
        self.lang = lang
        self.catalog = catalog or Catalog.load()

    def __call__(self, key: str, **params) -> str:
        return self.catalog.raw(self.lang, f"chart.{key}").format(**params)

    def short(self, d: date) -> str:
        return format_short_date(d, self.lang)


def _guarded(report: Report, counts) -> tuple[list[int], list[str], list[bool]]:
    """Heights, labels and which are suppressed: a public "<5" has no bar (height 0), only its label."""
    heights, labels, hidden = [], [], []
    for n in counts:
        small = report.public and 0 < n < report.small_count
        heights.append(0 if small else n)
        labels.append(report.shown(n) if n else "")
        hidden.append(small)
    return heights, labels, hidden


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _hatch(fig, report: Report, hidden, words: _Words) -> None:
    """A footnote when some counts are suppressed: what "<5" means and why it has no bar."""
    if any(hidden):
        fig.text(0.01, 0.005, words("suppressed", n=report.small_count), fontsize=12, color="#555555", ha="left", va="bottom")


def _empty(ax, message: str) -> None:
    """No data: a bare frame and a sentence, not axes from 0.0 to 1.0."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=18, color="#555555", wrap=True)


def _daily(report: Report, data: ChartData, words: _Words):
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    fig, ax = _figure()
    days = [d for d, _ in data.daily]
    heights, labels, hidden = _guarded(report, [n for _, n in data.daily])
    ax.set_title(
        words("daily_title", start=words.short(days[0]), end=format_date(days[-1], words.lang, year=True))
        if days
        else words("daily_title_plain")
    )
    ax.set_xlabel(words("daily_x"))
    ax.set_ylabel(words("daily_y"))
    if not any(n for _, n in data.daily):
        _empty(ax, words("daily_empty"))
        return fig
    bars = ax.bar(days, heights, width=0.8, color=_BAR)
    _hatch(fig, report, hidden, words)
    if len(days) <= 31 or any(hidden):
        ax.bar_label(bars, labels=labels, padding=2, fontsize=11)
    # A tick a week ("Nov 3" / "3 nov"), whole words: easier on a phone than Concise's "08".
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=7) if len(days) <= 62 else mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: words.short(mdates.num2date(x).date())))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(bottom=0, top=max(max(heights), report.small_count if any(hidden) else 1) * 1.15)
    return fig


def _past_deadline(report: Report, data: ChartData, words: _Words):
    fig, ax = _figure()
    rows = list(reversed(data.past_deadline))  # largest at the top
    if rows:
        heights, labels, hidden = _guarded(report, [n for _, n in rows])
        bars = ax.barh([name for name, _ in rows], heights, color=_ALERT)
        _hatch(fig, report, hidden, words)
        ax.bar_label(bars, labels=labels, padding=4, fontsize=13)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(left=0, right=max(max(heights), report.small_count if any(hidden) else 1) * 1.15)
    else:
        _empty(ax, words("past_empty"))
    ax.set_title(words("past_title", date=format_date(report.day, words.lang, year=True)))
    ax.set_xlabel(words("past_x"))
    ax.set_ylabel(words("past_y"))
    return fig


def _restored(report: Report, data: ChartData, words: _Words):
    fig, ax = _figure()
    if data.histogram:
        heights, labels, hidden = _guarded(report, [n for _, _, n in data.histogram])
        width = data.histogram[0][1] - data.histogram[0][0]
        bars = ax.bar([lo for lo, _, _ in data.histogram], heights, width=width * 0.9, align="edge", color=_RESTORED)
        _hatch(fig, report, hidden, words)
        ax.bar_label(bars, labels=labels, padding=2, fontsize=11)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0, top=max(max(heights), report.small_count if any(hidden) else 1) * 1.15)
        median = report.shown_median(report.totals.median_days_to_restored, report.totals.restored)
        ax.set_title(words("restored_title", median=median))
    else:
        _empty(ax, words("restored_empty"))
        ax.set_title(words("restored_title_plain"))
    ax.set_xlabel(words("restored_x"))
    ax.set_ylabel(words("restored_y"))
    return fig


def draw_charts(db: Database, report: Report, *, lang: str = "en", catalog: Catalog | None = None) -> list:
    """The three charts as matplotlib Figures, in `lang` (per day, past deadline by clinic, days to restored)."""
    from matplotlib import rc_context

    words = _Words(lang, catalog)
    data = chart_data(db, report)
    with rc_context(_RC):
        return [_daily(report, data, words), _past_deadline(report, data, words), _restored(report, data, words)]


def render_charts(
    db: Database, report: Report, out_dir: str | Path, *, lang: str = "en", catalog: Catalog | None = None
) -> list[Path]:
    """Draw the three charts into out_dir in `lang`; return their paths (per day, past deadline by clinic, days to restored)."""
    from matplotlib import rc_context

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in FILES]
    with rc_context(_RC):
        for fig, path in zip(draw_charts(db, report, lang=lang, catalog=catalog), paths):
            fig.savefig(path, dpi=DPI)
    return paths
