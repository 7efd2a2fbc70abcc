"""Measure the organizers' exports and the daily report on an empty and a campaign-sized database, side by side.

Usage: .venv/bin/python benchmarks/export_report.py [--db-size 111803] [--repeat N]

The campaign-sized database comes from benchmarks/campaign_db.py (members and
cases spread over the campaign's facilities and ten weeks of the strike, their
events, check-ins, escalations, outbox history, deep links and their starts;
built once and cached). On each database, in the same run, each figure is the
median of --repeat runs:

- the floor: sqlite-utils' own CSV export of the cases table, two ways:
  the `sqlite-utils` CLI in the venv (`sqlite-utils query DB "select * from
  cases" --csv > /dev/null`, a subprocess, interpreter start-up included) and
  its Python equivalent in this process (csv.writer over the same cursor, as
  the CLI does, into memory);
- carebot's export_cases() to CSV, JSON and XLSX in this process, and
  `carebot export --format csv` as a subprocess (start-up included), so each
  ratio compares like with like;
- build_report() plus its text, and render_charts().

Targets (issue 16): CSV within 1.3x sqlite-utils' export, XLSX under 10 s, the daily report under 1 s.
These machines are shared and noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.campaign_db import cached, sizes  # noqa: E402
from bot.charts import render_charts  # noqa: E402
from knowledge.campaign import load_campaign  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.export import export_cases  # noqa: E402
from dialogs.monitor_report import render_report_text  # noqa: E402
from storage.clinic_report import build_report  # noqa: E402

CASES = 111_803  # the appointments Kaiser canceled in the 2022 Northern California strike (union figure)
VENV_BIN = Path(sys.executable).parent


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time in seconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def paired(floor, ours, repeat: int) -> tuple[float, float, object]:
    """Median times of two measurements taken alternately (a noisy neighbour slows both alike), and ours' result."""
    a, b, result = [], [], None
    for _ in range(repeat):
        started = time.perf_counter()
        floor()
        a.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = ours()
        b.append(time.perf_counter() - started)
    return statistics.median(a), statistics.median(b), result


def sqlite_utils_cli(db_path: Path, sql: str) -> None:
    with open(os.devnull, "wb") as devnull:
        subprocess.run([str(VENV_BIN / "sqlite-utils"), "query", str(db_path), sql, "--csv"], stdout=devnull, check=True)


def sqlite_utils_in_process(db) -> bytes:
    """What `sqlite-utils query --csv` does (csv.writer over the cursor), into memory, encoded like ours."""
    cursor = db.execute("select * from cases")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c[0] for c in cursor.description])
    for row in cursor:
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def carebot_cli(db_path: Path, out_dir: Path, day: date) -> None:
    code = (
        "import click; from bot.cli_organizers import register; g = click.Group(); register(g); "
        f"g(['export', '--format', 'csv', '--today', '{day}', '--out', {str(out_dir / 'cases.csv')!r}])"
    )
    env = {**os.environ, "CAREBOT_DB": str(db_path), "CAREBOT_CAMPAIGN": "", "CAREBOT_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def measure(db_path: Path, campaign, repeat: int, tmp: Path, day: date) -> dict[str, tuple[float, float | None, str]]:
    """name -> (seconds, ratio to its floor or None, note) on the database at `db_path`."""
    db = open_db(db_path)
    out: dict[str, tuple[float, float | None, str]] = {}
    startup, _ = timed(lambda: sqlite_utils_cli(db_path, "select 1"), repeat)
    floor_py, csv_seconds, csv_result = paired(
        lambda: sqlite_utils_in_process(db), lambda: export_cases(db, campaign, fmt="csv", today=day), repeat
    )
    floor_cli, cli_seconds, _ = paired(
        lambda: sqlite_utils_cli(db_path, "select * from cases"), lambda: carebot_cli(db_path, tmp, day), repeat
    )
    floor_bytes = sqlite_utils_in_process(db)
    out["floor: sqlite-utils CLI, select * from cases --csv"] = (floor_cli, None, "")
    out["  of which CLI start-up (select 1)"] = (startup, None, "")
    out["floor: the same csv.writer loop in this process"] = (floor_py, None, f"{len(floor_bytes) / 1e6:.1f} MB")
    out["carebot export_cases csv (in process)"] = (
        csv_seconds,
        csv_seconds / floor_py if floor_py else None,
        f"{csv_result.rows:,} rows, {len(csv_result.content) / 1e6:.1f} MB",
    )
    out["carebot export --format csv (CLI)"] = (cli_seconds, cli_seconds / floor_cli, "target <= 1.3x the CLI floor")
    for fmt in ("json", "xlsx"):
        seconds, result = timed(lambda: export_cases(db, campaign, fmt=fmt, today=day), 1 if fmt == "xlsx" else repeat)
        out[f"carebot export_cases {fmt} (in process)"] = (
            seconds,
            None,
            f"{result.rows:,} rows, {len(result.content) / 1e6:.1f} MB" + (", target < 10 s" if fmt == "xlsx" else ""),
        )
    report_seconds, report = timed(lambda: build_report(db, campaign, day=day), repeat)
    text_seconds, text = timed(lambda: render_report_text(report), repeat)
    charts_seconds, _ = timed(lambda: render_charts(db, report, tmp / "charts"), repeat)
    out["daily report: build_report"] = (report_seconds, None, f"{report.reported_total:,} cases counted, target < 1 s")
    out["daily report: render_report_text"] = (text_seconds, None, f"{len(text.splitlines())} lines")
    out["daily report: render_charts (3 PNG)"] = (charts_seconds, None, "")
    out["daily report + text + charts"] = (report_seconds + text_seconds + charts_seconds, None, "")
    db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-size", type=int, default=CASES, help="cases in the full database (0: empty only)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is shown)")
    args = parser.parse_args(argv)

    campaign = load_campaign()
    day = date.today()
    columns = sizes(args.db_size) if args.db_size else [("empty", 0)]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, size in columns:
            results[label] = measure(cached(size, tmp / f"bench-{size}.db"), campaign, args.repeat, tmp, day)
    names = list(results[columns[0][0]])
    width = max(len(n) for n in names)
    print(f"\nseconds (median of {args.repeat}; XLSX once); x floor: against sqlite-utils' own CSV export in the same run")
    print(f"{'measurement':{width}}" + "".join(f"  {label:>16} {'x floor':>7}" for label, _ in columns) + "  note")
    for name in names:
        line = f"{name:{width}}"
        for label, _ in columns:
            seconds, ratio, note = results[label][name]
            line += f"  {seconds:16.2f} {'' if ratio is None else f'{ratio:.2f}':>7}"
        print(line + f"  {results[columns[-1][0]][name][2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
