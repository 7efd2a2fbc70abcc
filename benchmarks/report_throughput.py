"""Benchmark: simulated members file full reports against the local stand-in; carebot beside a bare echo bot.

Both bots run as separate processes against a local stand-in in the same run,
driven by the same simulated members doing the same mix of texts and button
presses, so the ratio between them is what counts (absolute numbers move with
the machine). Two phases per bot:

1. paced: --concurrent members at once, each pausing 1-4 s between actions as a
   person does; p50/p99 latency from a member's action to the reply they wait for;
2. flat out: --members members, --concurrent at a time, no pauses; updates
   handled per second and the bot process's CPU seconds per update.

Peak memory is the bot process's high-water mark over both phases; start-up is
the time from launching the process to its first poll of the Bot API.

carebot is measured twice in the same run: on an empty database and on a
campaign-sized one (--db-size members with their cases, events, check-ins,
escalations and outbox history, from benchmarks/campaign_db.py, cached on disk
between runs), printed side by side with the ratio.

    .venv/bin/python benchmarks/report_throughput.py [--members 2000] [--concurrent 200] [--db-size 111803]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.campaign_db import CAMPAIGN_SIZE, UPDATES_FROM, cached, sizes  # noqa: E402
from bot.standin import StandIn  # noqa: E402

# One report: (action, argument, what must be on the newest bot message before the next action)
REPORT = [
    ("send", "/start", "English"),
    ("press", "English", "I agree"),
    ("press", "I agree", "Individual therapy"),
    ("press", "Individual therapy", "Yesterday"),
    ("press", "Yesterday", "I'm not sure"),
    ("send", "Fontana", "Phone call"),
    ("press", "Phone call", "Nothing"),
    ("press", "Nothing", "It's urgent"),
    ("press", "It can wait a few weeks", "Skip"),
    ("press", "Skip", "Yes, share it"),
    ("press", "Yes, share it", "No, thanks"),
    ("press", "No, thanks", "Confirm and file"),
    ("press", "Confirm and file", "What happens next"),
]


def proc_stats(pid: int) -> tuple[float, float]:
    """CPU seconds used so far and peak RSS in MB of a running process (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    hwm = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    return cpu, hwm


def newest_has(member, needle: str) -> bool:
    msgs = member.messages
    if not msgs:
        return False
    last = msgs[-1]
    return needle in last.text or any(needle in label for label in last.labels())


async def wait_until(standin: StandIn, member, needle: str, timeout: float = 60) -> None:
    await standin.wait_for(lambda: newest_has(member, needle), timeout, chat_id=member.id)


async def pause(think):
    if think:
        await asyncio.sleep(think.uniform(1.0, 4.0))


async def run_member_carebot(standin, chat_id, latencies, think=None):
    member = standin.user(chat_id, "Bench", "en")
    for action, arg, until in REPORT:
        await pause(think)
        t0 = time.perf_counter()
        if action == "send":
            await member.send(arg)
        else:
            await member.press(arg)
        await wait_until(standin, member, until)
        latencies.append((time.perf_counter() - t0, arg))


async def run_member_echo(standin, chat_id, latencies, think=None):
    """The same sequence of texts and button presses, answered by the echo bot."""
    member = standin.user(chat_id, "Bench", "en")
    expect = ""
    for i, (action, _, _) in enumerate(REPORT):
        await pause(think)
        t0 = time.perf_counter()
        if action == "send":
            expect = f"t{chat_id}.{i}"
            await member.send(expect)
        else:
            expect = expect + "+"
            await member.press("Next", message=member.messages[-1])
        await wait_until(standin, member, expect)
        latencies.append((time.perf_counter() - t0, REPORT[i][1]))


async def measure(name: str, command: list[str], env: dict, members: int, concurrent: int, first_chat: int, runner):
    standin = await StandIn(first_update_id=UPDATES_FROM).start()
    env = {
        **os.environ,
        **env,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "PYTHONPATH": str(ROOT),
    }
    launched = time.perf_counter()
    log = os.environ.get("BENCH_BOT_LOG")  # a file for the bot's own log (it has no terminal here)
    err = open(log, "ab") if log else asyncio.subprocess.DEVNULL
    proc = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=tempfile.mkdtemp(), stdout=asyncio.subprocess.DEVNULL, stderr=err
    )
    while not any(m == "getUpdates" for m, _ in standin.calls):
        await asyncio.sleep(0.01)
    startup = time.perf_counter() - launched
    print(f"[{name}: polling {startup:.2f} s after launch]", flush=True)
    _, startup_mb = proc_stats(proc.pid)
    # Warm up one member (imports, caches).
    await runner(standin, first_chat - 1, [])
    # The simulated members pile up objects; keep this process's garbage collector from pausing them
    # mid-measurement (it would be counted as the bot's latency).
    gc.collect()
    gc.disable()
    # Phase 1: people's pace, many at once: the latency a member feels.
    rng = random.Random(7)
    paced: list[float] = []
    await asyncio.gather(
        *(runner(standin, first_chat + members + i, paced, random.Random(rng.random())) for i in range(concurrent))
    )
    filing = sorted(t for t, arg in paced if arg == REPORT[-1][1])
    steps = sorted(t for t, arg in paced if arg != REPORT[-1][1])
    paced = sorted(t for t, _ in paced)
    # Phase 2: flat out, from a clean CPU reading: throughput and CPU per update.
    cpu0, _ = proc_stats(proc.pid)
    latencies: list[float] = []
    queue = list(range(first_chat, first_chat + members))
    t0 = time.perf_counter()

    async def worker():
        while queue:
            await runner(standin, queue.pop(), latencies)

    await asyncio.gather(*(worker() for _ in range(concurrent)))
    elapsed = time.perf_counter() - t0
    cpu1, peak = proc_stats(proc.pid)
    gc.enable()
    proc.terminate()
    await proc.wait()
    await standin.stop()
    updates = len(latencies)
    latencies = sorted(t for t, _ in latencies)
    return {
        "name": name,
        "updates": updates,
        "per_second": updates / elapsed,
        "p50_ms": statistics.median(paced) * 1000,
        "p99_ms": paced[int(len(paced) * 0.99) - 1] * 1000,
        "flat_p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "step_p99_ms": steps[int(len(steps) * 0.99) - 1] * 1000,
        "filing_p99_ms": filing[int(len(filing) * 0.99) - 1] * 1000,
        "cpu_ms_per_update": (cpu1 - cpu0) / updates * 1000,
        "peak_mb": peak,
        "startup_s": startup,
        "startup_mb": startup_mb,
    }


