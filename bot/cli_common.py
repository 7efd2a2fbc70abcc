"""What every `carebot` command that opens the database shares: `--db`, and saying which file it uses."""

from __future__ import annotations

from pathlib import Path

import click

DB_HELP = "Database file (default: CAREBOT_DB, else ./carebot.db; the offline demo's is ./carebot-demo.db)."


def db_option(command):
    """Add `--db PATH` to a command (read back with `resolve_db`)."""
    return click.option("--db", "db_path", default=None, metavar="PATH", help=DB_HELP)(command)


def resolve_db(settings, *, quiet: bool = False) -> str:
    """The database this command uses (--db, else the setting), announced on stderr so nobody reads the wrong file."""
    ctx = click.get_current_context(silent=True)
    chosen = (ctx.params.get("db_path") if ctx is not None else None) or settings.db_path
    if not quiet:
        shown = chosen if chosen == ":memory:" else str(Path(chosen).resolve())
        click.echo(f"Database: {shown}", err=True)
    return chosen
