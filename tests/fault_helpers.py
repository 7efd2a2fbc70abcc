"""Running the real bot on the stand-in with a backoff whose waits are recorded and tiny."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from bot.app import build_core, serve
from bot.backoff import Backoff
from tests.conftest import TUESDAY_MORNING, FakeClock, bot_settings


@dataclass
class Faulty:
    core: object
    settings: object
    backoff: Backoff
    task: asyncio.Task
    intakes: list = field(default_factory=list)

    @property
    def intake(self):
        return self.intakes[-1]


def quick_backoff() -> Backoff:
    """Real backoff arithmetic; each wait is recorded (`waits`) and actually lasts a few milliseconds."""

    async def tiny(_delay: float) -> None:
        await asyncio.sleep(0.005)

    return Backoff(base=0.5, cap=60.0, sleep=tiny)


async def wait_until(predicate, timeout: float = 10.0) -> None:
    """Wait for a condition the bot brings about (checked every few milliseconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def faulty_bot(standin, tmp_path, *, wait_ready: bool = True, core_setup=None, **overrides):
    db_path = overrides.pop("db_path", tmp_path / "carebot.db")
    settings = bot_settings(standin, db_path, **overrides)
    core = build_core(settings)
    core.clock = FakeClock(TUESDAY_MORNING)
    if core_setup:
        core_setup(core)
    backoff = quick_backoff()
    stop, ready = asyncio.Event(), asyncio.Event()
    intakes: list = []
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready, backoff=backoff, intake_ready=intakes.append))
    bot = Faulty(core, settings, backoff, task, intakes)
    try:
        if wait_ready:
            await asyncio.wait_for(ready.wait(), 15)
        yield bot
        assert not task.done(), "the bot exited on a transient fault"
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
