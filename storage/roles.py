"""Roles: volunteer, organizer, admin. Admins (and standing organizers) come from the settings; others are granted."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.models import to_iso

ROLES = ("volunteer", "organizer", "admin")
# A role includes the ones below it: an admin may do what an organizer or a volunteer may.
INCLUDES = {"admin": {"admin", "organizer", "volunteer"}, "organizer": {"organizer", "volunteer"}, "volunteer": {"volunteer"}}


def granted(db: Database, user_id: int) -> set[str]:
    """The roles granted in the database to this Telegram user."""
    return {r["role"] for r in db.query("SELECT role FROM roles WHERE user_id = ?", [user_id])}


def has_role(db: Database, user_id: int | None, role: str, *, admins=frozenset(), organizers=frozenset()) -> bool:
    """Whether the user holds `role` (or a role that includes it), from settings or grants."""
    if user_id is None:
        return False
    held = set(granted(db, user_id))
    if user_id in admins:
        held.add("admin")
    if user_id in organizers:
        held.add("organizer")
    return any(role in INCLUDES[h] for h in held if h in INCLUDES)


def grant(db: Database, user_id: int, role: str, *, by: int | None, now: datetime) -> bool:
    """Grant a role; False if the user already had it."""
    if role not in ("volunteer", "organizer"):
        raise ValueError("only volunteer and organizer roles can be granted")
    cur = db.execute(
        "INSERT OR IGNORE INTO roles (user_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?)",
        [user_id, role, by, to_iso(now)],
    )
    return cur.rowcount == 1


def revoke(db: Database, user_id: int, role: str) -> bool:
    """Revoke a granted role; False if the user did not have it."""
    return db.execute("DELETE FROM roles WHERE user_id = ? AND role = ?", [user_id, role]).rowcount == 1


def holders(db: Database, role: str) -> list[int]:
    """Users granted this role in the database."""
    return [r["user_id"] for r in db.query("SELECT user_id FROM roles WHERE role = ? ORDER BY user_id", [role])]
