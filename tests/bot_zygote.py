"""A warmed-up parent for `carebot run` processes (the kill -9 tests).

Starting `carebot run` from scratch costs about a second of CPU (imports, dateparser's tables)
before the bot's first poll, and the kill -9 tests start it ten times. This process pays that
once: it imports the bot, then for each request (one JSON line on stdin: env, cwd, log file)
forks a child that runs `carebot run` exactly as the command does (settings from that
environment, its own event loop, database and connections) and writes the child's pid on
stdout. The child is a real process: the tests kill it with SIGKILL and start another.

Run as `python -m tests.bot_zygote`; it exits when stdin closes. It reaps its children as they
exit; the test side learns of their exit through a pidfd.
"""

from __future__ import annotations

import json
import os
import signal
import sys

# No native thread pools before fork (OpenBLAS starts one when numpy is imported).
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import bot.app  # noqa: E402,F401 - what `carebot run` imports, loaded once here
import bot.cli  # noqa: E402
from dialogs.parsing import warm_up  # noqa: E402


def _child(request: dict) -> None:
    """Become `carebot run` (never returns)."""
    code = 1
    try:
        os.setpgrp()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDWR)
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(log, 2)
        try:
            bot.cli.main(["run"], standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - report and exit: never return into the zygote's loop
        import traceback

        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


def _reap(*_) -> None:
    """Collect exited children (so their CPU time counts toward this process's, and the test run's)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    warm_up()
    signal.signal(signal.SIGCHLD, _reap)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        out.write(f"{pid}\n")
        out.flush()


if __name__ == "__main__":
    main()
