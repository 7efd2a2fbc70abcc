"""Running `carebot run` as a real process against the stand-in, and killing it with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def start_bot_process(standin, db_path: Path, workdir: Path, extra_env: dict | None = None) -> asyncio.subprocess.Process:
    """`carebot run` in its own process, against the stand-in."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "CAREBOT_DB": str(db_path),
        "CAREBOT_POLL_TIMEOUT": "1",
        "CAREBOT_LOG_LEVEL": "WARNING",
        "CAREBOT_RATE_LIMIT": "0",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    standin.handled_probe = lambda update_id: handled_in_database(db_path, update_id)
    polls_before = sum(1 for m, _ in standin.calls if m == "getUpdates")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=str(workdir), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=open(workdir / "bot.log", "ab"),
    )
    await standin.wait_for(lambda: sum(1 for m, _ in standin.calls if m == "getUpdates") > polls_before, 30)
    return proc


def kill_9(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGKILL)


def handled_in_database(db_path: Path, update_id: int) -> bool:
    """The bot process has handled this update and sent its replies (nothing left in its outbox)."""
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        row = con.execute("SELECT status FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
        unsent = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet
        return False
    finally:
        con.close()
    return row is not None and row[0] != "received" and unsent == 0


def _idle_in_database(standin, db_path: Path) -> bool:
    """The bot process has handled every update the stand-in queued and has nothing waiting to be sent."""
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        done = {r[0] for r in con.execute("SELECT update_id FROM processed_updates WHERE status != 'received'")}
        unsent = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet
        return False
    finally:
        con.close()
    return all(u in done for u in standin.pushed) and unsent == 0 and not standin._updates


async def process_idle(standin, db_path: Path, timeout: float = 20) -> None:
    """Wait until the bot process is done with everything it was sent (it reports nothing back: read its database).
    A second handling of an update, or a second copy of a message, would have happened by then."""
    await standin.until(lambda: _idle_in_database(standin, db_path), timeout, "the bot process idle", recheck=0.05)
