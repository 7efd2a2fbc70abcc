"""Running `carebot run` as a real process against the stand-in, and killing it with SIGKILL.

The processes are forked from a warmed-up parent (tests/bot_zygote.py): each is a real `carebot run`
with its own event loop, connections and database handle, without paying the imports every time."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """A `carebot run` process forked by the zygote (see tests/bot_zygote.py): kill it, wait for it."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    async def wait(self) -> int:
        """Until the process is gone (its pidfd becomes readable when it exits)."""
        if self.returncode is None:
            loop = asyncio.get_running_loop()
            gone = loop.create_future()
            loop.add_reader(self._pidfd, lambda: gone.done() or gone.set_result(None))
            try:
                await gone
            finally:
                loop.remove_reader(self._pidfd)
                os.close(self._pidfd)
            self.returncode = -1  # exited; its status went to the zygote (which lets the kernel reap it)
        return self.returncode


class _Zygote:
    """One warmed-up parent per test process, started on first use, ended when the tests end."""

    proc: subprocess.Popen | None = None

    @classmethod
    def spawn(cls, env: dict, cwd: Path, log: Path) -> BotProcess:
        if cls.proc is None or cls.proc.poll() is not None:
            cls.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.bot_zygote"],
                cwd=str(ROOT),
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                text=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            atexit.register(cls.close)
            if cls.proc.stdout.readline().strip() != "ready":
                raise RuntimeError("the bot zygote did not start")
        cls.proc.stdin.write(json.dumps({"env": env, "cwd": str(cwd), "log": str(log)}) + "\n")
        cls.proc.stdin.flush()
        return BotProcess(int(cls.proc.stdout.readline()))

    @classmethod
    def close(cls) -> None:
        if cls.proc is not None and cls.proc.poll() is None:
            cls.proc.stdin.close()
            cls.proc.wait(10)


async def start_bot_process(standin, db_path: Path, workdir: Path, extra_env: dict | None = None) -> BotProcess:
    """`carebot run` in its own process, against the stand-in."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "CAREBOT_DB": str(db_path),
        "CAREBOT_POLL_TIMEOUT": "1",
        "CAREBOT_LOG_LEVEL": "WARNING",
        "CAREBOT_RATE_LIMIT": "0",
        "CAREBOT_HEALTH_PORT": "0",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    standin.handled_probe = lambda update_id: handled_in_database(db_path, update_id)
    polls_before = sum(1 for m, _ in standin.calls if m == "getUpdates")
    if hasattr(os, "pidfd_open"):  # Linux: fork from the warmed-up parent
        proc = _Zygote.spawn(env, workdir, workdir / "bot.log")
    else:  # elsewhere: `carebot run` from scratch
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=str(workdir),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=open(workdir / "bot.log", "ab"),
        )
    await standin.wait_for(lambda: sum(1 for m, _ in standin.calls if m == "getUpdates") > polls_before, 30)
    return proc


def kill_9(proc: BotProcess) -> None:
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
