"""The daily report's charts as PNG files (matplotlib, Agg canvas; no pyplot, so no global state).

Drawn for a phone screen: about 1000x700 px, large fonts, a title, labelled
axes with units. `chart_data` returns exactly the series each chart is drawn
from. In a public report a bar for a count from 1 to small_count - 1 is drawn
at small_count, hatched, and labelled "<5", so its height reveals no more than
the text does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from storage.report import Report

WIDTH_IN, HEIGHT_IN, DPI = 10, 7, 100  # 1000 x 700 px
FILES = ("cancellations_per_day.png", "past_deadline_by_clinic.png", "days_to_care_restored.png")
_BIN_WIDTHS = (1, 2, 7, 14, 28, 56)
_MAX_BINS = 20
_BAR = "#3b6ea5"
_ALERT = "#c0392b"
_RESTORED = "#2e8b57"
_RC = {
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
    return ChartData(daily=report.daily_reported, past_deadline=past, days_to_restored=report.days_to_restored,
                     histogram=_histogram(report.days_to_restored))


def _guarded(report: Report, counts) -> tuple[list[int], list[str], list[bool]]:
    heights, labels, hidden = [], [], []
    for n in counts:
        small = report.public and 0 < n < report.small_count
        heights.append(report.small_count if small else n)
        labels.append(report.shown(n) if n else "")
        hidden.append(small)
    return heights, labels, hidden


def _figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _hatch(bars, hidden) -> None:
    for bar, small in zip(bars, hidden):
        if small:
            bar.set_hatch("//")
            bar.set_alpha(0.5)


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=18, color="#555555")


def _daily(report: Report, data: ChartData, path: Path) -> None:
    import matplotlib.dates as mdates

    fig, ax = _figure()
    days = [d for d, _ in data.daily]
    heights, labels, hidden = _guarded(report, [n for _, n in data.daily])
    bars = ax.bar(days, heights, width=0.8, color=_BAR)
    _hatch(bars, hidden)
    if len(days) <= 31:
        ax.bar_label(bars, labels=labels, padding=2, fontsize=11)
    # A tick a week ("Nov 3"), whole words: easier on a phone than Concise's "08".
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=7) if len(days) <= 62 else mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %-d"))
    ax.set_title(f"Cancellations reported per day, {days[0]:%b %d} – {days[-1]:%b %d, %Y}" if days else
                 "Cancellations reported per day")
    ax.set_xlabel("Day reported (campaign time zone)")
    ax.set_ylabel("Cancellations reported (cases)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if not any(heights):
        _empty(ax, "No cancellations reported in this period")
    fig.savefig(path, dpi=DPI)


def _past_deadline(report: Report, data: ChartData, path: Path) -> None:
    fig, ax = _figure()
    rows = list(reversed(data.past_deadline))  # largest at the top
    if rows:
        heights, labels, hidden = _guarded(report, [n for _, n in rows])
        bars = ax.barh([name for name, _ in rows], heights, color=_ALERT)
        _hatch(bars, hidden)
        ax.bar_label(bars, labels=labels, padding=4, fontsize=13)
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.set_yticks([])
        _empty(ax, "No open case is past the legal deadline")
    ax.set_title(f"Open cases past the legal deadline, {report.day:%b %d, %Y}")
    ax.set_xlabel("Open cases past the deadline (cases)")
    ax.set_ylabel("Clinic")
    fig.savefig(path, dpi=DPI)


def _restored(report: Report, data: ChartData, path: Path) -> None:
    fig, ax = _figure()
    if data.histogram:
        heights, labels, hidden = _guarded(report, [n for _, _, n in data.histogram])
        width = data.histogram[0][1] - data.histogram[0][0]
        bars = ax.bar([lo for lo, _, _ in data.histogram], heights, width=width * 0.9, align="edge", color=_RESTORED)
        _hatch(bars, hidden)
        ax.bar_label(bars, labels=labels, padding=2, fontsize=11)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.xaxis.get_major_locator().set_params(integer=True)
        median = report.shown_median(report.totals.median_days_to_restored, report.totals.restored)
        ax.set_title(f"Days from report to care restored (median {median} days)")
    else:
        _empty(ax, "No case has care restored yet")
        ax.set_title("Days from report to care restored")
    ax.set_xlabel("Days from report to care restored (days)")
    ax.set_ylabel("Cases")
    fig.savefig(path, dpi=DPI)


def render_charts(db: Database, report: Report, out_dir: str | Path) -> list[Path]:
    """Draw the three charts into out_dir; return their paths (per day, past deadline by clinic, days to restored)."""
    from matplotlib import rc_context

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = chart_data(db, report)
    paths = [out / name for name in FILES]
    with rc_context(_RC):
        _daily(report, data, paths[0])
        _past_deadline(report, data, paths[1])
        _restored(report, data, paths[2])
    return paths
