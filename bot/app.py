"""Wiring: the python-telegram-bot Application, built in one function from the settings."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, replace
from datetime import time as dtime
from typing import Callable

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.error import InvalidToken, TelegramError
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.backoff import Backoff
from bot.concurrency import PerChatUpdateProcessor
from bot.handlers import Services, on_error, on_event
from bot.health import HealthServer, MeteredRequest, Metrics
from bot.sender import set_training_mark
from bot.intake import Intake, call_until_it_works, poll, serve_webhook, truncate_wal, webhook_secret
from bot.jobs import run_job, run_purge, unfinished_jobs
from bot.dispatch import Dispatcher, TelegramLimits
from bot.settings import Settings
from dialogs.catalog import LANGUAGES
from dialogs.commands import COMMANDS, DESK_COMMANDS
from dialogs.desk import DeskConfig
from dialogs.organizers import ORGANIZER_COMMANDS, Job
from storage.backup import backup_schedule
from storage.clinic_report import report_schedule
from dialogs.core import Core
from dialogs.parsing import warm_up
from knowledge import screening
from knowledge.campaign import load_campaign
from storage import outbox as outbox_repo
from storage import updates as updates_repo
from storage.db import (
    JOURNAL_SIZE_LIMIT,
    checkpoint_passive,
    checkpoint_truncate,
    close_db,
    open_db,
    stop_auto_checkpoints,
    take_scrub_request,
    wal_size,
)

logger = logging.getLogger(__name__)

DISPATCH_TICK_SECONDS = 1.0
CHECKPOINT_SECONDS = 2.0
# A TRUNCATE checkpoint at least this often (and at once after an erasure, or when the WAL passes its limit).
TRUNCATE_SECONDS = 60.0
PRUNE_SECONDS = 3600.0
# Connections to the Bot API kept open at once.
HTTP_POOL_SIZE = 32


@dataclass
class Hooks:
    """What the test suite and the offline demo wait on instead of sleeping (production passes none)."""

    tick: float = DISPATCH_TICK_SECONDS  # the dispatcher's pass interval when nothing wakes it
    update_done: Callable[[int], None] | None = None  # an update was handled (its replies sent) or dropped as seen
    dispatcher_pass: Callable[[], None] | None = None  # the dispatcher finished a pass (due work sent)
    started: Callable[[Application], None] | None = None  # the bot is running (tests reach its dispatcher)
    announcements_every: float = 10.0  # seconds between checks of a long announcement's progress


def build_core(settings: Settings) -> Core:
    """The core with its database and campaign (no Telegram)."""
    # The safety screen's model loads now, not on a member's first message; if it can't, carebot
    # refuses to start (EmbeddingUnavailable says why) rather than screen with its rules alone.
    screening.load()
    campaign = load_campaign(settings.campaign_path or None)
    if settings.timezone and settings.timezone != campaign.timezone:
        campaign = replace(campaign, timezone=settings.timezone)
    core = Core(open_db(settings.db_path), campaign)
    if settings.clock_speed != 1:
        from dialogs.clock import FastClock

        settings.check_staging()  # a fast clock only on a training bot
        core.clock = FastClock(speed=settings.clock_speed)
    return core


def build_application(settings: Settings, core: Core | None = None) -> Application:
    """The Application: settings in, handlers registered in order, services attached."""
    core = core or build_core(settings)
    metrics = Metrics()
    app = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_url.replace("/bot", "/file/bot"))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .context_types(ContextTypes(bot_data=Services))
        # Our own intake records each update before confirming it (see bot/intake.py).
        .updater(None)
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .request(
            MeteredRequest(
                metrics,
                connection_pool_size=HTTP_POOL_SIZE,
                read_timeout=settings.http_timeout,
                write_timeout=settings.http_timeout,
                connect_timeout=settings.http_timeout,
            )
        )
        .get_updates_request(MeteredRequest(metrics, connection_pool_size=1, read_timeout=settings.poll_timeout + 10))
        .build()
    )
    services: Services = app.bot_data
    services.core = core
    services.settings = settings
    services.metrics = metrics
    core.configure_staff(admins=settings.admins, organizers=settings.organizers, organizers_chat=settings.organizers_chat)
    messages, seconds = settings.group_limit
    services.dispatcher = Dispatcher(
        core, app.bot, TelegramLimits(group_messages=messages, group_window=seconds), enforce_limits=bool(settings.rate_limit)
    )

    # 1. Commands, from the one command table (also the menu, see _post_init).
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.name, on_event, filters=filters.UpdateType.MESSAGE))
    # 2. Button presses (callback data is namespaced and checked by the core).
    app.add_handler(CallbackQueryHandler(on_event))
    # 3. Organizers' and the desk's commands (checked against the role of whoever sends them).
    for name in ORGANIZER_COMMANDS:
        if name not in {c.name for c in COMMANDS}:  # /report is both: the core tells them apart by role
            app.add_handler(CommandHandler(name, on_event, filters=filters.UpdateType.MESSAGE))
    for name in DESK_COMMANDS:
        app.add_handler(CommandHandler(name, on_event, filters=filters.ChatType.GROUPS & filters.UpdateType.MESSAGE))
    # 4. Everything else in a private chat: text, unknown commands, stickers, photos, voice, edits;
    #    and text in the desk group (relays to members, notes).
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE, on_event))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.TEXT, on_event))
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:
    """Menu commands per language, from the one command table; the desk, if there is one."""
    services: Services = app.bot_data
    catalog = services.core.catalog
    for lang in LANGUAGES:
        commands = [BotCommand(c.name, catalog.t(lang, f"command.{c.name}")) for c in COMMANDS if c.menu]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
    settings = services.settings
    if settings.desk_chat is None:
        logger.warning("no volunteer desk configured (CAREBOT_DESK_CHAT_ID): escalations are stored but not posted")
        return
    try:
        chat = await app.bot.get_chat(settings.desk_chat)
        is_forum = bool(getattr(chat, "is_forum", False))
        await app.bot.set_my_commands(
            [BotCommand(n, catalog.t("en", f"desk_command.{n}")) for n in DESK_COMMANDS],
            scope=BotCommandScopeChat(settings.desk_chat),
        )
    except (TelegramError, TypeError, ValueError) as err:
        logger.warning("can't read the desk chat (%s); cards are posted without topics", type(err).__name__)
        is_forum = False
    services.core.configure_desk(
        DeskConfig.from_campaign(
            services.core.campaign, settings.desk_chat, is_forum=is_forum, admins=settings.admins, organizers=settings.organizers
        )
    )


async def _daily_report(context) -> None:
    """The daily monitoring report, into the organizers' chat."""
    services: Services = context.bot_data
    chat = services.settings.organizers_chat
    if chat is None:
        return
    job = Job("report", chat, None, {"day": services.core.today().isoformat(), "public": False})
    await run_job(services.core, services.dispatcher, services.settings.db_path, job)


