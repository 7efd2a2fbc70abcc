"""A campaign-sized database for the benchmarks: what carebot holds when a strike is in full swing.

The 2022 Northern California strike canceled 111,803 appointments (the union's
figure). `build(path, size)` writes that many members, each with a filed case
and its evidence log (about a dozen events), a pending check-in (due in the
next weeks, never during a benchmark) and the check-ins already sent and
answered, escalations (most resolved, a few open), the outbox history of what
was sent to them, the handled updates of the last days, conversations, deep
links and their starts, and an audit log. Python generates the members and
cases (the same distributions as the export benchmark: big clinics get more
reports, more reports early in the strike); everything else is bulk
`INSERT ... SELECT` in SQLite, so 111,803 cases take seconds, not minutes.

`cached(size)` builds once per size, schema and day into
`benchmarks/.cache/` (git-ignored) and hands each benchmark a fresh copy.
`size=0` is a migrated, empty database.

    .venv/bin/python benchmarks/campaign_db.py [--db-size 111803] [--out PATH]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import report_fields  # noqa: E402
from knowledge.campaign import load_campaign  # noqa: E402
from storage.db import open_db, schema_version  # noqa: E402
from storage.migrations import MIGRATIONS  # noqa: E402

CAMPAIGN_SIZE = 111_803  # appointments canceled in the 2022 strike (union figure)
CACHE = ROOT / "benchmarks" / ".cache"
BUILDER_VERSION = 2  # bump when what `build` writes changes
# Chat ids of the fixture's members: far from the ones the benchmarks' simulated members use.
FIRST_CHAT = 7_000_000_000
STRIKE_DAYS = 70
# The fixture's handled updates have ids below this; a stand-in serving a benchmark on it starts here
# (StandIn(first_update_id=UPDATES_FROM)), as Telegram's ids only grow.
UPDATES_FROM = 10_000_000
REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Each case's evidence log has an answer event per report question (knowledge/report_fields.py).
ANSWER_FIELDS = tuple(f.column for f in report_fields.fields() if f.column)
# How often each answer comes up (an option not listed here: weight 1).
KIND_SHARES = {"individual": 6, "psychiatry": 2}
URGENCIES = report_fields.options("urgency")
URGENCY_WEIGHTS = {"can_wait": 5, "soon": 4, "urgent": 1}
OFFERS = report_fields.options("offered")
OFFER_WEIGHTS = {"nothing": 5, "new_appt": 3, "out_of_network": 1, "wait": 2}


def _ref(i: int) -> str:
    """A unique five-character reference for case number `i` (a fixed shuffle, so refs don't look sequential)."""
    n = (i * 2_654_435_761) % (32**5)
    return "KP-" + "".join(REF_ALPHABET[(n >> (5 * k)) & 31] for k in range(5))


def build(path: Path, size: int, *, now: datetime | None = None, seed: int = 2022) -> dict:
    """Write a campaign of `size` members and cases into a new database at `path`. Returns row counts."""
    now = now or datetime.now(timezone.utc)
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_db(path)
    if size:
        _fill(db, size, now, seed)
    db.execute("ANALYZE")
    counts = {
        t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
        for t in (
            "members",
            "cases",
            "case_events",
            "followups",
            "escalations",
            "outbox",
            "processed_updates",
            "conversations",
            "audit_log",
            "link_starts",
        )
    }
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return counts


def _fill(db, size: int, now: datetime, seed: int) -> None:
    rng = random.Random(seed)
    campaign = load_campaign()
    facilities = [f.id for f in campaign.facilities]
    weights = [rng.uniform(0.3, 3.0) for _ in facilities]
    start = now - timedelta(days=STRIKE_DAYS)
    iso = lambda t: t.isoformat()  # noqa: E731
    links = [
        (f"cBench{i:05d}", rng.choice(facilities), rng.choice(["lobby", "union-hall", "instagram", None])) for i in range(40)
    ]
    kinds = [k for k in report_fields.options("kind") for _ in range(KIND_SHARES.get(k, 1))]
    members, cases = [], []
    for i in range(size):
        # More reports early in the strike, a long tail after.
        filed = start + timedelta(seconds=min(STRIKE_DAYS * 86400 - 3600, int(rng.expovariate(1 / (STRIKE_DAYS * 86400 / 3)))))
        joined = filed - timedelta(minutes=rng.randrange(2, 30))
        member_id = f"m_{i:016x}"
        members.append(
            (
                member_id,
                FIRST_CHAT + i,
                rng.choice(["en", "en", "es"]),
                iso(joined),
                iso(joined),
                iso(joined + timedelta(days=3)) if rng.random() < 0.02 else None,
                int(rng.random() < 0.1),
                int(rng.random() < 0.3),
            )
        )
        urgency = rng.choices(URGENCIES, [URGENCY_WEIGHTS.get(u, 1) for u in URGENCIES])[0]
        kind = rng.choice(kinds)
        day = filed.date()
        deadline = day + timedelta(days=2 if urgency == "urgent" else (21 if kind == "psychiatry" else 14))
        deadline_at = iso(filed + timedelta(hours=48)) if urgency == "urgent" else None
        offered = rng.choices(OFFERS, [OFFER_WEIGHTS.get(o, 1) for o in OFFERS])[0]
        offered_date = (
            (day + timedelta(days=rng.randrange(1, 30))).isoformat() if offered in ("new_appt", "out_of_network") else None
        )
        new_appt = (day + timedelta(days=rng.randrange(2, 35))).isoformat() if rng.random() < 0.4 else None
        restored = day + timedelta(days=rng.randrange(3, 60)) if rng.random() < 0.45 else None
        if restored is not None and restored >= now.date():
            restored = None
        closed = (datetime.combine(restored, datetime.min.time(), timezone.utc) + timedelta(hours=20)) if restored else None
        link = rng.choice(links)[0] if rng.random() < 0.3 else None
        facility = rng.choices(facilities, weights)[0] if rng.random() > 0.02 else None
        cases.append(
            (
                i + 1,
                _ref(i),
                member_id,
                campaign.id,
                "closed" if closed else "open",
                members[-1][2],
                kind,
                (day - timedelta(days=rng.randrange(-7, 10))).isoformat(),
                facility,
                None if facility else "a clinic typed by hand",
                rng.choice(report_fields.options("notified")),
                offered,
                offered_date,
                urgency,
                "a private note" if rng.random() < 0.3 else None,
                int(rng.random() < 0.85),
                iso(joined),
                iso(filed),
                iso(closed) if closed else None,
                "urgent_48h" if urgency == "urgent" else "followup_10bd",
                deadline.isoformat(),
                deadline_at,
                new_appt,
                (day + timedelta(days=rng.randrange(1, 20))).isoformat() if rng.random() < 0.1 else None,
                restored.isoformat() if restored else None,
                "restored" if closed else None,
                (day + timedelta(days=rng.randrange(0, 10))).isoformat() if rng.random() < 0.2 else None,
                link,
            )
        )
    conn: sqlite3.Connection = db.conn
    if TIMINGS:
        conn.set_trace_callback(_timed)
    # The bulk load needs neither the rollback of secure_delete's zeroing nor a sync per page.
    conn.execute("PRAGMA secure_delete=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO members (id, chat_id, lang, consented_at, created_at, unreachable_at, muted, contact_ok, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active')",
        members,
    )
    conn.executemany(
        "INSERT INTO cases (id, ref, member_id, campaign_id, status, lang, kind, appt_date, facility_id, facility_text,"
        " notified, offered, offered_date, urgency, note, share_ok, created_at, filed_at, closed_at, deadline_standard,"
        " deadline_date, deadline_at, new_appt_date, oon_offered_on, restored_on, close_reason, complaint_sent_on, link_code)"
        " VALUES (" + ", ".join("?" * 28) + ")",
        cases,
    )
    # A few members are partway through a new report: a draft case.
    conn.execute(
        "INSERT INTO cases (member_id, campaign_id, status, lang, kind, created_at)"
        " SELECT member_id, campaign_id, 'draft', lang, kind, created_at FROM cases WHERE id % 50 = 7"
    )
    conn.execute(
        "INSERT INTO conversations (member_id, state, updated_at)"
        ' SELECT id, \'{"flow":"idle","step":null,"data":{}}\', created_at FROM members'
    )
    # The evidence log: each answer, the filing, then check-in answers.
    values = ", ".join(f"('{f}')" for f in ANSWER_FIELDS)
    conn.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at)"
        f" SELECT c.id, 'answer', f.column1, 'x', c.created_at FROM cases c, (VALUES {values}) f WHERE c.status != 'draft'"
        " ORDER BY c.id"
    )
    conn.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at)"
        " SELECT id, 'filed', NULL, ref, filed_at FROM cases WHERE status != 'draft' ORDER BY id"
    )
    conn.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at)"
        " SELECT id, 'checkin', NULL, 'wait', datetime(filed_at, '+2 days') FROM cases WHERE status != 'draft' ORDER BY id"
    )
    conn.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at)"
        " SELECT id, 'closed', close_reason, NULL, closed_at FROM cases WHERE status = 'closed' ORDER BY id"
    )
    # Check-ins: two sent and answered, and for each open case the next one, pending (due in the coming weeks).
    for k, (status, answer) in enumerate((("answered", "wait"), ("answered", "new"))):
        conn.execute(
            "INSERT INTO followups (case_id, kind, due_at, status, created_at, sent_at, answered_at, answer, attempts)"
            f" SELECT id, 'checkin', strftime('%Y-%m-%dT%H:%M:%S+00:00', filed_at, '+{2 + 3 * k} days'), '{status}', filed_at,"
            f" strftime('%Y-%m-%dT%H:%M:%S+00:00', filed_at, '+{2 + 3 * k} days'),"
            f" strftime('%Y-%m-%dT%H:%M:%S+00:00', filed_at, '+{2 + 3 * k} days', '+3 hours'), '{answer}', 1"
            " FROM cases WHERE status != 'draft' ORDER BY id"
        )
    conn.execute(
        "INSERT INTO followups (case_id, kind, due_at, status, created_at)"
        " SELECT id, 'checkin', strftime('%Y-%m-%dT%H:%M:%S+00:00', ?, '+' || (1 + id % 21) || ' days', '+' || (id % 1440) || ' minutes'),"
        " 'pending', filed_at FROM cases WHERE status = 'open' ORDER BY id",
        [iso(now)],
    )
    conn.execute(
        "UPDATE followups SET status = 'canceled' WHERE status = 'pending' AND case_id IN"
        " (SELECT id FROM cases WHERE status = 'closed')"
    )
    # Urgent cases past their 48 hours were swept long ago (an 'urgent_overdue' event and an escalation each).
    conn.execute(
        "INSERT INTO case_events (case_id, kind, field, value, at)"
        " SELECT id, 'urgent_overdue', NULL, NULL, deadline_at FROM cases WHERE urgency = 'urgent' AND status = 'open'"
        " AND deadline_at <= ? ORDER BY id",
        [iso(now)],
    )
    # Escalations: about 6% of members, most resolved, a handful still open or claimed.
    conn.execute(
        "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at, claimed_by,"
        " claimed_at, resolved_at, resolution, topic_id, card_message_id, announced_at)"
        " SELECT member_id, id, CASE WHEN id % 5 = 0 THEN 1 ELSE 3 END, CASE WHEN id % 5 = 0 THEN 'crisis' ELSE 'volunteer' END,"
        " CASE WHEN id % 1000 < 3 THEN 'open' WHEN id % 1000 < 6 THEN 'claimed' ELSE 'resolved' END, filed_at, filed_at,"
        " CASE WHEN id % 1000 < 3 THEN NULL ELSE 500 + id % 7 END, filed_at, filed_at, 'helped', 100000 + id, 200000 + id, filed_at"
        " FROM cases WHERE status != 'draft' AND id % 17 = 3 ORDER BY id"
    )
    # The outbox's history: what was sent to each member (replies, check-ins), bodies dropped once sent.
    for n, (kind, priority, ref_kind) in enumerate((("reply", 0, None),) * 5 + (("followup", 5, "followup"),) * 2):
        conn.execute(
            "INSERT INTO outbox (chat_id, member_id, kind, action, payload, status, attempts, created_at, sent_at, message_id,"
            " priority, ref_kind, ref_id)"
            f" SELECT m.chat_id, m.id, '{kind}', 'send', '{{}}', 'sent', 1, m.created_at, m.created_at, {n + 1}, {priority},"
            f" {'NULL' if ref_kind is None else repr(ref_kind)}, NULL FROM members m ORDER BY m.rowid"
        )
    conn.execute(
        "UPDATE outbox SET ref_id = (SELECT min(f.id) FROM followups f WHERE f.case_id ="
        " (SELECT min(c.id) FROM cases c WHERE c.member_id = outbox.member_id)) WHERE ref_kind = 'followup'"
    )
    # Handled updates of the last week (older ones are pruned).
    conn.execute(
        "INSERT INTO processed_updates (update_id, status, payload, received_at, done_at)"
        " SELECT 1000 + members.rowid * 3 + k.column1, 'done', NULL, ?, ? FROM members, (VALUES (0), (1), (2)) k",
        [iso(now), iso(now)],
    )
    conn.executemany(
        "INSERT INTO links (code, facility_id, source, created_at) VALUES (?, ?, ?, ?)",
        [(c, f, s, iso(start)) for c, f, s in links],
    )
    conn.execute("INSERT INTO link_starts (link_code, at) SELECT link_code, created_at FROM cases WHERE link_code IS NOT NULL")
    conn.execute(
        "INSERT INTO roles (user_id, role, granted_by, granted_at) SELECT 500 + column1, 'volunteer', 1, ?"
        " FROM (VALUES (0), (1), (2), (3), (4), (5), (6))",
        [iso(start)],
    )
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, case_ref, detail, allowed)"
        " SELECT e.created_at, e.claimed_by, 'claim', c.ref, NULL, 1 FROM escalations e JOIN cases c ON c.id = e.case_id"
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")


