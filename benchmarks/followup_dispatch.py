"""Benchmark: a strike-sized backlog of check-ins at Telegram's speed limit, while members chat.

The stand-in enforces Telegram's limits (30 messages/s overall, answering 429 with
retry_after past them). 3,000 check-ins are due at once for 3,000 members; carebot
runs as its own process with its rate limiter on. Meanwhile 10 members keep asking
for /help, and the time to their answer is measured. Reported: achieved messages
per second as a ratio to the limit, 429s received, lost and duplicated check-ins,
and the p99 of the interactive replies while the backlog drains. Then, separately:
how long the scheduler takes to find the due check-ins among 111,803 pending ones.

Each figure is measured on an empty database and on a campaign-sized one
(--db-size cases with their check-ins, events and outbox history, from
benchmarks/campaign_db.py), side by side in one run; --runs repeats each to
count 429s over several runs. Every 429 is printed with its second into the
drain and whether the stand-in's overall or per-chat bucket refused it.

    .venv/bin/python benchmarks/followup_dispatch.py [--checkins 3000] [--db-size 111803] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.campaign_db import CAMPAIGN_SIZE, UPDATES_FROM, cached, sizes  # noqa: E402
from bot.standin import StandIn  # noqa: E402
from storage import followups  # noqa: E402
from storage.db import open_db  # noqa: E402
from tests.seed import campaign_without_quiet_hours, checkins_in, seed_due_checkins  # noqa: E402

LIMIT = 30


async def chatty_member(standin, chat_id: int, stop: asyncio.Event, latencies: list[float]) -> None:
    member = standin.user(chat_id, "Busy", "en")
    while not stop.is_set():
        before = len(member.messages)
        t0 = time.perf_counter()
        await member.send("/help")
        await standin.wait_for(lambda: len(member.messages) > before, 30, chat_id=chat_id)
        latencies.append(time.perf_counter() - t0)
        await asyncio.sleep(2.0)


def record_429s(standin) -> list[tuple[float, str]]:
    """Wrap the stand-in's limit check: when each 429 happened and which bucket said no."""
    refusals: list[tuple[float, str]] = []
    check = standin._over_limit

    def over_limit(chat_id):
        overall_before = standin._overall.tokens if standin._overall is not None else None
        wait = check(chat_id)
        if wait:
            refused_overall = standin._overall is not None and (chat_id is None or standin._overall.tokens < 1)
            refusals.append(
                (
                    time.perf_counter(),
                    f"overall (had {overall_before:.2f} tokens)"
                    if refused_overall and overall_before is not None
                    else f"chat {chat_id}",
                )
            )
        return wait

    standin._over_limit = over_limit
    return refusals


async def dispatch(n: int, db_size: int) -> dict:
    work = Path(tempfile.mkdtemp())
    db_path = cached(db_size, work / "carebot.db")
    db = open_db(db_path)
    chats = seed_due_checkins(db, n, now=datetime.now(timezone.utc))
    db.conn.close()
    standin = await StandIn(first_update_id=UPDATES_FROM).start()
    standin.configure(enforce_limits=True)
    refusals = record_429s(standin)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "CAREBOT_DB": str(db_path),
        "CAREBOT_POLL_TIMEOUT": "1",
        "CAREBOT_LOG_LEVEL": "WARNING",
        "CAREBOT_RATE_LIMIT": "1",
        "CAREBOT_CAMPAIGN": str(campaign_without_quiet_hours(work)),
        "PYTHONPATH": str(ROOT),
    }
    first = {}
    standin.on_bot_message = lambda s: first.setdefault(s.chat_id, time.perf_counter()) if "Checking in" in s.text else None
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=str(work),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    # Members start chatting once the backlog is draining (not while the process starts up).
    await standin.wait_for(lambda: len(first) >= 10, 120)
    stop, latencies = asyncio.Event(), []
    chatters = [asyncio.create_task(chatty_member(standin, 10 + i, stop, latencies)) for i in range(10)]
    await standin.wait_for(lambda: all(c in first for c in chats), 3 * n / LIMIT + 120)
    stop.set()
    await asyncio.gather(*chatters)
    await asyncio.sleep(2)  # anything doubled would show up now
    proc.terminate()
    await proc.wait()
    await standin.stop()
    times = sorted(first[c] for c in chats)
    # Skip the first second: the buckets start full, so the opening burst isn't the sustained rate.
    steady = [t for t in times if t >= times[0] + 1.0]
    rate = (len(steady) - 1) / (steady[-1] - steady[0])
    latencies.sort()
    return {
        "rate": rate,
        "ratio": rate / LIMIT,
        "total_ratio": (rate + len(latencies) / max(1e-9, times[-1] - times[0])) / LIMIT,
        "elapsed": times[-1] - times[0],
        "429": standin.refused["429"],
        "429_at": [(round(t - times[0], 1), why) for t, why in refusals],
        "lost": sum(1 for c in chats if not checkins_in(standin, c)),
        "duplicates": sum(1 for c in chats if len(checkins_in(standin, c)) > 1),
        "interactive_p50_ms": statistics.median(latencies) * 1000,
        "interactive_p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "interactive_n": len(latencies),
    }


