"""The `carebot` command: run, demo, migrate, settings, kb check, kb eval."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import click

from bot.cli_common import db_option, resolve_db
from knowledge.embedding import EmbeddingUnavailable
from bot.settings import SETTINGS, Settings

logger = logging.getLogger(__name__)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes any bot token from the line and its traceback (a last line of defence)."""

    def format(self, record: logging.LogRecord) -> str:
        from bot.http import redact

        return redact(super().format(record))


class NoRawUpdates(logging.Filter):
    """python-telegram-bot logs a whole batch of raw updates (members' texts, names) when one fails to parse."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates")


def configure_logging(level: str) -> None:
    """Logging for the whole process; only the entry point does this."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).addFilter(NoRawUpdates())
    # httpx logs every request URL, and a Bot API URL carries the bot token;
    # python-telegram-bot logs whole updates (what members wrote) at DEBUG.
    # Neither may ever reach the logs, whatever level carebot itself runs at.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


@click.group()
def main() -> None:
    """carebot: stands beside members whose therapy is canceled during a strike."""
    # Every file the bot or a command writes (database, -wal, -shm, exports, letters, charts) is the
    # owner's alone: 0600 files, 0700 directories.
    os.umask(0o077)


@main.command()
def run() -> None:
    """Run the bot on Telegram (with TELEGRAM_BOT_TOKEN), or the offline demo without one."""
    settings = Settings.from_env()
    if settings.offline:
        # The demo is a chat in this terminal: only warnings may interrupt it.
        configure_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
        click.echo("No TELEGRAM_BOT_TOKEN set: starting the offline demo on the local Telegram stand-in.")
        from bot.demo import run_demo

        asyncio.run(run_demo(settings, speed=float(os.environ.get("CAREBOT_DEMO_SPEED", "1"))))
        return
    configure_logging(settings.log_level)
    try:
        asyncio.run(_serve_until_signal(settings))
    except EmbeddingUnavailable as err:
        click.echo(f"carebot can't start: {err}", err=True)
        raise SystemExit(1) from None
    except Exception as err:  # noqa: BLE001 - the traceback goes out redacted: a library's text may quote the token
        import traceback

        from bot.http import redact

        sys.stderr.write(redact("".join(traceback.format_exception(err))))
        raise SystemExit(1) from None


async def _serve_until_signal(settings: Settings) -> None:
    from bot.app import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


@main.command()
@click.option("--db", "db_path", default=None, help="Database file for the demo (default: ./carebot-demo.db).")
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    help="Run the bot's clock this many times faster (86400: a day a second) to see check-ins arrive.",
)
def demo(db_path: str | None, speed: float) -> None:
    """The offline demo: the real bot on the local Telegram stand-in, you as the member."""
    settings = Settings.from_env()
    configure_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
    from bot.demo import run_demo

    asyncio.run(run_demo(settings, db_path=db_path, speed=speed))


