"""Wiring: the python-telegram-bot Application, built in one function from the settings."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, replace
from datetime import time as dtime
from typing import Callable

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
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

from bot.concurrency import PerChatUpdateProcessor
from bot.handlers import Services, on_error, on_event
from bot.http import AiohttpRequest
from bot.intake import Intake, poll, serve_webhook
from bot.jobs import run_job, run_purge
from bot.dispatch import Dispatcher, TelegramLimits
from bot.settings import Settings
from dialogs.catalog import LANGUAGES
from dialogs.commands import COMMANDS, DESK_COMMANDS
from dialogs.desk import DeskConfig
from dialogs.organizers import ORGANIZER_COMMANDS, Job
from storage.report import report_schedule
from dialogs.core import Core
from dialogs.parsing import warm_up
from knowledge.campaign import load_campaign
from storage.db import checkpoint_passive, open_db, stop_auto_checkpoints

logger = logging.getLogger(__name__)

DISPATCH_TICK_SECONDS = 1.0
CHECKPOINT_SECONDS = 5.0
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
    campaign = load_campaign(settings.campaign_path or None)
    if settings.timezone and settings.timezone != campaign.timezone:
        campaign = replace(campaign, timezone=settings.timezone)
    return Core(open_db(settings.db_path), campaign)


def build_application(settings: Settings, core: Core | None = None) -> Application:
    """The Application: settings in, handlers registered in order, services attached."""
    core = core or build_core(settings)
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
        .request(AiohttpRequest(connection_pool_size=HTTP_POOL_SIZE, read_timeout=settings.http_timeout,
                                write_timeout=settings.http_timeout, connect_timeout=settings.http_timeout))
        .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=settings.poll_timeout + 10))
        .build()
    )
    services: Services = app.bot_data
    services.core = core
    services.settings = settings
    core.configure_staff(admins=settings.admins, organizers=settings.organizers, organizers_chat=settings.organizers_chat)
    messages, seconds = settings.group_limit
    services.dispatcher = Dispatcher(core, app.bot, TelegramLimits(group_messages=messages, group_window=seconds),
                                     enforce_limits=bool(settings.rate_limit))

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
        await app.bot.set_my_commands([BotCommand(n, catalog.t("en", f"desk_command.{n}")) for n in DESK_COMMANDS],
                                      scope=BotCommandScopeChat(settings.desk_chat))
    except (TelegramError, TypeError, ValueError) as err:
        logger.warning("can't read the desk chat (%s); cards are posted without topics", type(err).__name__)
        is_forum = False
    services.core.configure_desk(DeskConfig.from_campaign(services.core.campaign, settings.desk_chat, is_forum=is_forum,
                                                          admins=settings.admins, organizers=settings.organizers))


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


async def _announcement_progress(context) -> None:
    if context.bot_data.core.announcements_progress():
        context.bot_data.dispatcher.wake()


async def _checkpoint(context) -> None:
    """Copy the WAL into the database file off the event loop (the fsync can take a while on a busy disk)."""
    path = context.bot_data.settings.db_path
    if path != ":memory:":
        await asyncio.to_thread(checkpoint_passive, path)


async def _wake_dispatcher(context) -> None:
    """The JobQueue only wakes the dispatcher: due work lives in the database."""
    context.bot_data.dispatcher.wake()


async def serve(settings: Settings, stop: asyncio.Event, *, core: Core | None = None, ready: asyncio.Event | None = None,
                hooks: Hooks | None = None) -> None:
    """Run the bot until `stop` is set: polling, or a webhook when one is configured."""
    hooks = hooks or Hooks()
    app = build_application(settings, core)
    services: Services = app.bot_data
    services.dispatcher.on_pass = hooks.dispatcher_pass
    warm_up()  # the first member to type a date shouldn't wait for dateparser to load
    # Everything loaded so far (dateparser's tables, the matchers, PTB) lives for the whole run:
    # keep it out of the garbage collector's full passes, which otherwise pause every reply.
    gc.collect()
    gc.freeze()
    async with app:
        await app.start()
        intake = Intake(app, services.core)
        intake.on_done = hooks.update_done
        dispatcher_stop = asyncio.Event()
        dispatching = None
        try:
            await _post_init(app)
            intake.replay_unhandled()
            dispatching = asyncio.create_task(services.dispatcher.run(dispatcher_stop, tick=hooks.tick))
            app.job_queue.run_repeating(_wake_dispatcher, interval=hooks.tick, first=hooks.tick, name="wake-dispatcher")
            app.job_queue.run_repeating(_announcement_progress, interval=hooks.announcements_every,
                                        first=hooks.announcements_every, name="announcement-progress")
            stop_auto_checkpoints(services.core.db)
            app.job_queue.run_repeating(_checkpoint, interval=CHECKPOINT_SECONDS, first=CHECKPOINT_SECONDS, name="wal-checkpoint")
            tz = services.core.campaign.tz
            daily_at = report_schedule(services.core.campaign).daily_at
            app.job_queue.run_daily(_daily_report, time=daily_at.replace(tzinfo=tz), name="daily-report")
            app.job_queue.run_daily(_nightly_purge, time=dtime(3, 30, tzinfo=tz), name="retention-purge")
            logger.info("carebot is running (%s)", "webhook" if settings.webhook_url else "polling")
            if hooks.started is not None:
                hooks.started(app)
            if ready is not None:
                ready.set()
            if settings.webhook_url:
                await serve_webhook(intake, stop, url=settings.webhook_url, listen=settings.webhook_listen,
                                    port=settings.webhook_port, secret=settings.webhook_secret)
            else:
                await poll(intake, stop, timeout=settings.poll_timeout)
        finally:
            await intake.drain()
            dispatcher_stop.set()
            services.dispatcher.wake()
            if dispatching is not None:
                await dispatching
            await app.stop()