def carebot_env(db: Path) -> dict:
    return {"CAREBOT_DB": str(db), "CAREBOT_POLL_TIMEOUT": "1", "CAREBOT_LOG_LEVEL": "WARNING", "CAREBOT_RATE_LIMIT": "0"}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument(
        "--db-size", type=int, default=CAMPAIGN_SIZE, help="members and cases in the full database (0: empty only)"
    )
    parser.add_argument("--only", choices=("echo", "carebot"), help="run one bot on the full database (for profiling)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    if args.only == "carebot":
        care = await measure(
            "carebot",
            [sys.executable, "-m", "bot.cli", "run"],
            carebot_env(cached(args.db_size, work / "bench.db")),
            args.members,
            args.concurrent,
            2_000_000,
            run_member_carebot,
        )
        print(care)
        return
    echo = await measure(
        "echo bot (PTB, bare)",
        [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")],
        {},
        args.members,
        args.concurrent,
        1_000_000,
        run_member_echo,
    )
    runs = [echo]
    for label, size in sizes(args.db_size) if args.db_size else [("empty", 0)]:
        db = cached(size, work / f"bench-{size}.db")
        runs.append(
            await measure(
                f"carebot, {label}",
                [sys.executable, "-m", "bot.cli", "run"],
                carebot_env(db),
                args.members,
                args.concurrent,
                2_000_000,
                run_member_carebot,
            )
        )
    print(
        f"paced: {args.concurrent} members at once, 1-4 s between actions; flat out: {args.members} members, "
        f"{args.concurrent} at a time; {len(REPORT)} updates each\n"
    )
    print(
        f"{'bot':28} {'updates/s':>10} {'paced p50 ms':>13} {'paced p99 ms':>13} {'p99 per question':>17} "
        f"{'p99 filing':>11} {'flat-out p99 ms':>16} {'CPU ms/update':>14} {'peak MB':>8} {'start s':>8} {'MB at start':>12}"
    )
    for r in runs:
        print(
            f"{r['name']:28} {r['per_second']:10.1f} {r['p50_ms']:13.1f} {r['p99_ms']:13.1f} {r['step_p99_ms']:17.1f} "
            f"{r['filing_p99_ms']:11.1f} {r['flat_p99_ms']:16.1f} {r['cpu_ms_per_update']:14.2f} {r['peak_mb']:8.1f}"
            f" {r['startup_s']:8.2f} {r['startup_mb']:12.1f}"
        )
    print(
        "(p99 filing: from pressing Confirm to the last of the filing messages: reference and rights,"
        " complaint, complaint file, next steps; start s: launch to the first poll)"
    )
    empty = runs[1]
    print(f"\ncarebot (empty) / echo throughput: {empty['per_second'] / echo['per_second']:.2f}")
    if len(runs) == 3:
        full = runs[2]
        print(
            f"full / empty database: throughput {full['per_second'] / empty['per_second']:.2f}x (target >= 0.9),"
            f" CPU per update {full['cpu_ms_per_update'] / empty['cpu_ms_per_update']:.2f}x (target <= 1.2),"
            f" paced p99 {full['p99_ms'] / empty['p99_ms']:.2f}x ({full['p99_ms']:.0f} ms, target < 100 ms),"
            f" filing p99 {full['filing_p99_ms'] / empty['filing_p99_ms']:.2f}x"
        )


if __name__ == "__main__":
    asyncio.run(main())
