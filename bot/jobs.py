"""Organizers' heavy work, off the event loop: exports, the monitoring report with its charts, retention.

Each job opens its own database connection in a worker thread (long reads must not
interleave with the bot's transactions on its connection), then hands the files to
the core, which queues them in the outbox like any other message.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from datetime import date, datetime, timezone

from dialogs.organizers import Job
from knowledge.campaign import Campaign
from storage.db import close_db, open_db

logger = logging.getLogger(__name__)

TELEGRAM_FILE_LIMIT = 50 * 1024 * 1024


def _export(db_path: str, campaign: Campaign, params: dict, today: date):
    from storage.export import export_cases

    db = open_db(db_path, migrate=False)
    try:
        return export_cases(
            db,
            campaign,
            fmt=params.get("fmt", "csv"),
            since=date.fromisoformat(params["since"]) if params.get("since") else None,
            until=date.fromisoformat(params["until"]) if params.get("until") else None,
            facility=params.get("facility"),
            status=params.get("status"),
            include_contact=bool(params.get("include_contact")),
            today=today,
        )
    finally:
        db.conn.close()


def _report(db_path: str, campaign: Campaign, day: date, public: bool) -> tuple[list[str], list[tuple[str, bytes, str]]]:
    from bot.charts import render_charts
    from bot.message_split import split_message
    from dialogs.monitor_report import render_report_text
    from storage.clinic_report import build_report, report_schedule

    db = open_db(db_path, migrate=False)
    try:
        report = build_report(db, campaign, day=day, public=public, small_count=report_schedule(campaign).small_count)
        texts = split_message(render_report_text(report, "en"))
        with tempfile.TemporaryDirectory() as out:
            photos = [(p.name, p.read_bytes(), "") for p in render_charts(db, report, out)]
        return texts, photos
    finally:
        db.conn.close()


def _purge(db_path: str, campaign: Campaign) -> str:
    from storage.retention import purge, retention_days

    db = open_db(db_path, migrate=False)
    try:
        result = purge(db, now=datetime.now(timezone.utc), days=retention_days(campaign), dry_run=False)
        return (
            f"{result.cases_scrubbed} case(s) scrubbed, {result.events_scrubbed} log entries, "
            f"{result.desk_notes_deleted} desk note(s), {result.members_erased} member(s) erased"
        )
    finally:
        close_db(db, db_path)  # TRUNCATE: the purged rows' old versions leave the -wal too


def record_job(core, job: Job) -> int:
    """Write the job down before it starts (see Organizers.record_job)."""
    return core.record_job(job)


def unfinished_jobs(core) -> list[tuple[int, Job]]:
    """Jobs recorded but never delivered (the process stopped mid-job)."""
    return core.unfinished_jobs()


async def run_job(core, dispatcher, db_path: str, job: Job, job_id: int | None = None) -> None:
    """Run one organizer job and send what it made (or why it failed); audited once its files are queued."""
    if job_id is None:
        job_id = record_job(core, job)
    core.job_started(job_id)
    st = core.catalog.t
    try:
        if job.kind == "export":
            result = await asyncio.to_thread(_export, db_path, core.campaign, job.params, core.today())
            if len(result.content) > TELEGRAM_FILE_LIMIT:
                ids = core.enqueue_files(job.chat_id, texts=[st("en", "organizers.too_big", mb=len(result.content) // 2**20)])
            else:
                ids = core.enqueue_files(
                    job.chat_id,
                    documents=[
                        (result.filename, result.content, st("en", "organizers.export_caption", rows=result.rows)),
                        (result.dictionary_filename, result.dictionary, ""),
                    ],
                )
        elif job.kind == "report":
            texts, photos = await asyncio.to_thread(
                _report, db_path, core.campaign, date.fromisoformat(job.params["day"]), bool(job.params.get("public"))
            )
            ids = core.enqueue_files(job.chat_id, texts=texts, photos=photos)
        else:
            return
    except ValueError as err:  # ExportError: an unknown facility or status
        ids = core.enqueue_files(job.chat_id, texts=[st("en", "organizers.export_failed", reason=str(err))])
    core.job_delivered(job_id, job)
    logger.info("%s job done for chat %s", job.kind, job.chat_id)
    await dispatcher.deliver_now(ids)


async def run_purge(db_path: str, campaign: Campaign) -> None:
    summary = await asyncio.to_thread(_purge, db_path, campaign)
    logger.info("retention purge: %s", summary)
