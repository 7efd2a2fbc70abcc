"""Capped, jittered exponential backoff for transient faults; it resets on the first success.

Every wait goes through `sleep`, which tests replace, and stops early when the bot is
asked to stop, so a shutdown never waits out a long backoff.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from typing import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


def transient_db_error(err: BaseException) -> bool:
    """A locked or busy database, or a full disk: conditions that pass by themselves."""
    if not isinstance(err, sqlite3.OperationalError):
        return False
    text = str(err).lower()
    return any(s in text for s in ("locked", "busy", "disk is full", "database or disk is full", "disk i/o"))


class Backoff:
    """delay(n) = min(cap, base * 2**n), times a random factor in [0.5, 1] (so instances don't retry in step)."""

    def __init__(
        self, base: float = 0.5, cap: float = 60.0, *, sleep: Sleep | None = None, rng: Callable[[], float] = random.random
    ):
        self.base, self.cap = base, cap
        self._sleep = sleep or asyncio.sleep
        self._rng = rng
        self.failures = 0
        self.waits: list[float] = []  # every wait, for tests and the log
        self.children: list[Backoff] = []

    def next_delay(self) -> float:
        raw = min(self.cap, self.base * 2 ** min(self.failures, 30))
        self.failures += 1
        return raw * (0.5 + self._rng() / 2)

    def reset(self) -> None:
        self.failures = 0

    def child(self, *, base: float | None = None, cap: float | None = None, track: bool = True) -> "Backoff":
        """A fresh backoff with the same sleep (one per kind of fault); `track=False` for short-lived ones."""
        child = Backoff(self.base if base is None else base, self.cap if cap is None else cap, sleep=self._sleep, rng=self._rng)
        if track:
            self.children.append(child)
        return child

    async def wait(self, stop: asyncio.Event | None = None, *, at_least: float = 0.0) -> float:
        """Wait the next delay (or `at_least`, e.g. Telegram's retry_after, if longer); return it."""
        delay = max(self.next_delay(), at_least)
        self.waits.append(delay)
        if stop is None:
            await self._sleep(delay)
            return delay
        sleeper = asyncio.ensure_future(self._sleep(delay))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
        return delay
