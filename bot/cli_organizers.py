"""Organizers' commands: export, report, link, purge. `register(group)` adds them to the `carebot` command."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bot.cli_common import db_option
from knowledge import languages
from storage.db import close_db, make_private, private_dir

if TYPE_CHECKING:
    import sqlite_utils

    from bot.settings import Settings
    from knowledge.campaign import Campaign

logger = logging.getLogger(__name__)

REFUSED = 2  # exit code when a role check or a filter fails


@dataclass(frozen=True)
class _Env:
    settings: Settings
    db: sqlite_utils.Database
    campaign: Campaign

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return self.now().astimezone(self.campaign.tz).date()


def _env() -> _Env:
    from bot.settings import Settings
    from knowledge.campaign import load_campaign
    from storage.db import open_db

    from bot.cli_common import resolve_db

    settings = Settings.from_env()
    campaign = load_campaign(settings.campaign_path or None)
    if settings.timezone and settings.timezone != campaign.timezone:
        campaign = replace(campaign, timezone=settings.timezone)
    settings = replace(settings, db_path=resolve_db(settings))
    db = open_db(settings.db_path)
    click.get_current_context().call_on_close(db.close)
    return _Env(settings=settings, db=db, campaign=campaign)


def _refuse(message: str) -> NoReturn:
    click.echo(f"✗ {message}", err=True)
    raise SystemExit(REFUSED)


_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("export")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True, help="File format."
)
@click.option("--since", type=_DATE, default=None, help="Only cases reported on or after this date (YYYY-MM-DD).")
@click.option("--until", type=_DATE, default=None, help="Only cases reported on or before this date (YYYY-MM-DD).")
@click.option("--facility", default=None, help="Only this clinic: its id or its name, as in the campaign file.")
@click.option("--status", type=click.Choice(["open", "closed"]), default=None, help="Only cases with this status.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: carebot-cases-<campaign>-<date>.<format> here). "
    "The data dictionary goes beside it as <name>.dictionary.csv.",
)
@click.option(
    "--include-contact",
    is_flag=True,
    help="Add the members' @username where they agreed to be contacted. Needs --as with the organizer role; audited.",
)
@click.option("--as", "as_user", type=int, default=None, help="Your Telegram user id (required with --include-contact).")
@click.option(
    "--today",
    "today",
    type=_DATE,
    default=None,
    help="Count days waited and deadlines as of this date (default: today in the campaign time zone).",
)
def export_command(fmt, since, until, facility, status, out, include_contact, as_user, today, db_path=None) -> None:
    """Export the shared complaint records (pseudonymous unless --include-contact) with a data dictionary."""
    from storage import audit
    from storage.export import ExportError, can_include_contact, export_cases

    env = _env()
    today = _day(today) or env.today()
    since_day, until_day = _day(since), _day(until)
    filters = {
        "format": fmt,
        "since": since_day and since_day.isoformat(),
        "until": until_day and until_day.isoformat(),
        "facility": facility,
        "status": status,
    }
    action = "export_with_contact" if include_contact else "export"
    if include_contact:
        allowed = can_include_contact(env.db, env.settings.organizers, env.settings.admins, as_user)
        if not allowed:
            audit.record(
                env.db, actor=as_user, action=action, now=env.now(), allowed=False, detail=json.dumps(filters, sort_keys=True)
            )
            who = f"user {as_user}" if as_user is not None else "an unnamed user (give --as USER_ID)"
            _refuse(
                f"--include-contact needs the organizer role; {who} does not hold it. "
                "Organizers are set in CAREBOT_ORGANIZER_IDS or CAREBOT_ADMIN_IDS, or granted by an admin. "
                "This refusal was written to the audit log."
            )
    try:
        result = export_cases(
            env.db,
            env.campaign,
            fmt=fmt,
            since=since_day,
            until=until_day,
            facility=facility,
            status=status,
            include_contact=include_contact,
            today=today,
        )
    except ExportError as exc:
        _refuse(str(exc))
    audit.record(
        env.db, actor=as_user, action=action, now=env.now(), detail=json.dumps({**filters, "rows": result.rows}, sort_keys=True)
    )
    out = out or Path(result.filename)
    private_dir(out.parent)
    _write_private(out, result.content)
    dictionary = out.with_name(out.name.rsplit(".", 1)[0] + ".dictionary.csv")
    _write_private(dictionary, result.dictionary)
    logger.info("export written: %d rows, %s", result.rows, fmt)
    click.echo(f"✓ {result.rows} cases → {out}")
    click.echo(f"  data dictionary → {dictionary}")
    if include_contact:
        click.echo("  contains contact details: keep it private, delete it when done.")


def _write_private(path: Path, content: bytes) -> None:
    """Write a file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    make_private(path)  # an older file keeps its mode through O_TRUNC


