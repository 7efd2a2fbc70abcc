"""The `carebot` command: run, demo, migrate, settings, kb check."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import click

from bot.settings import SETTINGS, Settings

logger = logging.getLogger(__name__)


def configure_logging(level: str) -> None:
    """Logging for the whole process; only the entry point does this."""
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and a Bot API URL carries the bot token;
    # python-telegram-bot logs whole updates (what members wrote) at DEBUG.
    # Neither may ever reach the logs, whatever level carebot itself runs at.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


@click.group()
def main() -> None:
    """carebot: stands beside members whose therapy is canceled during a strike."""


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
    from bot.app import serve

    asyncio.run(_serve_until_signal(settings))


async def _serve_until_signal(settings: Settings) -> None:
    from bot.app import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


@main.command()
@click.option("--db", "db_path", default=None, help="Database file for the demo (default: ./carebot-demo.db).")
@click.option("--speed", default=1.0, show_default=True,
              help="Run the bot's clock this many times faster (86400: a day a second) to see check-ins arrive.")
def demo(db_path: str | None, speed: float) -> None:
    """The offline demo: the real bot on the local Telegram stand-in, you as the member."""
    settings = Settings.from_env()
    configure_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
    from bot.demo import run_demo

    asyncio.run(run_demo(settings, db_path=db_path, speed=speed))


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    from storage.db import open_db, schema_version

    db = open_db(settings.db_path)
    click.echo(f"{settings.db_path}: schema version {schema_version(db)}")


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
def audit_log(as_user: int, since: str | None, case_ref: str | None) -> None:
    """Print the audit log: who accessed which case and did what, when (admins only; the reading is logged too)."""
    from datetime import datetime, timezone

    from storage import audit, roles
    from storage.db import open_db

    settings = Settings.from_env()
    db = open_db(settings.db_path)
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
    """Validate the articles: both languages, sources listed, review dates, unique example questions."""
    from datetime import date

    from knowledge.campaign import load_campaign
    from knowledge.kb import load_knowledge_base
    from knowledge.kbcheck import check_knowledge_base

    settings = Settings.from_env()
    today = date.fromisoformat(today_text) if today_text else date.today()
    knowledge = load_knowledge_base()
    problems = check_knowledge_base(knowledge, today=today, max_age_days=max_age_days,
                                    campaign=load_campaign(settings.campaign_path or None))
    for problem in problems:
        click.echo(f"✗ {problem}")
    if problems:
        raise SystemExit(1)
    click.echo(f"✓ {len(knowledge.articles)} articles in English and Spanish, all cited and reviewed within {max_age_days} days.")


from bot.cli_organizers import register as _register_organizer_commands  # noqa: E402

_register_organizer_commands(main)


# ---------------------------------------------------------------- the safety screen's learned layer

_SCREEN_DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "tests" / "data"


@main.group()
def screen() -> None:
    """The safety screen's learned layer: train it, score it."""


@screen.command("train")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False), default=str(_SCREEN_DATA),
              help="Folder holding screen_train.toml and the other labelled phrasings.")
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
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              default=str(_SCREEN_DATA / "screen_eval.toml"), help="The evaluation file.")
@click.option("--show-text", is_flag=True, help="Also list the missed phrases and the false alarms.")
def screen_eval(path: str, show_text: bool) -> None:
    """Recall and false alarms per language and per category on the evaluation file."""
    from pathlib import Path

    from knowledge.screen_eval import evaluate, format_report

    click.echo(format_report(evaluate(Path(path)), show_text=show_text))


if __name__ == "__main__":
    sys.exit(main())
