"""Frozen dataclasses returned by storage; sqlite-utils rows never leave storage/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, overload
from datetime import date, datetime


@dataclass(frozen=True)
class Member:
    id: str
    chat_id: int | None
    lang: str
    source: str | None
    status: str
    consented_at: datetime
    created_at: datetime
    unreachable_at: datetime | None = None
    paused_until: datetime | None = None
    muted: bool = False
    contact_ok: bool = False
    username: str | None = None
    link_code: str | None = None


@dataclass(frozen=True)
class Case:
    id: int
    ref: str | None
    member_id: str | None
    campaign_id: str
    status: str
    lang: str
    kind: str | None
    appt_date: date | None
    facility_id: str | None
    facility_text: str | None
    notified: str | None
    offered: str | None
    offered_date: date | None
    urgency: str | None
    note: str | None
    share_ok: bool | None
    source: str | None
    created_at: datetime
    filed_at: datetime | None
    closed_at: datetime | None
    deadline_standard: str | None = None
    deadline_date: date | None = None
    deadline_at: datetime | None = None
    new_appt_date: date | None = None
    oon_offered_on: date | None = None
    restored_on: date | None = None
    close_reason: str | None = None
    complaint_sent_on: date | None = None
    link_code: str | None = None


@dataclass(frozen=True)
class CaseEvent:
    id: int
    case_id: int
    kind: str
    field: str | None
    value: str | None
    at: datetime


@dataclass(frozen=True)
class OutboxItem:
    id: int
    chat_id: int
    member_id: str | None
    kind: str
    action: str
    payload: dict
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    message_id: int | None
    priority: int = 0
    ref_kind: str | None = None
    ref_id: int | None = None
    thread_id: int | None = None


def to_iso(value: datetime | date | None) -> str | None:
    """Store a datetime/date as ISO 8601 text."""
    return value.isoformat() if value is not None else None


@overload
def dt(value: str) -> datetime: ...
@overload
def dt(value: None) -> None: ...
@overload
def dt(value: str | None) -> datetime | None: ...
def dt(value):
    """A stored ISO 8601 text back as a datetime (None stays None)."""
    return datetime.fromisoformat(value) if value else None


@overload
def d(value: str) -> date: ...
@overload
def d(value: None) -> None: ...
@overload
def d(value: str | None) -> date | None: ...
def d(value):
    """A stored ISO 8601 date back as a date (None stays None)."""
    return date.fromisoformat(value) if value else None


_T = TypeVar("_T")


def must(value: _T | None, what: str = "row") -> _T:
    """The value, which the caller knows is there (a row just written, an id SQLite just gave)."""
    if value is None:
        raise LookupError(f"{what} not found")
    return value
