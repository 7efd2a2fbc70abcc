"""The audit log: every access to a member's data and every desk or organizer action. Never member text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.models import dt, to_iso


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: int | None
    action: str
    case_ref: str | None
    detail: str | None
    allowed: bool


def record(
    db: Database,
    *,
    actor: int | None,
    action: str,
    now: datetime,
    case_ref: str | None = None,
    detail: str | None = None,
    allowed: bool = True,
) -> None:
    """Write one entry (inside the transaction of the action it records)."""
    db.execute(
        "INSERT INTO audit_log (at, actor, action, case_ref, detail, allowed) VALUES (?, ?, ?, ?, ?, ?)",
        [to_iso(now), actor, action, case_ref, detail, int(allowed)],
    )


def entries(db: Database, *, since: datetime | None = None, case_ref: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """Entries, oldest first, optionally since a time or for one case."""
    where, args = [], []
    if since is not None:
        where.append("at >= ?")
        args.append(to_iso(since))
    if case_ref is not None:
        where.append("case_ref = ?")
        args.append(case_ref)
    sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id LIMIT ?"
    return [
        AuditEntry(
            id=r["id"],
            at=dt(r["at"]),
            actor=r["actor"],
            action=r["action"],
            case_ref=r["case_ref"],
            detail=r["detail"],
            allowed=bool(r["allowed"]),
        )
        for r in db.query(sql, [*args, limit])
    ]