async def _nightly_purge(context) -> None:
    """Closed cases' personal data goes after the retention period."""
    services: Services = context.bot_data
    await run_purge(services.settings.db_path, services.core.campaign)


async def _nightly_backup(context) -> None:
    """Tonight's copy of the database into the campaign's [backups] dir; the oldest beyond `keep` go."""
    from storage.backup import BackupError, backup_schedule, nightly

    services: Services = context.bot_data
    schedule = backup_schedule(services.core.campaign)
    if schedule is None:  # scheduled only for a campaign with [backups]
        return
    try:
        result, deleted = await asyncio.to_thread(nightly, services.settings.db_path, schedule)
    except (BackupError, OSError) as err:
        logger.error("nightly backup failed: %s", err)
        return
    logger.info("nightly backup: %d cases, %d old backup(s) removed", result.cases, len(deleted))


async def _announcement_progress(context) -> None:
    if context.bot_data.core.announcements_progress():
        context.bot_data.dispatcher.wake()


async def _checkpoint(context) -> None:
    """Copy the WAL into the database file off the event loop (the fsync can take a while on a busy disk).

    Usually passive (never blocks a write). A TRUNCATE (which empties the -wal file, and with it the old
    versions of erased rows) runs after an erasure, when the WAL passes JOURNAL_SIZE_LIMIT, and every minute.
    """
    services: Services = context.bot_data
    path = services.settings.db_path
    if path == ":memory:":
        return
    loop = asyncio.get_running_loop()
    last = getattr(services, "last_truncate", 0.0)
    scrub = take_scrub_request(services.core.db)
    size = wal_size(path)
    if scrub or size > JOURNAL_SIZE_LIMIT or loop.time() - last >= TRUNCATE_SECONDS:
        started = loop.time()
        done = await truncate_wal(path)
        logger.debug(
            "WAL checkpoint (TRUNCATE) of %.1f MB: %s in %.0f ms",
            size / 2**20,
            "done" if done else "busy",
            (loop.time() - started) * 1000,
        )
        if done:
            services.last_truncate = loop.time()
        elif scrub:
            from storage.db import request_scrub

            request_scrub(services.core.db)  # next time
    else:
        await asyncio.to_thread(checkpoint_passive, path)