@main.command()
@db_option
def migrate(db_path: str | None) -> None:
    """Create or upgrade the database schema."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    from storage.db import open_db, schema_version

    path = resolve_db(settings)
    db = open_db(path)
    click.echo(f"{path}: schema version {schema_version(db)}")


@main.command("settings")
def show_settings() -> None:
    """Print every setting, its environment variable, current value and help (secrets hidden)."""
    current = Settings.from_env()
    for s in SETTINGS:
        value = getattr(current, s.name)
        shown = ("(set)" if value else "(empty)") if s.secret else repr(value)
        click.echo(f"{s.env:32} {shown:32} {s.help}")


@main.command("audit")
@click.option("--as", "as_user", type=int, required=True, help="Your Telegram user id: only admins may read the audit log.")
@click.option("--since", default=None, help="Only entries from this date on (YYYY-MM-DD).")
@click.option("--case", "case_ref", default=None, help="Only entries about this case (e.g. KP-7F3K2).")
@db_option
def audit_log(as_user: int, since: str | None, case_ref: str | None, db_path: str | None) -> None:
    """Print the audit log: who accessed which case and did what, when (admins only; the reading is logged too)."""
    from datetime import datetime, timezone

    from storage import audit, roles
    from storage.db import open_db

    settings = Settings.from_env()
    db = open_db(resolve_db(settings))
    now = datetime.now(timezone.utc)
    allowed = roles.has_role(db, as_user, "admin", admins=settings.admins)
    with db.atomic():
        audit.record(db, actor=as_user, action="audit_view", now=now, case_ref=case_ref, allowed=allowed)
    if not allowed:
        click.echo(f"User {as_user} is not an admin (CAREBOT_ADMIN_IDS): the audit log is for admins.", err=True)
        raise SystemExit(2)
    start = datetime.fromisoformat(since).replace(tzinfo=timezone.utc) if since else None
    for e in audit.entries(db, since=start, case_ref=case_ref.upper() if case_ref else None, limit=100_000):
        who = f"user {e.actor}" if e.actor is not None else "carebot"
        flag = "" if e.allowed else "  REFUSED"
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {who:16} {e.action:20} {e.case_ref or '-':10} {e.detail or ''}{flag}")


@main.group()
def kb() -> None:
    """The knowledge base of rights articles."""


@kb.command("check")
@click.option("--max-age-days", default=180, show_default=True, help="Oldest acceptable last-reviewed date, in days.")
@click.option("--today", "today_text", default=None, help="Check as of this date (YYYY-MM-DD); default: today.")
def kb_check(max_age_days: int, today_text: str | None) -> None:
    """Validate the articles: both languages, sources listed, review dates, unique example questions, facts backed."""
    from datetime import date

    from knowledge.campaign import load_campaign
    from knowledge.kb import load_knowledge_base
    from knowledge.kbcheck import check_knowledge_base, source_warnings

    settings = Settings.from_env()
    today = date.fromisoformat(today_text) if today_text else date.today()
    knowledge = load_knowledge_base()
    problems = check_knowledge_base(
        knowledge, today=today, max_age_days=max_age_days, campaign=load_campaign(settings.campaign_path or None)
    )
    for problem in problems:
        click.echo(f"✗ {problem}")
    for warning in source_warnings(knowledge):  # worth fixing, not failing: prefer primary sources
        click.echo(f"⚠ {warning}")
    if problems:
        raise SystemExit(1)
    click.echo(f"✓ {len(knowledge.articles)} articles in English and Spanish, all cited and reviewed within {max_age_days} days.")


@main.command("backup")
@click.argument("dest", type=click.Path(path_type=str))
@db_option
def backup_command(dest: str, db_path: str | None) -> None:
    """Copy the database to DEST (a file, or a directory for a timestamped file), safely while the bot runs."""
    from storage.backup import BackupError, backup

    settings = Settings.from_env()
    try:
        result = backup(resolve_db(settings), dest)
    except BackupError as err:
        click.echo(f"✗ {err}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"✓ Backup written to {result.path} ({result.bytes // 1024} KB, {result.cases} cases, "
        f"schema {result.schema_version}); integrity check passed; readable only by you (0600)."
    )


@main.command("restore")
@click.argument("src", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace an existing database (stop the bot first).")
@db_option
def restore_command(src: str, force: bool, db_path: str | None) -> None:
    """Put the backup SRC in place as the database (refuses to replace one without --force)."""
    from storage.backup import BackupError, restore

    settings = Settings.from_env()
    try:
        result = restore(src, resolve_db(settings), force=force)
    except BackupError as err:
        click.echo(f"✗ {err}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"✓ Restored {result.cases} cases (schema {result.schema_version}) into {result.path}. "
        "Start the bot again; it applies any newer migrations."
    )


@main.command("doctor")
@db_option
def doctor_command(db_path: str | None) -> None:
    """Check that everything carebot needs is in place; each failure says how to fix it. Exit 0 only if all pass."""
    from bot.doctor import run_doctor

    settings = Settings.from_env()
    configure_logging("WARNING")
    path = resolve_db(settings)
    from dataclasses import replace

    ok = asyncio.run(run_doctor(replace(settings, db_path=path), echo=click.echo))
    raise SystemExit(0 if ok else 1)


@kb.command("eval")
@click.option("--file", "path", default=None, help="Evaluation file (default: tests/data/kb_eval.toml).")
@click.option("--round", "rounds", type=int, multiple=True, help="Only this round of questions (repeatable).")
@click.option("--misses", is_flag=True, help="List every question answered wrongly or not at all.")
def kb_eval(path: str | None, rounds: tuple[int, ...], misses: bool) -> None:
    """Score the answers on the frozen evaluation questions: right fact, abstention, confident wrong, per language."""
    from knowledge.campaign import load_campaign
    from knowledge.kb import load_knowledge_base
    from knowledge.kbeval import EVAL_FILE, load_eval, report_lines, score
    from knowledge.retrieval import Retriever

    settings = Settings.from_env()
    questions = load_eval(path or EVAL_FILE, rounds=set(rounds) or None)
    if not questions:
        raise click.ClickException("no evaluation questions found")
    result = score(Retriever(load_knowledge_base()), load_campaign(settings.campaign_path or None), questions)
    for line in report_lines(result):
        click.echo(line)
    if misses:
        for q, reply in result.misses:
            got = reply.article_id or ("third language" if reply.third_language else "not sure")
            click.echo(f"  [{q['lang']}] {q['text']!r}: expected {q['expect'] or 'not sure'} ({q.get('fact', '')!r}), got {got}")


from bot.cli_organizers import register as _register_organizer_commands  # noqa: E402

_register_organizer_commands(main)


# ---------------------------------------------------------------- the safety screen's learned layer

_SCREEN_DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "tests" / "data"


@main.group()
def screen() -> None:
    """The safety screen's learned layer: train it, score it."""


@screen.command("train")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False),
    default=str(_SCREEN_DATA),
    help="Folder holding screen_train.toml and the other labelled phrasings.",
)
def screen_train(data_dir: str) -> None:
    """Retrain the classifier from the training phrasings (deterministic) and write its artifact."""
    from pathlib import Path

    from knowledge.embedding import embedder
    from knowledge.screen_model import ARTIFACT, train
    from knowledge.screening import rules_fire

    model = train(Path(data_dir), embedder().encode, rules_fire, log=click.echo)
    model.save(ARTIFACT)
    click.echo(f"wrote {ARTIFACT} (ask >= {model.ask_threshold:.4f}, crisis >= {model.crisis_threshold:.4f})")


@screen.command("eval")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    default=str(_SCREEN_DATA / "screen_eval.toml"),
    help="The evaluation file.",
)
@click.option("--show-text", is_flag=True, help="Also list the missed phrases and the false alarms.")
def screen_eval(path: str, show_text: bool) -> None:
    """Recall and false alarms per language and per category on the evaluation file."""
    from pathlib import Path

    from knowledge.screen_eval import evaluate, format_report

    click.echo(format_report(evaluate(Path(path)), show_text=show_text))


if __name__ == "__main__":
    sys.exit(main())
