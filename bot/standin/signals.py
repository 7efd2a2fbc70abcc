"""Signals for tests and the demo: the bot's reports (`bot.app.Hooks`) and waits that end on an event."""

from __future__ import annotations

import asyncio
import time
from typing import Callable


# ---------------------------------------------------------------------------------------------
# Signals for tests and the demo: wait on events, never on a clock.
#
# A bot running in the same process (the test suite, the offline demo) reports back through
# `bot.app.Hooks`: each update it has handled (its replies sent) and each dispatcher pass. With
# those, "wait for the bot's answer" ends the moment the answer is complete, and "nothing more
# happens" is a fact (every update handled, the dispatcher looked again) rather than a pause.
# A bot in another process (the kill -9 tests) reports nothing: the test sets `handled_probe`
# (it reads that bot's database). With neither, FakeUser.settle waits for the chat to go quiet.


class BotSignals:
    """The stand-in's side of `bot.app.Hooks`, and waits that end on an event."""

    _changed: asyncio.Condition  # the server's: notified on every change (a long poll and `wait_for` wait on it)

    def _init_signals(self) -> None:
        self.tracks_handling = False  # True once an in-process bot reports handled updates
        self.handled: set[int] = set()
        self.pushed: list[int] = []  # update ids queued for the bot, in order
        self.dispatcher_passes = 0
        self._closing = False
        self._waiters: set[asyncio.Future] = set()
        # A bot in another process reports nothing; a test may tell how to see that it handled an update
        # (by reading its database): `settle` then waits for that, re-checking often, instead of for quiet.
        self.handled_probe: Callable[[int], bool] | None = None

    def _pulse(self) -> None:
        """Something happened: every `until` re-checks its condition."""
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def _pushed(self, update_id: int) -> None:
        self.pushed.append(update_id)
        self._pulse()

    # -- called by the bot (bot.app.Hooks)

    def update_done(self, update_id: int) -> None:
        """The bot handled an update (its replies are sent) or dropped it as seen before."""
        self.tracks_handling = True
        self.handled.add(update_id)
        self._pulse()

    def dispatcher_pass(self) -> None:
        """The bot's dispatcher finished a pass: what was due has been sent."""
        self.dispatcher_passes += 1
        self._pulse()

    # -- waiting

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "", *, recheck: float = 0.5) -> None:
        """Wait until `predicate()` holds, re-checking whenever the bot sends, edits, handles an update or
        finishes a dispatcher pass, and every `recheck` seconds: a safety net for changes nothing reports
        (a bot in another process writing its database)."""
        deadline = time.monotonic() + timeout
        loop = asyncio.get_running_loop()
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the bot did not do what was expected in time{': ' + what if what else ''}")
            fut = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, min(left, recheck))
            except asyncio.TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)

    def is_handled(self, update_id: int) -> bool:
        return update_id in self.handled or (self.handled_probe is not None and self.handled_probe(update_id))

    def all_handled(self, since: int = 0) -> bool:
        """Every update queued (from the `since`-th on) has been handled by the bot."""
        return all(u in self.handled for u in self.pushed[since:])

    async def handled_update(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot has handled this update (its replies are sent)."""
        await self.until(lambda: update_id in self.handled, timeout, f"update {update_id} handled")

    async def _release_polls(self) -> None:
        """On stop: a long poll in progress answers at once (no poll timeout paid at teardown)."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
