"""Shared fixtures: a local Telegram stand-in and the real Application running against it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from bot.app import build_core, serve
from bot.settings import Settings
from bot.standin import StandIn
from dialogs.clock import FastClock
from dialogs.core import Core


# Tests set the time; it then runs on (see dialogs/clock.py).
FakeClock = FastClock


# Tuesday, November 24, 2026, 10:00 in Los Angeles.
TUESDAY_MORNING = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


@dataclass
class RunningBot:
    standin: StandIn
    core: Core
    settings: Settings
    clock: FakeClock

    @property
    def db(self):
        return self.core.db


@pytest.fixture
async def standin():
    server = await StandIn().start()
    yield server
    await server.stop()


def bot_settings(standin: StandIn, db_path, **overrides) -> Settings:
    """Settings for a bot on the stand-in. Flood limits are off unless a test is about them."""
    values = {"token": standin.token, "api_base_url": standin.base_url, "db_path": str(db_path), "poll_timeout": 1,
              "rate_limit": 0, "health_port": 0, **overrides}
    return Settings(**values)


@pytest.fixture
async def running_bot(standin, tmp_path):
    """The real carebot Application polling the stand-in, with a fixed clock."""
    settings = bot_settings(standin, tmp_path / "carebot.db")
    clock = FakeClock(TUESDAY_MORNING)
    core = build_core(settings)
    core.clock = clock
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 15)
    yield RunningBot(standin, core, settings, clock)
    stop.set()
    await asyncio.wait_for(task, 15)
