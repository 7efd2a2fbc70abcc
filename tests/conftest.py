"""Shared fixtures: a local Telegram stand-in and the real Application running against it.

Nothing here sleeps. The bot runs in this process and reports through `bot.app.Hooks` when it
has handled an update and when its dispatcher finished a pass; the stand-in turns those into
waits that end the moment the bot is done (see `BotSignals` in bot/standin/signals.py). Moving the
test clock wakes the dispatcher, so due check-ins go out at once instead of at the next tick.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import dialogs.services
from bot.app import Hooks, build_core, serve
from bot.settings import Settings
from bot.standin import StandIn
from dialogs.clock import FastClock
from dialogs.core import Core
from storage.db import open_db

# ------------------------------------------------------------------ loaded once per test process
# Every Core reads the catalogs and the knowledge base and builds the retriever (its embeddings take
# a second or two; in ~100 tests); none of them changes after loading, so tests share one of each.
# (Tests of the loaders themselves import them from knowledge/ and dialogs/ directly: not cached.)


@functools.cache
def _knowledge_base():
    return _load_knowledge_base()


_retrievers: dict = {}


def _retriever(kb, **kw):
    key = (id(kb), tuple(sorted(kw.items())))
    if key not in _retrievers:
        _retrievers[key] = (kb, _Retriever(kb, **kw))  # keeps kb alive: its id stays its own
    return _retrievers[key][1]


_load_knowledge_base, _Retriever, _Catalog = (
    dialogs.services.load_knowledge_base,
    dialogs.services.Retriever,
    dialogs.services.Catalog,
)


class _SharedCatalog(_Catalog):
    @staticmethod
    @functools.cache
    def _load(defaults: tuple) -> _Catalog:
        return _Catalog.load(defaults=dict(defaults))

    @classmethod
    def load(cls, directory=None, defaults=None):
        if directory is not None:
            return _Catalog.load(directory, defaults)
        return cls._load(tuple(sorted((defaults or {}).items())))


dialogs.services.load_knowledge_base = lambda *a, **kw: _knowledge_base() if not a and not kw else _load_knowledge_base(*a, **kw)
dialogs.services.Retriever = _retriever
dialogs.services.Catalog = _SharedCatalog


@functools.cache
def _migrated_template() -> Path:
    """An empty database with every migration applied, made once; each test's database starts as a copy."""
    folder = Path(tempfile.mkdtemp(prefix="carebot-template-"))
    atexit.register(shutil.rmtree, folder, True)
    db = open_db(folder / "template.db")
    db.conn.close()
    return folder / "template.db"


# The dispatcher's pass interval in tests (production: 1 s). Moving the clock and every reply wake it
# anyway; the tick only paces retries after a refused send (backoff, 429) and other background work.
TEST_TICK = 0.1


class FakeClock(FastClock):
    """Tests set the time; it then runs on (see dialogs/clock.py). Moving it wakes the bot's dispatcher."""

    def __init__(self, start: datetime | None = None, speed: float = 1.0):
        super().__init__(start, speed)
        self.on_move: list = []

    def set(self, now: datetime, speed: float | None = None) -> None:
        super().set(now, speed)
        self._moved()

    def advance(self, delta: timedelta) -> None:
        super().advance(delta)
        self._moved()

    def _moved(self) -> None:
        for callback in self.on_move:
            callback()


# Tuesday, November 24, 2026, 10:00 in Los Angeles.
TUESDAY_MORNING = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


@dataclass
class RunningBot:
    standin: StandIn
    core: Core
    settings: Settings
    clock: FakeClock
    app: object = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None

    @property
    def db(self):
        return self.core.db

    @property
    def dispatcher(self):
        return self.app.bot_data.dispatcher

    async def quiet(self, passes: int = 2, timeout: float = 10.0) -> None:
        """Wait until nothing more is coming: every update handled, then `passes` full dispatcher passes
        that began after this call (what was due at the clock's time has been sent)."""
        standin = self.standin
        await standin.until(standin.all_handled, timeout, "every update handled")
        target = standin.dispatcher_passes + passes + 1  # the pass in progress may have begun before this call
        while standin.dispatcher_passes < target:
            seen = standin.dispatcher_passes
            self.dispatcher.wake()
            await standin.until(lambda: standin.dispatcher_passes > seen, timeout, "a dispatcher pass")

    async def shutdown(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)


async def start_bot(
    standin: StandIn, settings: Settings, *, core: Core | None = None, clock: FastClock | None = None
) -> RunningBot:
    """The real carebot Application polling the stand-in, reporting back through its hooks."""
    core = core or build_core(settings)
    if clock is not None:
        core.clock = clock
    started: list = []
    hooks = Hooks(
        tick=TEST_TICK,
        update_done=standin.update_done,
        dispatcher_pass=standin.dispatcher_pass,
        started=started.append,
        announcements_every=TEST_TICK,
    )
    standin.tracks_handling = True
    bot = RunningBot(standin, core, settings, core.clock)
    ready = asyncio.Event()
    bot.task = asyncio.create_task(serve(settings, bot.stop, core=core, ready=ready, hooks=hooks))
    ready_wait = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({ready_wait, bot.task}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if ready_wait not in done:
        ready_wait.cancel()
        if bot.task.done():
            bot.task.result()  # the bot failed to start: show why
        raise TimeoutError("the bot did not start")
    bot.app = started[0]
    if isinstance(core.clock, FakeClock):
        core.clock.on_move.append(bot.dispatcher.wake)
    return bot


@pytest.fixture
async def standin():
    server = await StandIn().start()
    yield server
    await server.stop()


def bot_settings(standin: StandIn, db_path, **overrides) -> Settings:
    """Settings for a bot on the stand-in. Flood limits are off unless a test is about them.
    A database file not there yet starts as a copy of an empty migrated one (migrations run once)."""
    if not Path(db_path).exists() and Path(db_path).parent.is_dir():
        # (A database in a directory not made yet is left to open_db, which makes it private: 0700.)
        shutil.copyfile(_migrated_template(), db_path)
    values = {
        "token": standin.token,
        "api_base_url": standin.base_url,
        "db_path": str(db_path),
        "poll_timeout": 1,
        "rate_limit": 0,
        "health_port": 0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
async def running_bot(standin, tmp_path):
    """The real carebot Application polling the stand-in, with a fixed clock."""
    bot = await start_bot(standin, bot_settings(standin, tmp_path / "carebot.db"), clock=FakeClock(TUESDAY_MORNING))
    yield bot
    await bot.shutdown()


@pytest.fixture
async def telegram_bot(standin, tmp_path):
    """The same as `running_bot`, for the Telegram-side tests of a module whose dialog tests run on `core_bot`."""
    bot = await start_bot(standin, bot_settings(standin, tmp_path / "carebot.db"), clock=FakeClock(TUESDAY_MORNING))
    yield bot
    await bot.shutdown()


@pytest.fixture
def core_bot(tmp_path):
    """The core in-process with no Telegram in between (tests/core_chat.py), for tests of the dialogs
    themselves: the same database, campaign and fixed clock as `running_bot`, the same member moves."""
    from tests.core_chat import CoreBot

    settings = Settings(db_path=str(tmp_path / "carebot.db"))
    shutil.copyfile(_migrated_template(), settings.db_path)
    core = build_core(settings)
    core.configure_staff(admins=settings.admins, organizers=settings.organizers, organizers_chat=settings.organizers_chat)
    core.clock = FakeClock(TUESDAY_MORNING)
    bot = CoreBot(core, core.clock)
    bot.settings = settings
    yield bot
    core.db.conn.close()
