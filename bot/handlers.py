"""Handlers: read the update, call the core, send what it returns. A few lines each."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.backoff import Backoff, transient_db_error
from bot.convert import refused_button, to_event
from bot.jobs import record_job, run_job
from dialogs.core import Core

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher
    from bot.health import Metrics
    from bot.intake import Intake
    from bot.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """What handlers need, reached as `context.bot_data` (typed, not a dict of strings).

    python-telegram-bot makes it empty (`Services()`); `build_application` sets the core, the dispatcher,
    the settings and the metrics before any handler runs. The intake comes once the bot has started."""

    core: Core = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    settings: Settings = field(init=False)
    metrics: Metrics = field(init=False)
    intake: Intake | None = None
    last_truncate: float = 0.0


CareContext = CallbackContext[ExtBot, dict, dict, Services]


async def on_event(update: Update, context: CareContext) -> None:
    """Every private-chat update: one event for the core, then its replies."""
    services = context.bot_data
    refusal = refused_button(update)
    if refusal is not None:
        # Nothing reaches the dialogs; the attempt is audited (who, and why: never the data itself).
        services.core.refuse_button(update.effective_user.id if update.effective_user else None, refusal)
        logger.warning("update %s: a button press was refused (%s)", update.update_id, refusal)
        await answer_button(update, "")
        return
    event = to_event(update)
    if event is None:
        return
    started = time.perf_counter()
    outcome = await handle_patiently(services, event)
    # Written down before anything awaits: a stop from here on still delivers them at the next start.
    jobs = [(record_job(services.core, job), job) for job in outcome.jobs]
    if update.callback_query is not None:
        await answer_button(update, outcome.toast, outcome.alert)
    await services.dispatcher.deliver_now(outcome.outbox_ids)
    if services.metrics is not None:
        services.metrics.observe_update(event.kind, time.perf_counter() - started)
    for job_id, job in jobs:
        context.application.create_task(
            run_job(services.core, services.dispatcher, services.settings.db_path, job, job_id), name=f"organizer-{job.kind}"
        )


# A database another process holds locked (past SQLite's own 5 s wait) or a full disk: the turn is rolled
# back whole, so it is tried again after a backoff (about 30 s in all) before the member is told sorry.
DB_RETRIES = 7


async def handle_patiently(services: Services, event):
    """The core's outcome for an event; transient database faults are waited out without blocking anyone else."""
    backoff = services.intake.backoff.child(base=0.25, cap=10.0, track=False) if services.intake else Backoff(0.25, 10.0)
    for attempt in range(DB_RETRIES + 1):
        try:
            return services.core.handle(event)
        except Exception as err:  # noqa: BLE001 - a bug must still end in an apology, never in silence
            if transient_db_error(err) and attempt < DB_RETRIES:
                delay = await backoff.wait()
                logger.warning("update %s: database unavailable (%s); trying again in %.1fs", event.update_id, err, delay)
                continue
            logger.exception("update %s (%s) failed in the core", event.update_id, event.kind)
            return services.core.handle_failure(event)


async def answer_button(update: Update, toast: str, alert: bool = False) -> None:
    """Stop the button's spinner (best effort: an old query can't be answered any more)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(toast or None, show_alert=alert)
    except TelegramError as err:
        logger.debug("callback answer failed: %s", type(err).__name__)


async def on_error(update: object, context: CareContext) -> None:
    """Log errors by update id and type only: never what a member wrote."""
    update_id = update.update_id if isinstance(update, Update) else None
    err = context.error
    logger.error(
        "error handling update %s: %s",
        update_id,
        type(err).__name__,
        exc_info=(type(err), err, err.__traceback__) if err else None,
    )
