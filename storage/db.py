"""Opening the database: SQLite through sqlite-utils, WAL mode, numbered migrations."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from storage.migrations import MIGRATIONS

logger = logging.getLogger(__name__)

# The write-ahead log is cut back to this size whenever it restarts after a checkpoint.
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024
# Files holding members' data are readable by the bot's own user only.
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700


def make_private(path: str | Path) -> None:
    """chmod 0600 a file we created (best effort: a file owned by someone else is left alone)."""
    try:
        os.chmod(path, PRIVATE_FILE)
    except (FileNotFoundError, PermissionError):
        pass


def private_dir(path: str | Path) -> Path:
    """Create a directory (and its parents) as 0700; an existing one is left as it is."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return path


def _private_sidecars(path: str | Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            make_private(f"{path}{suffix}")


def open_db(path: str | Path = "carebot.db", *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (and by default migrate) the carebot database at `path` (':memory:' for tests)."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        private_dir(Path(path).parent)
        if not os.path.exists(path):
            # Created 0600 before SQLite opens it; SQLite gives the -wal and -shm the database's mode.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    # Transactions are explicit (db.atomic()); autocommit otherwise.
    conn.isolation_level = None
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    # NORMAL is durable against a process crash (kill -9) in WAL mode; only a
    # power loss can lose the last commits.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, so /delete leaves no bytes behind.
    db.execute("PRAGMA secure_delete=ON")
    db.execute("PRAGMA busy_timeout=5000")
    if migrate:
        if apply_migrations(db):
            analyze(db)  # new indexes: give the planner statistics for them
        else:
            optimize(db)
    if str(path) != ":memory:":
        _private_sidecars(path)
    return db


# Rows ANALYZE reads per index: enough for the planner, and bounded (about 0.1 s at campaign size, not seconds).
ANALYSIS_LIMIT = 1000


def analyze(db: sqlite_utils.Database) -> None:
    """Statistics for every table and index (sqlite_stat1), read from a bounded sample."""
    db.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    db.execute("ANALYZE")


def optimize(db: sqlite_utils.Database) -> None:
    """Refresh the statistics of the tables that changed a lot since they were last analyzed (cheap when none did).
    Run at start and every hour by the dispatcher (see storage/hot_queries.py for why plans matter)."""
    db.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    db.execute("PRAGMA optimize")


def schema_version(db: sqlite_utils.Database) -> int:
    """The number of the last migration applied (0 for a new database)."""
    if "_migrations" not in db.table_names():
        return 0
    row = db.execute("SELECT max(number) FROM _migrations").fetchone()
    return row[0] or 0


def apply_migrations(db: sqlite_utils.Database) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return their numbers."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at TEXT DEFAULT CURRENT_TIMESTAMP)"
    )
    done = schema_version(db)
    applied = []
    for number, name, sql in MIGRATIONS:
        if number <= done:
            continue
        with db.atomic():
            for statement in _statements(sql):
                db.execute(statement)
            db.execute("INSERT INTO _migrations (number, name) VALUES (?, ?)", [number, name])
        logger.info("applied migration %d (%s)", number, name)
        applied.append(number)
    return applied


def _statements(sql: str) -> list[str]:
    parts, buf = [], []
    for line in sql.splitlines():
        line = line.split("--", 1)[0].rstrip()  # migrations hold no "--" inside strings
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            parts.append(candidate)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        parts.append(rest)
    return parts


def checkpoint(db: sqlite_utils.Database) -> None:
    """Move everything from the WAL into the main file and truncate the WAL."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def stop_auto_checkpoints(db: sqlite_utils.Database) -> None:
    """Leave checkpoints (and their fsync) to `checkpoint_in_background`, so no commit waits for the disk."""
    db.execute("PRAGMA wal_autocheckpoint=0")


def checkpoint_truncate(path: str | Path, *, busy_ms: int = 2000) -> bool:
    """Copy the WAL into the database and cut it to 0 bytes, on a connection of its own (run it in a thread).

    After an erasure this is what removes the member's old row versions from the -wal
    file. False when readers or a writer kept it from finishing (try again later).
    """
    conn = sqlite3.connect(str(path), timeout=busy_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        _private_sidecars(path)
        return busy == 0
    except sqlite3.OperationalError as err:
        logger.warning("WAL checkpoint could not run (%s); will retry", type(err).__name__)
        return False
    finally:
        conn.close()


def wal_size(path: str | Path) -> int:
    """Bytes in the write-ahead log (0 when there is none)."""
    try:
        return os.path.getsize(f"{path}-wal")
    except OSError:
        return 0


def request_scrub(db: sqlite_utils.Database) -> None:
    """Someone's data was erased on this connection: the WAL must be truncated once the transaction commits."""
    vars(db)["_carebot_scrub"] = True  # a flag on our own connection wrapper


def take_scrub_request(db: sqlite_utils.Database) -> bool:
    """True (once) if an erasure asked for a TRUNCATE checkpoint since the last call."""
    wanted = getattr(db, "_carebot_scrub", False)
    vars(db)["_carebot_scrub"] = False
    return wanted


def close_db(db: sqlite_utils.Database, path: str | Path | None = None) -> None:
    """Checkpoint (TRUNCATE) and close: the last connection to close also removes the -wal and -shm files."""
    try:
        if path is not None and str(path) != ":memory:":
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as err:
        logger.warning("final checkpoint failed (%s)", type(err).__name__)
    db.conn.close()


def checkpoint_passive(path: str | Path) -> tuple[int, int]:
    """One passive checkpoint on a connection of its own (it never blocks the bot's writes). Run it in a thread."""
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return log, done
    finally:
        conn.close()