TIMINGS = False
_last = [0.0, ""]


def _timed(sql: str) -> None:  # --timings: how long each bulk statement took
    now = time.perf_counter()
    if _last[1]:
        print(f"{now - _last[0]:7.2f} s  {_last[1][:90]}")
    _last[:] = [now, " ".join(sql.split())]


def cached(size: int, dest: Path) -> Path:
    """A fresh copy at `dest` of the campaign database of `size` cases, built once a day (per schema) and kept."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = f"campaign-{size}-v{BUILDER_VERSION}-m{MIGRATIONS[-1][0]}-{date.today().isoformat()}.db"
    source = CACHE / key
    if not source.exists():
        for old in CACHE.glob(f"campaign-{size}-*.db"):
            old.unlink()
        started = time.perf_counter()
        tmp = CACHE / (key + ".building")
        counts = build(tmp, size)
        tmp.rename(source)
        print(
            f"[built a {size:,}-case campaign database in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + f"; cached as {source.name}]",
            flush=True,
        )
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest


def sizes(db_size: int) -> list[tuple[str, int]]:
    """The two columns every benchmark prints: an empty database and one of `db_size` cases."""
    return [("empty", 0), (f"{db_size:,} cases", db_size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db-size", type=int, default=CAMPAIGN_SIZE)
    parser.add_argument("--out", type=Path, default=None, help="write here instead of the cache")
    parser.add_argument("--timings", action="store_true", help="print how long each bulk statement takes")
    args = parser.parse_args()
    global TIMINGS
    TIMINGS = args.timings
    if args.out:
        started = time.perf_counter()
        counts = build(args.out, args.db_size)
        print(f"built in {time.perf_counter() - started:.1f} s: {counts}")
    else:
        path = cached(args.db_size, Path("/tmp") / "campaign-copy.db")
        db = open_db(path, migrate=False)
        print(f"{path}: schema {schema_version(db)}, {path.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
