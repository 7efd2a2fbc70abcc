"""Benchmark: the write-ahead log stays bounded while 200 members file reports at once.

carebot runs as its own process (`carebot run`) against the local stand-in; --concurrent
simulated members at a time file full reports flat out (the report_throughput members),
--members reports in all. Every 100 ms the size of carebot.db-wal is sampled. Printed:
the largest -wal seen, the -wal at the end, the database size, reports filed, and the
-wal after the bot stops (it checkpoints with TRUNCATE and closes its connection).

    .venv/bin/python benchmarks/wal_bound.py [--members 600] [--concurrent 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report_throughput import run_member_carebot  # noqa: E402
from bot.standin import StandIn  # noqa: E402
from storage.db import JOURNAL_SIZE_LIMIT  # noqa: E402


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    db = workdir / "carebot.db"
    wal = Path(str(db) + "-wal")
    standin = await StandIn().start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "PYTHONPATH": str(ROOT),
        "CAREBOT_DB": str(db),
        "CAREBOT_POLL_TIMEOUT": "1",
        "CAREBOT_LOG_LEVEL": "WARNING",
        "CAREBOT_RATE_LIMIT": "0",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    while not any(m == "getUpdates" for m, _ in standin.calls):
        await asyncio.sleep(0.05)
    samples: list[int] = []
    done = asyncio.Event()

    async def sample():
        while not done.is_set():
            samples.append(size(wal))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    queue = list(range(3_000_000, 3_000_000 + args.members))
    t0 = time.perf_counter()

    async def worker():
        while queue:
            await run_member_carebot(standin, queue.pop(), [])

    await asyncio.gather(*(worker() for _ in range(args.concurrent)))
    elapsed = time.perf_counter() - t0
    done.set()
    await sampler
    during_end = size(wal)
    proc.terminate()
    await proc.wait()
    await standin.stop()
    conn = sqlite3.connect(db)
    filed = conn.execute("SELECT count(*) FROM cases WHERE status != 'draft'").fetchone()[0]
    conn.close()
    mb = 1024 * 1024
    print(f"{args.members} reports, {args.concurrent} members at once, {elapsed:.0f} s; {filed} filed")
    print(f"-wal largest seen: {max(samples) / mb:.1f} MB (limit after a checkpoint: {JOURNAL_SIZE_LIMIT / mb:.0f} MB)")
    print(f"-wal at the end of the load: {during_end / mb:.1f} MB; database: {size(db) / mb:.1f} MB")
    print(f"-wal after the bot stopped: {'absent' if not wal.exists() else f'{size(wal)} bytes'}")


if __name__ == "__main__":
    asyncio.run(main())
