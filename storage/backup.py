"""Backups: a consistent copy of the live database (SQLite's online backup API), checked, and restores.

`backup()` copies page by page through SQLite's backup API, so the copy is a
consistent snapshot even while the bot keeps writing (each step holds the read
lock only briefly). The copy is then opened on its own and must pass
`PRAGMA integrity_check`; it is created 0600, like the database itself: it holds
members' health data. `restore()` refuses to replace an existing database
unless asked to (`force`), checks the copy first, and writes through the same
backup API, so a half-written restore never replaces a good file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from storage.db import PRIVATE_DIR, PRIVATE_FILE, make_private, private_dir

logger = logging.getLogger(__name__)

__all__ = ["BackupError", "BackupResult", "backup", "restore", "rotate", "timestamped_name"]

# Pages copied per step: small enough that the bot's writers never wait long.
_PAGES_PER_STEP = 256


class BackupError(RuntimeError):
    """A backup or restore that could not be done safely; the message says why in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    cases: int
    schema_version: int


def _private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (before SQLite writes anything into it), in a 0700 directory if new."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE)
    os.close(fd)
    make_private(path)


def _checked_copy(src: Path, dest: Path, tmp_suffix: str, *, drop_journal: bool = False) -> tuple[int, int]:
    """Copy `src` to a private temporary file, check it, then put it in place as `dest`; (cases, schema version).

    A copy that fails its check never replaces anything. With `drop_journal`, the -wal and -shm beside `dest`
    (they belong to the file being replaced) go first, so they are never replayed into the new one."""
    tmp = dest.with_name(dest.name + tmp_suffix)
    _private_file(tmp)
    try:
        _copy(src, tmp)
        cases, version = _check(tmp)
        if drop_journal:
            for suffix in ("-wal", "-shm"):
                Path(str(dest) + suffix).unlink(missing_ok=True)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    make_private(dest)
    return cases, version


def _check(path: Path) -> tuple[int, int]:
    """integrity_check on a database file; returns (cases, schema version) or raises BackupError."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"{path} failed SQLite's integrity check: {result[:3]}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "_migrations" not in tables or "cases" not in tables:
            raise BackupError(f"{path} is not a carebot database (no cases or _migrations table)")
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        version = conn.execute("SELECT coalesce(max(number), 0) FROM _migrations").fetchone()[0]
        return cases, version
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} is not a readable SQLite database ({err})") from err
    finally:
        conn.close()


def _copy(src: Path, dest: Path) -> None:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target, pages=_PAGES_PER_STEP)
        # A backup is one self-contained file: no -wal beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def timestamped_name(now: datetime | None = None) -> str:
    """carebot-backup-20261206T031500Z.db"""
    now = now or datetime.now(timezone.utc)
    return f"carebot-backup-{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}.db"


def backup(db_path: str | Path, dest: str | Path) -> BackupResult:
    """Copy the live database at `db_path` to `dest`: a file (name.db), or a directory for a timestamped file."""
    src = Path(db_path)
    if not src.is_file():
        raise BackupError(f"there is no database at {src}")
    as_directory = str(dest).endswith(os.sep) or Path(dest).is_dir() or not Path(dest).suffix
    dest = Path(dest)
    if as_directory:  # "backups/" or "backups": a timestamped file inside, in a directory only we can read
        dest = private_dir(dest) / timestamped_name()
    if dest.resolve() == src.resolve():
        raise BackupError("the backup must go to another file than the database itself")
    cases, version = _checked_copy(src, dest, ".part")
    logger.info("backup written: %d cases, schema %d", cases, version)
    return BackupResult(dest, dest.stat().st_size, cases, version)


def restore(src: str | Path, db_path: str | Path, *, force: bool = False) -> BackupResult:
    """Put the backup `src` in place as the database at `db_path` (refuses to overwrite one without `force`)."""
    src, target = Path(src), Path(db_path)
    if not src.is_file():
        raise BackupError(f"there is no backup at {src}")
    cases, version = _check(src)
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists. Stop the bot first, then restore with --force to replace it "
            "(take a backup of it first if you may need it)."
        )
    _checked_copy(src, target, ".restoring", drop_journal=True)
    logger.info("database restored from a backup: %d cases, schema %d", cases, version)
    return BackupResult(target, target.stat().st_size, cases, version)


def rotate(directory: str | Path, keep: int) -> list[Path]:
    """Delete the oldest timestamped backups in `directory` beyond the newest `keep`; return what was deleted."""
    backups = sorted(Path(directory).glob("carebot-backup-*.db"))
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


@dataclass(frozen=True)
class BackupSchedule:
    """The campaign's [backups] table: where nightly backups go, how many are kept, when."""

    directory: str
    keep: int
    at: str  # HH:MM, campaign time zone


def backup_schedule(campaign) -> BackupSchedule | None:
    """The nightly backup settings, or None when the campaign file has no [backups] dir."""
    table = (getattr(campaign, "raw", {}) or {}).get("backups", {})
    directory = str(table.get("dir", "")).strip()
    if not directory:
        return None
    keep = int(table.get("keep", 14))
    if keep < 1:
        raise BackupError("[backups] keep must be at least 1")
    return BackupSchedule(directory=directory, keep=keep, at=str(table.get("at", "02:30")))


def nightly(db_path: str | Path, schedule: BackupSchedule) -> tuple[BackupResult, list[Path]]:
    """Tonight's backup into the campaign's directory (0700), then the oldest beyond `keep` go."""
    directory = private_dir(schedule.directory)
    os.chmod(directory, PRIVATE_DIR)  # also when it existed before
    result = backup(db_path, directory)
    return result, rotate(directory, schedule.keep)