async def _prune(context) -> None:
    """Handled update ids after a week, set-aside updates after two, sent messages' rows after a month."""
    core = context.bot_data.core
    now = core.clock()
    with core.db.atomic():
        n_updates = updates_repo.prune(core.db, now)
        n_quarantine = updates_repo.prune_quarantine(core.db, now)
        n_outbox = outbox_repo.prune_sent(core.db, now)
    if n_updates or n_quarantine or n_outbox:
        logger.info("pruned %d update id(s), %d set-aside update(s), %d sent message row(s)", n_updates, n_quarantine, n_outbox)


async def _wake_dispatcher(context) -> None:
    """The JobQueue only wakes the dispatcher: due work lives in the database."""
    context.bot_data.dispatcher.wake()


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    core: Core | None = None,
    ready: asyncio.Event | None = None,
    backoff: Backoff | None = None,
    intake_ready=None,
    hooks: Hooks | None = None,
) -> None:
    """Run the bot until `stop` is set: polling, or a webhook when one is configured.

    Transient faults (the Bot API unreachable, 429, 409, a locked or full database) never end it:
    they are waited out with `backoff` (tests pass one with a fake sleep).
    """
    settings.check_staging()  # refuse a fast clock on a real campaign bot, before anything starts
    owns_core = core is None
    backoff = backoff or Backoff()
    hooks = hooks or Hooks()
    app = build_application(settings, core)
    services: Services = app.bot_data
    services.dispatcher.on_pass = hooks.dispatcher_pass
    set_training_mark(services.core.catalog.t("en", "staging.mark") if settings.staging else "")
    if settings.staging:
        logger.warning("staging bot: every message is marked as training; clock speed %g", settings.clock_speed)
    health = None
    if settings.health_port:
        try:
            health = await HealthServer(
                services.metrics, settings.db_path, clock=services.core.clock, webhook=bool(settings.webhook_url)
            ).start(settings.health_listen, settings.health_port)
        except OSError as err:
            logger.warning(
                "health endpoint not started on %s:%s (%s)", settings.health_listen, settings.health_port, type(err).__name__
            )
    try:
        await _serve(app, settings, stop, ready, backoff, intake_ready, hooks)
    finally:
        if health is not None:
            await health.stop()
        if settings.db_path != ":memory:":
            # Nothing of an erased member may stay in the -wal after a stop: empty it (and close, when it is ours).
            if owns_core:
                close_db(services.core.db, settings.db_path)
            else:
                await asyncio.to_thread(checkpoint_truncate, settings.db_path)


