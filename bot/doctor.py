"""`carebot doctor`: is everything carebot needs in place? One line per check, and the fix in plain words.

It asks Telegram (getMe, getWebhookInfo, getChat, getChatMember) and looks at
the settings, the campaign file, the database file, the disk, the screening
model and the clock. It changes nothing. The exit code is 0 only when every
check passes, so a service manager or a deploy script can run it first.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.http import AiohttpRequest
from bot.settings import Settings
from storage.monitoring import schema_version_of, writable

__all__ = ["Check", "run_doctor", "diagnose"]

MIN_FREE_BYTES = 1 * 2**30  # a campaign's database and its backups need room to grow
MIN_FREE_SHARE = 0.05


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _fail(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


async def _telegram_checks(settings: Settings) -> list[Check]:
    if not settings.token:
        return [
            _fail(
                "Telegram token",
                "TELEGRAM_BOT_TOKEN is empty (without it `carebot run` starts the offline demo).",
                "Create a bot with @BotFather and put its token in .env as TELEGRAM_BOT_TOKEN=...",
            )
        ]
    request = AiohttpRequest(
        connection_pool_size=2,
        read_timeout=settings.http_timeout,
        write_timeout=settings.http_timeout,
        connect_timeout=settings.http_timeout,
    )
    bot = Bot(settings.token, base_url=settings.api_base_url, request=request, get_updates_request=request)
    checks: list[Check] = []
    try:
        try:
            await bot.initialize()
            me = await bot.get_me()
        except InvalidToken:
            return [
                _fail(
                    "Telegram token",
                    "Telegram refused the token (401 Unauthorized).",
                    "Copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN.",
                )
            ]
        except NetworkError as err:
            return [
                _fail(
                    "Telegram token",
                    f"The Bot API could not be reached ({type(err).__name__}).",
                    f"Check the network and TELEGRAM_API_BASE_URL ({settings.api_base_url.split('/bot')[0]}).",
                )
            ]
        checks.append(Check("Telegram token", True, f"the bot is @{me.username} (id {me.id})."))
        checks.append(await _webhook_check(bot, settings))
        checks.extend(await _desk_checks(bot, settings, me))
        checks.append(await _organizers_chat_check(bot, settings))
    finally:
        try:
            await bot.shutdown()
        except TelegramError:
            pass
    return checks


async def _webhook_check(bot: Bot, settings: Settings) -> Check:
    name = "Webhook or polling"
    info = await bot.get_webhook_info()
    if settings.webhook_url:
        if not settings.webhook_url.startswith("https://"):
            return _fail(
                name,
                f"CAREBOT_WEBHOOK_URL is not an https:// address ({settings.webhook_url}).",
                "Telegram only posts to HTTPS: put the bot behind a TLS proxy and use its https:// URL.",
            )
        if not settings.webhook_secret:
            return _fail(
                name,
                "Webhook mode without CAREBOT_WEBHOOK_SECRET: anyone who finds the URL can post forged "
                "updates (as an organizer, say).",
                "Set CAREBOT_WEBHOOK_SECRET to a long random string (e.g. `openssl rand -hex 32`).",
            )
        if info.last_error_message:
            return _fail(
                name,
                f"Telegram's last webhook delivery failed: {info.last_error_message}",
                "Check that the URL reaches this machine through the proxy and that the certificate is valid.",
            )
        return Check(name, True, f"webhook mode with a secret ({info.pending_update_count} update(s) waiting).")
    if info.url:
        return _fail(
            name,
            f"Telegram has a webhook set ({info.url}) but this bot is configured for polling: "
            "another instance may be running in webhook mode.",
            "Stop the other instance, or set CAREBOT_WEBHOOK_URL here too. Starting carebot in polling mode removes the webhook.",
        )
    return Check(name, True, f"polling (no webhook set; {info.pending_update_count} update(s) waiting).")


async def _desk_checks(bot: Bot, settings: Settings, me) -> list[Check]:
    name = "Volunteer desk"
    if settings.desk_chat is None:
        return [
            _fail(
                name,
                "CAREBOT_DESK_CHAT_ID is not set: escalations (crisis included) are stored but no volunteer sees them.",
                "Create a supergroup for the volunteers, add the bot as an admin, and put the group's id "
                "(it starts with -100) in CAREBOT_DESK_CHAT_ID.",
            )
        ]
    try:
        chat = await bot.get_chat(settings.desk_chat)
    except TelegramError as err:
        return [
            _fail(
                name,
                f"The desk group {settings.desk_chat} can't be read ({err.message}).",
                "Add the bot to the desk group, and check CAREBOT_DESK_CHAT_ID.",
            )
        ]
    checks: list[Check] = []
    if chat.type == "supergroup":
        checks.append(Check(name, True, f"supergroup “{chat.title}” ({chat.id})."))
    else:
        checks.append(
            _fail(
                name,
                f"The desk is a {chat.type}, not a supergroup.",
                "In the group's settings, turn it into a supergroup (e.g. by enabling topics), then "
                "update CAREBOT_DESK_CHAT_ID with the new id.",
            )
        )
    member = await bot.get_chat_member(settings.desk_chat, me.id)
    admin = member.status in ("administrator", "creator")
    if not admin:
        checks.append(
            _fail(
                "Desk admin rights",
                "The bot is not an admin of the desk group: it can't create topics, and may not see volunteers' messages.",
                "Group settings → Administrators → Add the bot, with 'Manage topics'.",
            )
        )
    else:
        checks.append(Check("Desk admin rights", True, "yes."))
    if getattr(chat, "is_forum", False):
        if admin and not getattr(member, "can_manage_topics", False):
            checks.append(
                _fail(
                    "Desk topics",
                    "Topics are on but the bot may not manage them: each case can't get its own topic.",
                    "Edit the bot's admin rights in the desk group and allow 'Manage topics'.",
                )
            )
        else:
            checks.append(Check("Desk topics", True, "topics on; each escalated case gets its own topic."))
    else:
        checks.append(
            Check(
                "Desk topics",
                True,
                "topics are off: cards are plain messages and replies to them are "
                "the thread (the fallback). Turn topics on for one topic per case.",
            )
        )
    if admin or getattr(me, "can_read_all_group_messages", False):
        checks.append(Check("Desk reads messages", True, "yes (admins see every message)."))
    else:
        checks.append(
            _fail(
                "Desk reads messages",
                "Privacy mode hides volunteers' messages from the bot: what they write to a member would be lost.",
                "Make the bot an admin of the desk group (or /setprivacy → Disable with @BotFather).",
            )
        )
    return checks


async def _organizers_chat_check(bot: Bot, settings: Settings) -> Check:
    name = "Organizers' chat"
    if settings.organizers_chat is None:
        return _fail(
            name,
            "CAREBOT_ORGANIZERS_CHAT_ID is not set: the daily monitoring report is not posted.",
            "Put the organizers' group (or an organizer's private chat) id in CAREBOT_ORGANIZERS_CHAT_ID.",
        )
    try:
        chat = await bot.get_chat(settings.organizers_chat)
    except TelegramError as err:
        return _fail(
            name,
            f"The organizers' chat {settings.organizers_chat} can't be read ({err.message}).",
            "Add the bot to that chat (or have the organizer /start it), and check the id.",
        )
    return Check(name, True, f"{chat.type} chat {chat.id}.")


def _local_checks(settings: Settings, now: datetime) -> list[Check]:
    from knowledge.campaign import CampaignError, load_campaign
    from storage.migrations import MIGRATIONS

    checks: list[Check] = []
    checks.append(
        Check("Admins", True, f"{len(settings.admins)} admin id(s).")
        if settings.admins
        else _fail(
            "Admins",
            "CAREBOT_ADMIN_IDS is empty: nobody can grant or revoke the volunteer role.",
            "Put your Telegram user id (ask @userinfobot) in CAREBOT_ADMIN_IDS.",
        )
    )
    checks.append(
        Check("Organizers", True, f"{len(settings.organizers)} organizer id(s).")
        if settings.organizers
        else _fail(
            "Organizers",
            "CAREBOT_ORGANIZER_IDS is empty: nobody can export records or read the report.",
            "Put the organizers' Telegram user ids, comma-separated, in CAREBOT_ORGANIZER_IDS.",
        )
    )
    campaign = None
    try:
        campaign = load_campaign(settings.campaign_path or None)
        from storage.backup import backup_schedule

        backup_schedule(campaign)
        checks.append(
            Check("Campaign file", True, f"{campaign.plan_name}, {campaign.region}: {len(campaign.facilities)} clinics.")
        )
    except (OSError, CampaignError, ValueError, KeyError, TypeError) as err:
        checks.append(
            _fail(
                "Campaign file",
                f"{settings.campaign_path or 'the sample campaign'} is not valid: {err}",
                "Fix the file (compare it with knowledge/campaigns/kaiser_socal.toml) or unset CAREBOT_CAMPAIGN.",
            )
        )
    checks.extend(_database_checks(settings.db_path, latest=max(n for n, _, _ in MIGRATIONS)))
    checks.append(_disk_check(settings.db_path))
    checks.append(_model_check())
    checks.append(_clock_check(settings, campaign, now))
    return checks


def _database_checks(db_path: str, *, latest: int) -> list[Check]:
    path = Path(db_path)
    name = "Database"
    if not path.is_file():
        return [
            _fail(
                name,
                f"There is no database at {path.resolve()} yet.",
                f"Run `carebot migrate --db {db_path}` (or start the bot once), then run the doctor again.",
            )
        ]
    checks: list[Check] = []
    try:
        version = schema_version_of(str(path))
    except sqlite3.DatabaseError as err:
        return [
            _fail(
                name,
                f"{path} is not a readable SQLite database ({err}).",
                "Restore the latest backup: `carebot restore BACKUP --force`.",
            )
        ]
    why_not = writable(str(path))
    if why_not is not None:
        checks.append(
            _fail(
                name,
                f"{path} is not writable ({why_not}).",
                "Check the file's owner and permissions, and that no other program holds it locked.",
            )
        )
    else:
        if version < latest:
            checks.append(
                _fail(
                    name,
                    f"schema version {version}, the code needs {latest}.",
                    f"Run `carebot migrate --db {db_path}` (the bot also migrates at start).",
                )
            )
        else:
            checks.append(Check(name, True, f"{path.resolve()}: writable, schema version {version}."))
    loose = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077]
    if loose:
        shown = ", ".join(f"{p.name} {stat.S_IMODE(p.stat().st_mode):o}" for p in loose)
        checks.append(
            _fail(
                "Database file permissions",
                f"others can read members' health data ({shown}).",
                f"chmod 600 {path}*  (and run the bot as its own user).",
            )
        )
    else:
        checks.append(Check("Database file permissions", True, "0600: only carebot's user can read it."))
    return checks


def _disk_check(db_path: str) -> Check:
    where = Path(db_path).resolve().parent
    while not where.exists():
        where = where.parent
    usage = shutil.disk_usage(where)
    free_gib = usage.free / 2**30
    if usage.free < MIN_FREE_BYTES or usage.free < usage.total * MIN_FREE_SHARE:
        return _fail(
            "Free disk",
            f"only {free_gib:.1f} GiB free where the database lives ({where}).",
            "Free some space or move the database (CAREBOT_DB) to a larger disk: a full disk stops the bot "
            "from recording what members say.",
        )
    return Check("Free disk", True, f"{free_gib:.1f} GiB free ({usage.free / usage.total:.0%}).")


def _model_check() -> Check:
    try:
        from knowledge.embedding import embedder

        model = embedder()
        model.encode(["doctor check"])
    except Exception as err:  # EmbeddingUnavailable, or anything the model raises
        return _fail(
            "Screening model",
            f"the crisis screen's model did not load ({err}).",
            "Reinstall the locked dependencies (`make run` does it), then run the doctor again.",
        )
    return Check("Screening model", True, f"{model.name} loaded.")


def _clock_check(settings: Settings, campaign, now: datetime) -> Check:
    name = "Clock and time zone"
    zone = settings.timezone or (campaign.timezone if campaign else "America/Los_Angeles")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(name, f"unknown time zone {zone!r}.", "Set CAREBOT_TIMEZONE to a name like America/Los_Angeles.")
    if now.year < 2024:
        return _fail(
            name,
            f"the system clock says {now:%Y-%m-%d}: deadlines and check-ins would be wrong.",
            "Turn on time synchronisation (timedatectl set-ntp true).",
        )
    try:
        settings.check_staging()
    except ValueError as err:
        return _fail(name, str(err), "Use CAREBOT_CLOCK_SPEED=1 on a real campaign bot.")
    training = f"; a training bot at {settings.clock_speed:g}x speed" if settings.staging else ""
    return Check(name, True, f"{now.astimezone(tz):%A %Y-%m-%d %H:%M} in {zone}{training}.")


async def diagnose(settings: Settings, *, now: datetime | None = None) -> list[Check]:
    """Every check, in the order a person would fix them."""
    now = now or datetime.now(timezone.utc)
    return await _telegram_checks(settings) + _local_checks(settings, now)


async def run_doctor(settings: Settings, *, echo: Callable[[str], None] = print) -> bool:
    """Print each check and its fix; True when all pass."""
    checks = await diagnose(settings)
    for c in checks:
        echo(f"{'✓' if c.ok else '✗'} {c.name}: {c.detail}")
        if not c.ok and c.fix:
            echo(f"    → {c.fix}")
    failed = sum(not c.ok for c in checks)
    echo("All checks passed." if not failed else f"{failed} of {len(checks)} checks failed.")
    return failed == 0
