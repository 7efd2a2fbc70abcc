"""An organizer's export or report interrupted by a stop is delivered after the restart, and audited when delivered."""

from __future__ import annotations

import asyncio

from bot.jobs import record_job
from dialogs.organizers import Job
from storage import audit
from tests.conftest import TUESDAY_MORNING, FakeClock, bot_settings
from tests.flows import file_case

ORGANIZER = 42


def deliveries(db) -> list[tuple]:
    return [(e.actor, e.detail) for e in audit.entries(db) if e.action == "job_delivered"]


async def test_an_export_cut_off_by_a_stop_is_delivered_at_the_next_start(standin, tmp_path):
    from bot.app import build_core, serve

    settings = bot_settings(standin, tmp_path / "carebot.db", organizer_ids=str(ORGANIZER))
    core = build_core(settings)
    core.clock = FakeClock(TUESDAY_MORNING)
    # The organizer asked for /export; the process stopped before the file went out.
    job_id = record_job(core, Job("export", ORGANIZER, ORGANIZER, {"fmt": "csv"}))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 15)
        await standin.wait_for(lambda: len([m for m in standin.bot_messages(ORGANIZER) if m.document]) == 2, 20)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    assert core.db.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0
    assert deliveries(core.db) == [(ORGANIZER, f"export job {job_id}")]


async def test_an_export_asked_in_telegram_leaves_no_job_behind_and_is_audited_as_delivered(standin, tmp_path):
    from tests.fault_helpers import faulty_bot

    async with faulty_bot(standin, tmp_path, organizer_ids=str(ORGANIZER)) as bot:
        await file_case(standin.user(8801))
        await standin.user(ORGANIZER, "Olga").send("/export csv")
        await standin.wait_for(lambda: len([m for m in standin.bot_messages(ORGANIZER) if m.document]) == 2, 20)
        await standin.wait_for(lambda: bool(deliveries(bot.core.db)), 10)
        assert bot.core.db.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0
        assert [e.action for e in audit.entries(bot.core.db) if e.actor == ORGANIZER] == ["export", "job_delivered"]
