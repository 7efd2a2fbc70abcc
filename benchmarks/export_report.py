"""Measure the organizers' exports and the daily report on 111,803 synthetic filed cases.

Usage: .venv/bin/python benchmarks/export_report.py [--cases N] [--repeat N] [--keep DB]

Builds a temporary database (members, cases spread over the campaign's
facilities and ten weeks of the strike, follow-ups, escalations, deep links
and their starts), then times, in the same run, each figure as the median of
--repeat runs:

- the floor: sqlite-utils' own CSV export of the cases table, two ways:
  the `sqlite-utils` CLI in the venv (`sqlite-utils query DB "select * from
  cases" --csv > /dev/null`, a subprocess, interpreter start-up included) and
  its Python equivalent in this process (csv.writer over the same cursor, as
  the CLI does, into memory);
- carebot's export_cases() to CSV, JSON and XLSX in this process, and
  `carebot export --format csv` as a subprocess (start-up included), so each
  ratio compares like with like;
- build_report() plus its text, and render_charts().

Targets: CSV export within 2x the floor; report and charts under 5 s.
These machines are shared and noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.charts import render_charts  # noqa: E402
from knowledge.campaign import load_campaign  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.export import export_cases  # noqa: E402
from storage.report import build_report, render_report_text  # noqa: E402

CASES = 111_803  # the appointments Kaiser canceled in the 2022 Northern California strike (union figure)
REPORT_DAY = date(2024, 12, 31)
VENV_BIN = Path(sys.executable).parent


def generate(db, campaign, n_cases: int, seed: int = 2024) -> dict:
    """Fill the database with a realistic-looking strike: returns row counts per table."""
    rng = random.Random(seed)
    facilities = [f.id for f in campaign.facilities]
    # Big medical centres get more reports than small clinics.
    weights = [rng.uniform(0.3, 3.0) for _ in facilities]
    start = campaign.strike_start
    span = (REPORT_DAY - start).days + 1
    utc = timezone.utc
    links = [(f"cBench{i:05d}", rng.choice(facilities), rng.choice(["lobby", "union-hall", "instagram", None]))
             for i in range(40)]
    n_members = int(n_cases * 0.85)
    members, conversations = [], []
    for i in range(n_members):
        joined = datetime.combine(start, datetime.min.time(), utc) + timedelta(minutes=rng.randrange(span * 1440))
        members.append((f"m_{i:014x}", 5_000_000_000 + i, rng.choice(["en", "en", "es"]), joined.isoformat(),
                        joined.isoformat(), (joined + timedelta(days=3)).isoformat() if rng.random() < 0.02 else None,
                        int(rng.random() < 0.3), f"user{i}" if rng.random() < 0.4 else None))
        conversations.append((f"m_{i:014x}", "{}", joined.isoformat()))
    cases, followups, escalations = [], [], []
    kinds = ["individual"] * 6 + ["group", "psychiatry", "psychiatry", "intake", "other"]
    for i in range(n_cases):
        # More reports early in the strike, a long tail after.
        day = start + timedelta(days=min(span - 1, int(rng.expovariate(1 / (span / 3)))))
        filed = datetime.combine(day, datetime.min.time(), utc) + timedelta(seconds=rng.randrange(86400))
        urgency = rng.choices(["can_wait", "soon", "urgent"], [5, 4, 1])[0]
        kind = rng.choice(kinds)
        deadline = day + timedelta(days=2 if urgency == "urgent" else (21 if kind == "psychiatry" else 14))
        offered = rng.choices(["nothing", "new_appt", "out_of_network", "wait"], [5, 3, 1, 2])[0]
        offered_date = (day + timedelta(days=rng.randrange(1, 30))).isoformat() if offered in ("new_appt", "out_of_network") else None
        new_appt = (day + timedelta(days=rng.randrange(2, 35))).isoformat() if rng.random() < 0.4 else None
        restored = day + timedelta(days=rng.randrange(3, 60)) if rng.random() < 0.45 else None
        if restored is not None and restored > REPORT_DAY:
            restored = None
        closed = (datetime.combine(restored, datetime.min.time(), utc) + timedelta(hours=20)) if restored else (
            filed + timedelta(days=rng.randrange(5, 40)) if rng.random() < 0.05 else None)
        link = rng.choice(links)[0] if rng.random() < 0.3 else None
        facility = rng.choices(facilities, weights)[0] if rng.random() > 0.02 else None
        cases.append((
            i + 1, f"KP-{i:05X}", f"m_{rng.randrange(n_members):014x}", campaign.id, "closed" if closed else "open",
            rng.choice(["en", "en", "es"]), kind, (day - timedelta(days=rng.randrange(-7, 10))).isoformat(), facility,
            None if facility else "a clinic typed by hand", rng.choice(["call", "text", "portal", "at_clinic", "never_told"]),
            offered, offered_date, urgency, "a private note" if rng.random() < 0.3 else None, int(rng.random() < 0.85),
            filed.isoformat(), filed.isoformat(), closed.isoformat() if closed else None,
            "urgent_48h" if urgency == "urgent" else "followup_10bd", deadline.isoformat(),
            new_appt, (day + timedelta(days=rng.randrange(1, 20))).isoformat() if rng.random() < 0.1 else None,
            restored.isoformat() if restored else None,
            (day + timedelta(days=rng.randrange(0, 10))).isoformat() if rng.random() < 0.2 else None, link,
        ))
        for k in range(rng.choice([0, 1, 2, 2, 3, 4])):
            due = filed + timedelta(days=3 * (k + 1))
            status = "answered" if rng.random() < 0.5 else ("sent" if due.date() <= REPORT_DAY else "pending")
            followups.append((i + 1, "checkin", due.isoformat(), status, filed.isoformat()))
        if rng.random() < 0.06:
            created = filed + timedelta(hours=rng.randrange(1, 200))
            claimed = created + timedelta(minutes=rng.randrange(1, 240)) if rng.random() < 0.8 else None
            status = "open" if claimed is None else rng.choice(["claimed", "resolved", "resolved"])
            escalations.append((cases[-1][2], i + 1, 3, "volunteer", status, created.isoformat(), created.isoformat(),
                                claimed.isoformat() if claimed else None))
    starts = [(code, (datetime.combine(start, datetime.min.time(), utc)
                      + timedelta(minutes=rng.randrange(span * 1440))).isoformat())
              for code, _, _ in links for _ in range(rng.randrange(500, 5000))]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO members (id, chat_id, lang, consented_at, created_at, unreachable_at, contact_ok, username)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", members)
        db.conn.executemany("INSERT INTO conversations (member_id, state, updated_at) VALUES (?, ?, ?)", conversations)
        db.conn.executemany(
            "INSERT INTO cases (id, ref, member_id, campaign_id, status, lang, kind, appt_date, facility_id,"
            " facility_text, notified, offered, offered_date, urgency, note, share_ok, created_at, filed_at, closed_at,"
            " deadline_standard, deadline_date, new_appt_date, oon_offered_on, restored_on, complaint_sent_on, link_code)"
            " VALUES (" + ", ".join("?" * 26) + ")", cases)
        db.conn.executemany("INSERT INTO followups (case_id, kind, due_at, status, created_at) VALUES (?, ?, ?, ?, ?)",
                            followups)
        db.conn.executemany(
            "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at, claimed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", escalations)
        db.conn.executemany("INSERT INTO links (code, facility_id, source, created_at) VALUES (?, ?, ?, '2024-10-20')",
                            links)
        db.conn.executemany("INSERT INTO link_starts (link_code, at) VALUES (?, ?)", starts)
    db.execute("ANALYZE")
    return {"members": len(members), "cases": len(cases), "followups": len(followups),
            "escalations": len(escalations), "link_starts": len(starts)}


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


def carebot_cli(db_path: Path, out_dir: Path) -> None:
    code = ("import click; from bot.cli_organizers import register; g = click.Group(); register(g); "
            f"g(['export', '--format', 'csv', '--today', '{REPORT_DAY}', '--out', {str(out_dir / 'cases.csv')!r}])")
    env = {**os.environ, "CAREBOT_DB": str(db_path), "CAREBOT_CAMPAIGN": "", "CAREBOT_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=CASES, help="filed cases to generate")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is shown)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated database at this path")
    args = parser.parse_args(argv)

    campaign = load_campaign()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db_path = args.keep or tmp / "bench.db"
        db = open_db(db_path)
        started = time.perf_counter()
        counts = generate(db, campaign, args.cases)
        print(f"generated in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f" ({db_path.stat().st_size / 1e6:.0f} MB)")

        rows = []
        startup, _ = timed(lambda: sqlite_utils_cli(db_path, "select 1"), args.repeat)
        floor_py, csv_seconds, csv_result = paired(lambda: sqlite_utils_in_process(db),
                                                   lambda: export_cases(db, campaign, fmt="csv", today=REPORT_DAY),
                                                   args.repeat)
        floor_cli, cli_seconds, _ = paired(lambda: sqlite_utils_cli(db_path, "select * from cases"),
                                           lambda: carebot_cli(db_path, tmp), args.repeat)
        floor_bytes = sqlite_utils_in_process(db)
        rows.append(("floor: sqlite-utils CLI, select * from cases --csv (subprocess)", floor_cli, None, ""))
        rows.append(("  of which CLI start-up (select 1)", startup, None, ""))
        rows.append(("floor: the same csv.writer loop in this process", floor_py, None,
                     f"{len(floor_bytes) / 1e6:.1f} MB"))
        rows.append(("carebot export_cases csv (in process)", csv_seconds, csv_seconds / floor_py,
                     f"{csv_result.rows:,} rows, {len(csv_result.content) / 1e6:.1f} MB"))
        for fmt in ("json", "xlsx"):
            seconds, result = timed(lambda: export_cases(db, campaign, fmt=fmt, today=REPORT_DAY),
                                    1 if fmt == "xlsx" else args.repeat)
            rows.append((f"carebot export_cases {fmt} (in process)", seconds, None,
                         f"{result.rows:,} rows, {len(result.content) / 1e6:.1f} MB"))
        rows.append(("carebot export --format csv (subprocess)", cli_seconds, cli_seconds / floor_cli, ""))
        report_seconds, report = timed(lambda: build_report(db, campaign, day=REPORT_DAY), args.repeat)
        text_seconds, text = timed(lambda: render_report_text(report), args.repeat)
        charts_seconds, _ = timed(lambda: render_charts(db, report, tmp / "charts"), args.repeat)
        rows.append(("build_report", report_seconds, None, f"{report.reported_total:,} cases counted"))
        rows.append(("render_report_text", text_seconds, None, f"{len(text.splitlines())} lines"))
        rows.append(("render_charts (3 PNG)", charts_seconds, None, ""))
        rows.append(("report + text + charts", report_seconds + text_seconds + charts_seconds, None, "target < 5 s"))

        width = max(len(r[0]) for r in rows)
        print(f"\n{'measurement':{width}}  {'seconds':>8}  {'x floor':>7}  note")
        for name, seconds, ratio, note in rows:
            print(f"{name:{width}}  {seconds:8.2f}  {'' if ratio is None else f'{ratio:.2f}':>7}  {note}")
        print(f"\nCSV export / floor (in process): {csv_seconds / floor_py:.2f}x (target <= 2); "
              f"carebot CLI / sqlite-utils CLI: {cli_seconds / floor_cli:.2f}x")
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
