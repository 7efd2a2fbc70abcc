"""Benchmark: 25 escalations reach the desk at once while members keep chatting.

The stand-in enforces Telegram's group rule (20 messages in any window, 429 with
retry_after past it) and its per-chat and overall limits. 25 escalations are raised
at once into a forum desk (a topic and a card each: 50 group messages); meanwhile
three members keep asking /help, and the time to their answer is measured.

Two runs:
- paced: carebot's own group window (19 per window) against Telegram's (20): expect
  0 x 429 and member replies unaffected by the desk's wait.
- provoked: carebot told it may send 40 per window, so Telegram answers 429: expect the
  desk alone to wait out retry_after while the members' replies keep flowing.

The window is Telegram's 60 s scaled down (--window, default 12 s) so a run takes
seconds, not minutes; the rule (N in any window) is the same.

    .venv/bin/python benchmarks/desk_limits.py [--window 12] [--escalations 25]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_core, serve  # noqa: E402
from bot.standin import StandIn  # noqa: E402
from storage import escalations, members as member_store, roles  # noqa: E402
from tests.conftest import bot_settings  # noqa: E402
from tests.flows import consent  # noqa: E402

DESK = -1001234567


async def chatty_member(standin, chat_id: int, stop: asyncio.Event, latencies: list[float]) -> None:
    member = standin.user(chat_id, "Busy", "en")
    await consent(member)
    while not stop.is_set():
        before = len(member.messages)
        t0 = time.perf_counter()
        await member.send("/help")
        await standin.wait_for(lambda: len(member.messages) > before, 120, chat_id=chat_id)
        latencies.append(time.perf_counter() - t0)
        await asyncio.sleep(3.0)  # a person reading: /help is two messages, within their chat's one a second


async def run(window: float, n: int, bot_rate: str) -> dict:
    work = Path(tempfile.mkdtemp())
    standin = await StandIn().start()
    standin.group(DESK, forum=True)
    standin.configure(enforce_limits=True, group_per_minute=20, group_window=window)
    settings = bot_settings(
        standin, work / "carebot.db", desk_chat_id=str(DESK), admin_ids="1", rate_limit=1, group_rate=bot_rate
    )
    core = build_core(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 15)
    latencies: list[float] = []
    chatting = asyncio.Event()
    members = [asyncio.create_task(chatty_member(standin, 8000 + i, chatting, latencies)) for i in range(3)]
    await asyncio.sleep(6.0)
    idle = list(latencies)
    with core.db.atomic():
        roles.grant(core.db, 500, "volunteer", by=1, now=core.clock())
        for i in range(n):
            m = member_store.create(core.db, chat_id=9000 + i, lang="en", source=None, now=core.clock())
            escalations.raise_(core.db, member_id=m.id, case_id=None, reason="volunteer", now=core.clock())
    latencies.clear()  # only replies while the desk fills count
    t0 = time.perf_counter()
    core.materialize_desk()
    group = standin.group(DESK)
    await standin.wait_for(lambda: len([s for s in group.messages if s.buttons]) >= n, 20 * window + 120)
    elapsed = time.perf_counter() - t0
    chatting.set()
    await asyncio.gather(*members)
    stop.set()
    await task
    await standin.stop()
    return {
        "cards": len([s for s in group.messages if s.buttons]),
        "topics": len(group.topics),
        "seconds": elapsed,
        "429": standin.refused["429"],
        "errors": len(standin.errors),
        "replies": len(latencies),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
        "idle_p50": statistics.median(idle) if idle else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=12.0, help="Telegram's group window, scaled (real: 60 s)")
    parser.add_argument("--escalations", type=int, default=25)
    args = parser.parse_args()
    for name, rate in (("paced", f"19/{args.window:g}"), ("provoked", f"40/{args.window:g}")):
        r = asyncio.run(run(args.window, args.escalations, rate))
        print(
            f"{name:8} {r['cards']} cards in {r['topics']} topics in {r['seconds']:.1f} s (window {args.window:g} s); "
            f"429s: {r['429']}, API errors: {r['errors']}; member replies meanwhile: {r['replies']}, "
            f"p50 {r['p50'] * 1000:.0f} ms, max {r['max'] * 1000:.0f} ms (desk idle: p50 {r['idle_p50'] * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
