"""Time, injectable: the real clock, or one that runs faster (tests and the demo run a day in a second)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone


def utcnow() -> datetime:
    """The real time, in UTC."""
    return datetime.now(timezone.utc)


class FastClock:
    """Starts at `start` and runs at `speed` times real time; tests can also jump it."""

    def __init__(self, start: datetime | None = None, speed: float = 1.0):
        self.base = start or utcnow()
        self.speed = speed
        self.t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.base + timedelta(seconds=(time.monotonic() - self.t0) * self.speed)

    def set(self, now: datetime, speed: float | None = None) -> None:
        """Jump to `now` (and change speed)."""
        self.base, self.t0 = now, time.monotonic()
        if speed is not None:
            self.speed = speed

    def advance(self, delta: timedelta) -> None:
        self.base += delta