@click.command("report")
@db_option
@click.option("--date", "day", type=_DATE, default=None, help="The day to report on (default: today in the campaign time zone).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for report.txt and the charts (default: ./report-<date>).",
)
@click.option("--public", is_flag=True, help="For publication: counts under the campaign's small_count show as <5.")
@click.option("--lang", type=click.Choice(list(languages.CODES)), default="en", show_default=True, help="Language of the text.")
def report_command(day, out_dir, public, lang, db_path=None) -> None:
    """Write the daily monitoring report (report.txt and three PNG charts) and print its text."""
    from bot.charts import render_charts
    from dialogs.monitor_report import render_report_text
    from storage.clinic_report import build_report, report_schedule

    env = _env()
    day = _day(day) or env.today()
    schedule = report_schedule(env.campaign)
    report = build_report(env.db, env.campaign, day=day, public=public, small_count=schedule.small_count)
    text = render_report_text(report, lang=lang, for_html=False)
    out_dir = out_dir or Path(f"report-{day.isoformat()}")
    private_dir(out_dir)
    _write_private(out_dir / "report.txt", text.encode("utf-8"))
    charts = render_charts(env.db, report, out_dir, lang=lang)
    for chart in charts:
        make_private(chart)
    click.echo(text)
    click.echo(f"✓ {out_dir / 'report.txt'}, " + ", ".join(p.name for p in charts))


@click.command("link")
@db_option
@click.option("--facility", required=True, help="The clinic: its id, name or alias, as in the campaign file.")
@click.option("--source", default=None, help="A label for where the link is posted, e.g. 'lobby-flyer' (no personal data).")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Flyer PNG to write (default: flyer-<facility>[-<source>].png here).",
)
def link_command(facility, source, out, db_path=None) -> None:
    """Make a clinic deep link and a printable QR flyer (English and Spanish)."""
    from bot.qr import write_qr_png
    from storage.links import create_link, deep_link, match_facility

    env = _env()
    found = match_facility(env.campaign, facility)
    if found is None:
        _refuse(f"no facility {facility!r} in the campaign. Known ids: " + ", ".join(f.id for f in env.campaign.facilities))
    with env.db.atomic():
        code = create_link(env.db, facility_id=found.id, source=source, now=env.now())
    username = env.settings.bot_username
    url = deep_link(username, code)
    click.echo(url)
    if not username:
        click.echo(
            "! CAREBOT_BOT_USERNAME is not set, so the link above has a placeholder and no flyer was drawn "
            "(a QR code must never point nowhere). Set it to your bot's @username without the @, in .env or "
            "the environment (CAREBOT_BOT_USERNAME=my_carebot), then run this command again.",
            err=True,
        )
        return
    slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (source or ""))[:32]
    out = out or Path(f"flyer-{found.id}{'-' + slug if slug else ''}.png")
    from knowledge.facilities import matched_place

    write_qr_png(url, found.name, out, known_as=matched_place(facility, found))
    click.echo(f"✓ flyer → {out}")


@click.command("purge")
@db_option
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep personal data of closed cases this many days (default: the campaign's [retention] days, else 180).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be purged; change nothing.")
def purge_command(days, dry_run, db_path=None) -> None:
    """Remove personal data of cases closed longer ago than the retention period (counts only are printed)."""
    from storage.retention import purge, retention_days

    env = _env()
    days = days or retention_days(env.campaign)
    result = purge(env.db, now=env.now(), days=days, dry_run=dry_run)
    if not dry_run:
        # The erased rows' old versions sit in the -wal until a TRUNCATE checkpoint: do it now, then close.
        close_db(env.db, env.settings.db_path)
    verb = "would be" if dry_run else "were"
    click.echo(
        ("Dry run: nothing changed. " if dry_run else "")
        + f"Retention {days} days (closed before {result.cutoff:%Y-%m-%d %H:%M} UTC):"
    )
    click.echo(f"  closed cases whose personal data {verb} removed: {result.cases_scrubbed}")
    click.echo(f"  evidence-log entries whose free text {verb} removed: {result.events_scrubbed}")
    click.echo(f"  volunteer desk notes that {verb} deleted: {result.desk_notes_deleted}")
    click.echo(f"  members who {verb} erased: {result.members_erased}")


COMMANDS = (export_command, report_command, link_command, purge_command)


def register(group: click.Group) -> None:
    """Add export, report, link and purge to the `carebot` command group."""
    for command in COMMANDS:
        group.add_command(command)