def find_due_among_pending(total: int = 111_803, due_now: int = 500) -> dict:
    """How long the scheduler's query takes to find what is due among `total` pending check-ins."""
    db = open_db(Path(tempfile.mkdtemp()) / "pending.db")
    now = datetime.now(timezone.utc)
    db.execute(
        "INSERT INTO members (id, chat_id, lang, status, consented_at, created_at) VALUES ('m', 1, 'en', 'active', ?, ?)",
        [now.isoformat(), now.isoformat()],
    )
    db.execute(
        "INSERT INTO cases (id, ref, member_id, campaign_id, status, lang, created_at) VALUES (1, 'KP-22222', 'm', 'x', 'open', 'en', ?)",
        [now.isoformat()],
    )
    rows = (
        (
            1,
            "checkin",
            (now + timedelta(minutes=(i - due_now) if i < due_now else 60 + i % 40_000)).isoformat(),
            "pending",
            now.isoformat(),
        )
        for i in range(total)
    )
    with db.atomic():
        db.conn.executemany("INSERT INTO followups (case_id, kind, due_at, status, created_at) VALUES (?, ?, ?, ?, ?)", rows)
    samples = []
    for _ in range(50):
        t0 = time.perf_counter()
        found = followups.due(db, now, limit=500)
        samples.append(time.perf_counter() - t0)
    assert len(found) == due_now
    samples.sort()
    return {"p50_ms": statistics.median(samples) * 1000, "p99_ms": samples[-1] * 1000, "total": total, "due": due_now}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkins", type=int, default=3000)
    parser.add_argument("--db-size", type=int, default=CAMPAIGN_SIZE, help="cases in the full database (0: empty only)")
    parser.add_argument("--runs", type=int, default=1, help="runs per database size")
    args = parser.parse_args()
    columns = sizes(args.db_size) if args.db_size else [("empty", 0)]
    results = {}
    for label, size in columns:
        results[label] = [await dispatch(args.checkins, size) for _ in range(args.runs)]
        for r in results[label]:
            print(
                f"  [{label}] {r['rate']:.1f}/s, ratio {r['ratio']:.2f} (total {r['total_ratio']:.2f}), 429s {r['429']}"
                f" {r['429_at']}, p99 {r['interactive_p99_ms']:.0f} ms",
                flush=True,
            )
    print(
        f"\n{args.checkins} check-ins due at once, stand-in enforcing {LIMIT} messages/s, {args.runs} run(s) per column"
        " (median of the runs; 429s: every run):"
    )
    med = lambda label, key: statistics.median(r[key] for r in results[label])  # noqa: E731
    rows = [
        ("check-ins per second (sustained)", "rate", "{:.1f}"),
        ("check-ins, share of the limit", "ratio", "{:.2f}"),
        ("check-ins + replies, share of the limit", "total_ratio", "{:.2f}"),
        ("all sent in (s)", "elapsed", "{:.0f}"),
        ("a member's /help: p50 ms", "interactive_p50_ms", "{:.0f}"),
        ("a member's /help: p99 ms", "interactive_p99_ms", "{:.0f}"),
    ]
    print(f"{'':42}" + "".join(f"{label:>18}" for label, _ in columns) + ("   full/empty" if len(columns) == 2 else ""))
    for name, key, fmt in rows:
        values = [med(label, key) for label, _ in columns]
        ratio = f"   {values[1] / values[0]:.2f}x" if len(values) == 2 and values[0] else ""
        print(f"{name:42}" + "".join(f"{fmt.format(v):>18}" for v in values) + ratio)
    for name, key in (("429s received (per run)", "429"), ("lost (per run)", "lost"), ("duplicated (per run)", "duplicates")):
        print(f"{name:42}" + "".join(f"{' '.join(str(r[key]) for r in results[label]):>18}" for label, _ in columns))
    q = find_due_among_pending()
    print(
        f"finding the {q['due']} due among {q['total']:,} pending check-ins: p50 {q['p50_ms']:.2f} ms, worst {q['p99_ms']:.2f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
