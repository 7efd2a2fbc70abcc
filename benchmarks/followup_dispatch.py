"""Benchmark: a strike-sized backlog of check-ins at Telegram's speed limit, while members chat.

The stand-in enforces Telegram's limits (30 messages/s overall, answering 429 with
retry_after past them). 3,000 check-ins are due at once for 3,000 members; carebot
runs as its own process with its rate limiter on. Meanwhile 10 members keep asking
for /help, and the time to their answer is measured. Reported: achieved messages
per second as a ratio to the limit, 429s received, lost and duplicated check-ins,
and the p99 of the interactive replies while the backlog drains. Then, separately:
how long the scheduler takes to find the due check-ins among 111,803 pending ones.

    .venv/bin/python benchmarks/followup_dispatch.py [--checkins 3000]
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


async def dispatch(n: int) -> dict:
    work = Path(tempfile.mkdtemp())
    db_path = work / "carebot.db"
    db = open_db(db_path)
    chats = seed_due_checkins(db, n, now=datetime.now(timezone.utc))
    db.conn.close()
    standin = await StandIn().start()
    standin.configure(enforce_limits=True)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": standin.token, "TELEGRAM_API_BASE_URL": standin.base_url,
           "CAREBOT_DB": str(db_path), "CAREBOT_POLL_TIMEOUT": "1", "CAREBOT_LOG_LEVEL": "WARNING",
           "CAREBOT_RATE_LIMIT": "1", "CAREBOT_CAMPAIGN": str(campaign_without_quiet_hours(work)), "PYTHONPATH": str(ROOT)}
    first = {}
    standin.on_bot_message = lambda s: first.setdefault(s.chat_id, time.perf_counter()) if "Checking in" in s.text else None
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, cwd=str(work),
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
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
    db.execute("INSERT INTO members (id, chat_id, lang, status, consented_at, created_at) VALUES ('m', 1, 'en', 'active', ?, ?)",
               [now.isoformat(), now.isoformat()])
    db.execute("INSERT INTO cases (id, ref, member_id, campaign_id, status, lang, created_at) VALUES (1, 'KP-22222', 'm', 'x', 'open', 'en', ?)",
               [now.isoformat()])
    rows = ((1, "checkin", (now + timedelta(minutes=(i - due_now) if i < due_now else 60 + i % 40_000)).isoformat(), "pending",
             now.isoformat()) for i in range(total))
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
    args = parser.parse_args()
    r = await dispatch(args.checkins)
    print(f"{args.checkins} check-ins due at once, stand-in enforcing {LIMIT} messages/s:")
    print(f"  check-ins: {r['rate']:.1f} messages/s sustained = {r['ratio']:.2f} of the limit (all sent in {r['elapsed']:.0f} s);"
          f" with the members' replies: {r['total_ratio']:.2f} of the limit")
    print(f"  429s received: {r['429']}   lost: {r['lost']}   duplicated: {r['duplicates']}")
    print(f"  a member's /help while it drained: p50 {r['interactive_p50_ms']:.0f} ms, p99 {r['interactive_p99_ms']:.0f} ms"
          f" ({r['interactive_n']} replies)")
    q = find_due_among_pending()
    print(f"finding the {q['due']} due among {q['total']:,} pending check-ins: p50 {q['p50_ms']:.2f} ms, worst {q['p99_ms']:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
