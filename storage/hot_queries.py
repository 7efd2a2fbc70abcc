"""Every query that runs on a member's turn, on a desk action or in the dispatcher's tick, in one place.

At a strike's scale (111,803 cases, each with its evidence log, check-ins and
outbox history) a query that scans a table, or walks an index on a column that
only says "pending", costs a member seconds. Each query the storage functions
issue on those paths is listed here, with the index that serves it (migration
7 adds the composite ones). Two tests keep the list honest
(tests/test_query_plans.py): one traces every statement on the bot's
connection through a report, check-ins, a crisis message and the desk, and
fails on any not listed here; the other runs `EXPLAIN QUERY PLAN` for each
listed query on a database whose statistics say 111,803 cases, and fails on a
SCAN of a large table or a search that narrows only by a low-cardinality
column (status, kind, priority...), unless `small` says why the rows it
reaches stay few.

A new query on those paths: add it here (the trace test names it), with an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.cases import ANSWER_FIELDS, FOLLOWUP_FIELDS
from storage.migrations import MIGRATIONS

TURN, TICK, DESK = "member's turn", "dispatcher tick", "desk action"

# Tables that grow with the campaign (a SCAN of these is a bug on a hot path).
LARGE_TABLES = frozenset(
    {
        "members",
        "conversations",
        "cases",
        "case_events",
        "followups",
        "escalations",
        "outbox",
        "processed_updates",
        "audit_log",
        "desk_notes",
        "link_starts",
    }
)
# Columns whose values stand for a large share of the rows: an index search on these alone is a walk.
LOW_CARDINALITY = frozenset(
    {
        "status",
        "kind",
        "priority",
        "urgency",
        "ref_kind",
        "lang",
        "role",
        "reason",
        "field",
        "action",
        "muted",
    }
)


@dataclass(frozen=True)
class HotQuery:
    name: str  # module.function that issues it
    where: str  # TURN, TICK or DESK
    sql: str  # exactly as issued (literals and the length of IN lists may differ)
    small: str = ""  # why a search on low-cardinality columns only still reaches few rows


def _q(name: str, where: str, sql: str, small: str = "") -> HotQuery:
    return HotQuery(name, where, " ".join(sql.split()), small)


_OPEN_OR_CLAIMED = "open or claimed escalations are the few at the desk now (resolved ones are the thousands)"
_PENDING_OUTBOX = "pending outbox rows are the few not sent yet (sent history is the hundreds of thousands)"
_ANNOUNCEMENTS = "announcements: a handful per campaign"

HOT_QUERIES: list[HotQuery] = [
    # --- an update arrives (bot/intake.py): recorded, checked, marked done
    _q(
        "updates.record_received",
        TURN,
        "INSERT OR IGNORE INTO processed_updates (update_id, status, payload, received_at) VALUES (?, 'received', ?, ?)",
    ),
    _q("updates.status", TURN, "SELECT status FROM processed_updates WHERE update_id = ?"),
    _q("updates.mark_done", TURN, "UPDATE processed_updates SET status = ?, payload = NULL, done_at = ? WHERE update_id = ?"),
    # --- who is this, where are they
    _q("members.by_chat", TURN, "SELECT * FROM members WHERE chat_id = ?"),
    _q("members.get", TURN, "SELECT * FROM members WHERE id = ?"),
    _q(
        "members.create",
        TURN,
        "INSERT INTO members (id, chat_id, lang, source, status, consented_at, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
    ),
    _q("members.set_language", TURN, "UPDATE members SET lang = ? WHERE id = ?"),
    _q("members.set_paused", TURN, "UPDATE members SET paused_until = ? WHERE id = ?"),
    _q("members.set_unreachable", TICK, "UPDATE members SET unreachable_at = ? WHERE id = ?"),
    _q("members.set_muted", TURN, "UPDATE members SET muted = ? WHERE id = ?"),
    _q("members.set_contact", TURN, "UPDATE members SET contact_ok = ?, username = ? WHERE id = ?"),
    _q("members.set_link", TURN, "UPDATE members SET link_code = ? WHERE id = ?"),
    _q("conversations.load", TURN, "SELECT state FROM conversations WHERE member_id = ?"),
    _q(
        "conversations.save",
        TURN,
        "INSERT INTO conversations (member_id, state, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(member_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    ),
    _q("roles.granted", TURN, "SELECT role FROM roles WHERE user_id = ?"),
    _q("links.resolve", TURN, "SELECT code, facility_id, source, created_at FROM links WHERE code = ?"),
    _q("links.record_start", TURN, "INSERT INTO link_starts (link_code, at) VALUES (?, ?)"),
    _q(
        "announcements.draft_of",
        TURN,
        "SELECT * FROM announcements WHERE created_by = ? AND status = 'draft' ORDER BY id DESC LIMIT 1",
    ),
    # --- the report: a draft, its answers, filing
    _q(
        "cases.create_draft",
        TURN,
        "INSERT INTO cases (member_id, campaign_id, status, lang, source, created_at) VALUES (?, ?, 'draft', ?, ?, ?)",
    ),
    _q("cases.get", TURN, "SELECT * FROM cases WHERE id = ?"),
    _q("cases.by_ref", TURN, "SELECT * FROM cases WHERE ref = ?"),
    *(_q("cases.record_answer", TURN, f"UPDATE cases SET {f} = ? WHERE id = ?") for f in ANSWER_FIELDS + FOLLOWUP_FIELDS),
    _q("cases.record_answer", TURN, "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, 'answer', ?, ?, ?)"),
    _q("cases.new_reference", TURN, "SELECT 1 FROM cases WHERE ref = ?"),
    _q(
        "cases.file",
        TURN,
        "UPDATE cases SET "
        + ", ".join(f"{f} = ?" for f in ANSWER_FIELDS)
        + ", ref = ?, status = 'open', filed_at = ? WHERE id = ? AND status = 'draft'",
    ),
    _q("cases.set_deadline", TURN, "UPDATE cases SET deadline_standard = ?, deadline_date = ?, deadline_at = ? WHERE id = ?"),
    _q(
        "cases.discard_draft",
        TURN,
        "DELETE FROM case_events WHERE case_id = (SELECT id FROM cases WHERE id = ? AND status = 'draft')",
    ),
    _q("cases.discard_draft", TURN, "DELETE FROM cases WHERE id = ? AND status = 'draft'"),
    _q("cases.for_member", TURN, "SELECT * FROM cases WHERE member_id = ? AND status != 'draft' ORDER BY filed_at DESC, id DESC"),
    _q("cases.events", DESK, "SELECT * FROM case_events WHERE case_id = ? ORDER BY id"),
    _q("cases.log_event", TURN, "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, ?, NULL, ?, ?)"),
    _q("cases.update_fields", TURN, "INSERT INTO case_events (case_id, kind, field, value, at) VALUES (?, 'update', ?, ?, ?)"),
    _q(
        "cases.close",
        TURN,
        "UPDATE cases SET status = 'closed', closed_at = ?, close_reason = ?, restored_on = ? WHERE id = ? AND status = 'open'",
    ),
    _q("cases.set_link", TURN, "UPDATE cases SET link_code = ? WHERE id = ?"),
    # --- check-ins
    _q(
        "followups.schedule",
        TURN,
        "INSERT INTO followups (case_id, kind, due_at, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
    ),
    _q("followups.get", TURN, "SELECT * FROM followups WHERE id = ?"),
    # The worst: without (case_id, status, due_at) the planner may walk every pending check-in.
    _q("followups.pending_for_case", TURN, "SELECT * FROM followups WHERE case_id = ? AND status = 'pending' ORDER BY due_at"),
    _q(
        "followups.last_sent_for_case",
        TURN,
        "SELECT * FROM followups WHERE case_id = ? AND status IN ('sent', 'answered') ORDER BY sent_at DESC, id DESC LIMIT 1",
    ),
    _q(
        "followups.current_checkin",
        TURN,
        "SELECT f.* FROM cases c CROSS JOIN followups f ON f.case_id = c.id WHERE c.member_id = ? AND c.status = 'open'"
        " AND f.status IN ('sent', 'answered') AND f.sent_at >= ? ORDER BY f.sent_at DESC, f.id DESC LIMIT 1",
    ),
    _q(
        "followups.next_due_for_cases",
        TURN,
        "SELECT case_id, min(due_at) AS due FROM followups WHERE status = 'pending' AND case_id IN (?) GROUP BY case_id",
    ),
    _q("followups.due", TICK, "SELECT * FROM followups WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?"),
    _q("followups.postpone", TICK, "UPDATE followups SET due_at = ? WHERE id = ? AND status = 'pending'"),
    _q("followups.mark_queued", TICK, "UPDATE followups SET status = 'queued', outbox_id = ? WHERE id = ?"),
    _q(
        "followups.mark_sent",
        TICK,
        "UPDATE followups SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued'",
    ),
    _q("followups.mark_answered", TURN, "UPDATE followups SET status = 'answered', answered_at = ?, answer = ? WHERE id = ?"),
    _q("followups.unqueue", TURN, "SELECT id, outbox_id FROM followups WHERE case_id = ? AND status = 'queued'"),
    _q("followups.unqueue", TURN, "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE id = ? AND status = 'pending'"),
    _q("followups.unqueue", TURN, "UPDATE followups SET status = 'pending', outbox_id = NULL, due_at = ? WHERE id = ?"),
    _q(
        "followups.cancel_for_case",
        TURN,
        "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE status = 'pending' AND ref_kind = 'followup'"
        " AND ref_id IN (SELECT id FROM followups WHERE case_id = ? AND status IN ('pending', 'queued'))",
    ),
    _q(
        "followups.cancel_for_case",
        TURN,
        "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE status = 'pending' AND ref_kind = 'followup'"
        " AND ref_id IN (SELECT id FROM followups WHERE case_id = ? AND status IN ('pending', 'queued') AND kind IN (?))",
    ),
    _q(
        "followups.cancel_for_case",
        TURN,
        "UPDATE followups SET status = 'canceled' WHERE case_id = ? AND status IN ('pending', 'queued')",
    ),
    _q(
        "followups.cancel_for_case",
        TURN,
        "UPDATE followups SET status = 'canceled' WHERE case_id = ? AND status IN ('pending', 'queued') AND kind IN (?)",
    ),
    _q("followups.cancel_for_member", TICK, "SELECT id FROM cases WHERE member_id = ?"),
    # An urgent case past its 48 hours: once a bot-minute. It reads the open urgent cases (a tenth of the open
    # ones) and skips those already swept by their 'urgent_overdue' event; ~10 ms at campaign size.
    _q(
        "cases.urgent_without_appointment",
        TICK,
        "SELECT * FROM cases c WHERE c.urgency = 'urgent' AND c.status = 'open' AND c.member_id IS NOT NULL"
        " AND c.deadline_at IS NOT NULL AND datetime(c.deadline_at) <= datetime(?)"
        " AND c.new_appt_date IS NULL AND c.oon_offered_on IS NULL AND c.restored_on IS NULL"
        " AND coalesce(c.offered, '') NOT IN ('new_appt', 'out_of_network')"
        " AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'urgent_overdue')"
        " ORDER BY c.id LIMIT ?",
        small="once a bot-minute; urgent and open is about a tenth of the open cases",
    ),
    # --- the outbox: every reply, check-in and desk message
    _q(
        "outbox.enqueue",
        TURN,
        "INSERT INTO outbox (chat_id, member_id, kind, action, payload, status, created_at, priority, ref_kind, ref_id,"
        " thread_id, not_before) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
    ),
    _q("outbox.get", TURN, "SELECT * FROM outbox WHERE id = ?"),
    _q("outbox.claim", TURN, "UPDATE outbox SET status = 'sending', claimed_at = ? WHERE id = ? AND status = 'pending'"),
    *(
        _q(
            "outbox.claim_next",
            TICK,
            "SELECT o.id FROM outbox o WHERE o.status = 'pending' AND (o.not_before IS NULL OR o.not_before <= ?)"
            f"{busy} AND (o.priority >= ? OR ((o.not_before IS NOT NULL OR o.created_at <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.status IN ('pending', 'sending')"
            "                 AND e.priority < ? AND e.id < o.id)))"
            " ORDER BY o.priority, o.id LIMIT 1",
            small=_PENDING_OUTBOX,
        )
        for busy in ("", " AND o.chat_id NOT IN (?)")
    ),
    _q(
        "outbox.defer_after",
        TURN,
        "UPDATE outbox SET not_before = coalesce(not_before, ?) WHERE status = 'pending' AND id IN (?)",
    ),
    _q("outbox._finish", TURN, "DELETE FROM outbox WHERE id = ?"),
    _q(
        "outbox._finish",
        TURN,
        "UPDATE outbox SET status = ?, sent_at = ?, message_id = ?, payload = '{}', attempts = attempts + 1 WHERE id = ?",
    ),
    _q(
        "outbox.release",
        TICK,
        "UPDATE outbox SET status = 'pending', claimed_at = NULL, attempts = attempts + 1, not_before = ? WHERE id = ? AND status = 'sending'",
    ),
    _q(
        "outbox.hold",
        TICK,
        "UPDATE outbox SET status = 'held', claimed_at = NULL WHERE id = ? AND status IN ('pending', 'sending')",
    ),
    _q(
        "outbox.release_held",
        TICK,
        "SELECT id, payload FROM outbox WHERE status = 'held' AND ref_kind = ? AND ref_id = ? ORDER BY id",
    ),
    _q(
        "outbox.release_held",
        TICK,
        "UPDATE outbox SET status = 'pending', thread_id = ?, payload = ?, not_before = NULL WHERE id = ?",
    ),
    _q(
        "outbox.cancel_for_chat",
        TICK,
        "UPDATE outbox SET status = 'canceled', payload = '{}' WHERE chat_id = ? AND status = 'pending'",
    ),
    _q(
        "outbox.in_progress",
        TICK,
        "SELECT 1 FROM outbox WHERE ref_kind IN (?) AND ref_id = ? AND status IN ('pending', 'sending') LIMIT 1",
    ),
    _q(
        "outbox.by_message",
        DESK,
        "SELECT * FROM outbox WHERE chat_id = ? AND message_id = ? AND status = 'sent' ORDER BY id DESC LIMIT 1",
    ),
    _q("outbox.set_member", TURN, "UPDATE outbox SET member_id = ? WHERE id = ?"),
    # --- escalations and the desk
    _q(
        "escalations.open_for_member",
        TURN,
        "SELECT * FROM escalations WHERE member_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
    ),
    _q(
        "escalations.raise_",
        TURN,
        "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?)",
    ),
    _q(
        "escalations.raise_",
        TURN,
        "INSERT INTO escalations (member_id, case_id, priority, reason, status, created_at, updated_at, category)"
        " VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
    ),
    # The desk follows the case: active escalations (the few at the desk) whose case the member closed.
    _q(
        "escalations.active_on_closed_cases",
        TICK,
        "SELECT e.id, c.close_reason FROM escalations e JOIN cases c ON c.id = e.case_id"
        " WHERE e.status IN ('open', 'claimed') AND c.status = 'closed'",
        small="active escalations are the few at the desk; each case by its id",
    ),
    # Note mode: one row per volunteer writing a note (a handful at most).
    _q("escalations.note_mode", DESK, "SELECT escalation_id FROM desk_note_modes WHERE user_id = ?"),
    _q("escalations.note_mode", DESK, "SELECT prompt_message_id FROM desk_note_modes WHERE user_id = ?"),
    _q("escalations.raise_", TURN, "UPDATE escalations SET priority = ?, reason = ?, updated_at = ? WHERE id = ?"),
    _q("escalations.raise_", TURN, "UPDATE escalations SET case_id = ? WHERE id = ?"),
    _q("escalations.get", DESK, "SELECT * FROM escalations WHERE id = ?"),
    _q(
        "escalations.open_escalations",
        TICK,
        "SELECT * FROM escalations WHERE status IN ('open', 'claimed') ORDER BY priority, created_at",
        small=_OPEN_OR_CLAIMED,
    ),
    _q(
        "escalations.for_case",
        DESK,
        "SELECT * FROM escalations WHERE case_id = ? AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
    ),
    _q(
        "escalations.withdraw_for_member",
        TURN,
        "UPDATE escalations SET status = 'withdrawn', updated_at = ? WHERE member_id = ? AND status IN ('open', 'claimed')",
    ),
    _q(
        "escalations.claim",
        DESK,
        "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_by_name = ?, claimed_at = coalesce(claimed_at, ?),"
        " last_volunteer_at = ?, updated_at = ? WHERE id = ? AND status = 'open'",
    ),
    _q(
        "escalations.release",
        DESK,
        "UPDATE escalations SET status = 'open', claimed_by = NULL, announced_at = ?, updated_at = ? WHERE id = ? AND status = 'claimed'",
    ),
    _q(
        "escalations.resolve",
        DESK,
        "UPDATE escalations SET status = 'resolved', resolution = ?, resolved_at = ?, updated_at = ? WHERE id = ? AND status IN ('open', 'claimed')",
    ),
    _q("escalations.set_posted", TICK, "UPDATE escalations SET topic_id = ? WHERE id = ?"),
    _q("escalations.set_posted", TICK, "UPDATE escalations SET card_message_id = ? WHERE id = ?"),
    _q(
        "escalations.forget_desk_place",
        TICK,
        "UPDATE escalations SET topic_id = NULL, card_message_id = NULL, announced_at = NULL WHERE id = ?",
    ),
    _q("escalations.mark_announced", TICK, "UPDATE escalations SET announced_at = ? WHERE id = ?"),
    _q("escalations.touch_volunteer", DESK, "UPDATE escalations SET last_volunteer_at = ? WHERE id = ?"),
    _q(
        "escalations.unposted",
        TICK,
        "SELECT * FROM escalations WHERE status IN ('open', 'claimed') AND card_message_id IS NULL ORDER BY priority, id",
        small=_OPEN_OR_CLAIMED,
    ),
    _q("escalations.by_topic", DESK, "SELECT * FROM escalations WHERE topic_id = ? ORDER BY id DESC LIMIT 1"),
    _q("escalations.by_card", DESK, "SELECT * FROM escalations WHERE card_message_id = ? ORDER BY id DESC LIMIT 1"),
    _q(
        "escalations.claimed_by_user",
        DESK,
        "SELECT * FROM escalations WHERE status = 'claimed' AND claimed_by = ? ORDER BY priority, created_at",
    ),
    _q("escalations.add_note", DESK, "INSERT INTO desk_notes (escalation_id, author, text, at) VALUES (?, ?, ?, ?)"),
    _q("escalations.notes", DESK, "SELECT author, text, at FROM desk_notes WHERE escalation_id = ? ORDER BY id"),
    _q("audit.record", DESK, "INSERT INTO audit_log (at, actor, action, case_ref, detail, allowed) VALUES (?, ?, ?, ?, ?, ?)"),
    _q("announcements.sending", TICK, "SELECT * FROM announcements WHERE status = 'sending' ORDER BY id", small=_ANNOUNCEMENTS),
]


# ------------------------------------------------------------------ shapes

_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
_LIST = re.compile(r"\?(?:\s*,\s*\?)+")
_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|ANALYZE|--)", re.IGNORECASE)
_SCHEMA = re.compile(r"\bsqlite_(master|schema|stat\d)\b", re.IGNORECASE)


def shape(sql: str) -> str:
    """The query with its values taken out: every literal and parameter is `?`, an IN list of any length is one `?`."""
    text = _STRING.sub("?", sql)
    text = _NUMBER.sub("?", text)
    text = re.sub(r"\bNULL\b", "?", text, flags=re.IGNORECASE)
    text = _LIST.sub("?", text)
    return " ".join(text.replace("( ", "(").replace(" )", ")").split())


_SHAPES: dict[str, HotQuery] = {}


def _shapes() -> dict[str, HotQuery]:
    if not _SHAPES:
        _SHAPES.update({shape(q.sql): q for q in HOT_QUERIES})
    return _SHAPES


def is_control(sql: str) -> bool:
    """Transactions, pragmas and schema lookups: not queries on the data."""
    return bool(_CONTROL.match(sql)) or bool(_SCHEMA.search(sql))


def unlisted(statements) -> list[str]:
    """The shapes of the statements (as traced) that are not in HOT_QUERIES, each once, in order."""
    known, out = _shapes(), []
    for sql in statements:
        if is_control(sql):
            continue
        s = shape(sql)
        if s not in known and s not in out:
            out.append(s)
    return out


def by_name(name: str) -> HotQuery:
    return next(q for q in HOT_QUERIES if q.name == name)


# ------------------------------------------------------------------ plans

_ALIAS = re.compile(r"\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_KEYWORDS = {"WHERE", "SET", "JOIN", "ON", "ORDER", "GROUP", "LIMIT", "LEFT", "INNER", "USING", "AND", "VALUES", "WITH"}


def _tables(sql: str) -> dict[str, str]:
    """alias or name -> table, as the query plan names them."""
    out = {}
    for table, alias in _ALIAS.findall(sql):
        out[table] = table
        if alias and alias.upper() not in _KEYWORDS:
            out[alias] = table
    return out


def plan(db, sql: str) -> list[str]:
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, [None] * sql.count("?")).fetchall()]


def plan_problems(db, query: HotQuery) -> list[str]:
    """What in the query's plan would cost time at campaign scale: scans of large tables, walks on status alone."""
    tables, problems = _tables(query.sql), []
    for line in plan(db, query.sql):
        m = re.match(
            r"(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+)(?: \((.*)\))?| USING INTEGER PRIMARY KEY \((.*)\))?", line
        )
        if not m:
            continue
        table = tables.get(m.group(2), m.group(2))
        if table not in LARGE_TABLES:
            continue
        if m.group(1) == "SCAN":
            if m.group(3) and _is_partial(db, table, m.group(3)):
                continue  # a partial index holds only the few rows the query is after (e.g. unsent, open)
            problems.append(f"{line} (a scan of {table})")
            continue
        if m.group(5) is not None:  # rowid
            continue
        columns = {c.split("=")[0].split("<")[0].split(">")[0].strip() for c in (m.group(4) or "").split(" AND ")}
        if columns <= LOW_CARDINALITY and not query.small:
            problems.append(f"{line} (narrows {table} only by {', '.join(sorted(columns))})")
    return problems


def _is_partial(db, table: str, index: str) -> bool:
    return any(row[1] == index and row[4] for row in db.execute(f"PRAGMA index_list([{table}])").fetchall())


def migration_7_indexes() -> list[str]:
    """The CREATE INDEX statements of migration 7 (tests drop and restore them)."""
    sql = next(s for n, _, s in MIGRATIONS if n == 7)
    statements = [" ".join(line.split("--")[0] for line in part.splitlines()).strip() for part in sql.split(";")]
    return [" ".join(s.split()) for s in statements if s.upper().startswith("CREATE INDEX")]


def scale_statistics(db, factor: float) -> None:
    """Make sqlite_stat1 describe a database `factor` times bigger (the rows per value of a column with few values
    grow with it; of a column with a value per member or case, they don't), then have the planner reload it."""
    rows = db.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()
    for tbl, idx, stat in rows:
        numbers = stat.split()
        total = int(numbers[0])
        scaled = [str(int(total * factor))]
        for avg in numbers[1:]:
            avg = int(avg)
            few_values = avg and total / avg <= 50
            scaled.append(str(int(avg * factor) if few_values else avg))
        db.execute("UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx IS ?", [" ".join(scaled), tbl, idx])
    db.execute("ANALYZE sqlite_schema")