async def _serve(
    app: Application, settings: Settings, stop: asyncio.Event, ready, backoff: Backoff, intake_ready, hooks: Hooks
) -> None:
    services: Services = app.bot_data
    warm_up()  # the first member to type a date shouldn't wait for dateparser to load
    # Everything loaded so far (dateparser's tables, the matchers, PTB) lives for the whole run:
    # keep it out of the garbage collector's full passes, which otherwise pause every reply.
    gc.collect()
    gc.freeze()
    # Webhook mode never runs unauthenticated: a configured secret is checked, or one is generated.
    secret = webhook_secret(settings.webhook_secret) if settings.webhook_url else ""
    # The Bot API may be unreachable at start (network down, a restart of a local server): wait for it.
    try:
        await call_until_it_works("getMe", app.initialize, stop, backoff.child())
    except InvalidToken:
        # The library's message quotes the token: never let it reach a traceback.
        raise SystemExit("Telegram rejected the bot token (TELEGRAM_BOT_TOKEN): check it with @BotFather.") from None
    finally:
        if not app._initialized:  # noqa: SLF001 - stopped before the API was ever reached: close our HTTP sessions
            for request in (app.bot.request, app.bot._request[0]):  # noqa: SLF001
                await request.shutdown()
    if stop.is_set():
        if app._initialized:  # noqa: SLF001
            await app.shutdown()
        return
    async with app:
        await app.start()
        intake = Intake(app, services.core, db_path=settings.db_path, backoff=backoff)
        services.intake = intake
        if intake_ready is not None:
            intake_ready(intake)
        intake.on_done = hooks.update_done
        dispatcher_stop = asyncio.Event()
        dispatching = None
        try:
            await call_until_it_works("setMyCommands", lambda: _post_init(app), stop, backoff.child())
            intake.replay_unhandled()
            for job_id, job in unfinished_jobs(services.core):
                logger.info("delivering a %s interrupted by the last stop", job.kind)
                app.create_task(
                    run_job(services.core, services.dispatcher, settings.db_path, job, job_id), name=f"organizer-{job.kind}"
                )
            dispatching = asyncio.create_task(services.dispatcher.run(dispatcher_stop, tick=hooks.tick))
            job_queue = app.job_queue
            if job_queue is None:
                raise RuntimeError("python-telegram-bot was installed without its job queue (the [job-queue] extra)")
            job_queue.run_repeating(_wake_dispatcher, interval=hooks.tick, first=hooks.tick, name="wake-dispatcher")
            job_queue.run_repeating(
                _announcement_progress,
                interval=hooks.announcements_every,
                first=hooks.announcements_every,
                name="announcement-progress",
            )
            stop_auto_checkpoints(services.core.db)
            job_queue.run_repeating(_checkpoint, interval=CHECKPOINT_SECONDS, first=CHECKPOINT_SECONDS, name="wal-checkpoint")
            job_queue.run_repeating(_prune, interval=PRUNE_SECONDS, first=60, name="prune")
            tz = services.core.campaign.tz
            daily_at = report_schedule(services.core.campaign).daily_at
            job_queue.run_daily(_daily_report, time=daily_at.replace(tzinfo=tz), name="daily-report")
            job_queue.run_daily(_nightly_purge, time=dtime(3, 30, tzinfo=tz), name="retention-purge")
            backups = backup_schedule(services.core.campaign)
            if backups is not None and settings.db_path != ":memory:":
                hour, minute = (int(x) for x in backups.at.split(":"))
                job_queue.run_daily(_nightly_backup, time=dtime(hour, minute, tzinfo=tz), name="nightly-backup")
            logger.info("carebot is running (%s)", "webhook" if settings.webhook_url else "polling")
            if hooks.started is not None:
                hooks.started(app)
            if ready is not None:
                ready.set()
            if settings.webhook_url:
                await serve_webhook(
                    intake,
                    stop,
                    url=settings.webhook_url,
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                    secret=secret,
                    backoff=backoff.child(),
                )
            else:
                await poll(intake, stop, timeout=settings.poll_timeout, backoff=backoff.child())
        finally:
            await intake.drain()
            dispatcher_stop.set()
            services.dispatcher.wake()
            if dispatching is not None:
                await dispatching
            await app.stop()
