"""Tables don't grow forever: handled update ids, set-aside updates and sent messages' rows go after their useful life;
nothing still needed (an update not yet handled, a message not yet sent) ever does."""

from __future__ import annotations

from datetime import timedelta

from storage import members, outbox, updates
from storage.db import open_db
from tests.conftest import TUESDAY_MORNING

NOW = TUESDAY_MORNING


def test_old_handled_update_ids_go_and_unhandled_ones_stay():
    db = open_db(":memory:")
    with db.atomic():
        for update_id, age_days, handled in ((1, 10, True), (2, 10, False), (3, 1, True)):
            at = NOW - timedelta(days=age_days)
            updates.record_received(db, update_id, {"update_id": update_id}, at)
            if handled:
                updates.mark_done(db, update_id, at)
        assert updates.prune(db, NOW) == 1
    assert [r[0] for r in db.execute("SELECT update_id FROM processed_updates ORDER BY update_id")] == [2, 3]
    assert updates.pending(db) == [{"update_id": 2}]  # an update received but never handled is still replayed


def test_sent_messages_rows_go_after_30_days_and_pending_ones_never():
    db = open_db(":memory:")
    with db.atomic():
        old_sent = outbox.enqueue(
            db, chat_id=1, action="send", payload={"text": "a"}, now=NOW - timedelta(days=40), member_id="m_1"
        )
        outbox.claim(db, old_sent.id, NOW - timedelta(days=40))
        outbox.mark_sent(db, old_sent.id, NOW - timedelta(days=40), message_id=5)
        recent = outbox.enqueue(db, chat_id=1, action="send", payload={"text": "b"}, now=NOW - timedelta(days=2), member_id="m_1")
        outbox.claim(db, recent.id, NOW - timedelta(days=2))
        outbox.mark_sent(db, recent.id, NOW - timedelta(days=2), message_id=6)
        waiting = outbox.enqueue(
            db, chat_id=1, action="send", payload={"text": "c"}, now=NOW - timedelta(days=40), member_id="m_1"
        )
        assert outbox.prune_sent(db, NOW) == 1
    assert [r[0] for r in db.execute("SELECT id FROM outbox ORDER BY id")] == [recent.id, waiting.id]


def test_set_aside_updates_go_after_two_weeks_and_with_the_members_delete():
    db = open_db(":memory:")
    with db.atomic():
        updates.quarantine(db, 10, {"update_id": 10, "message": {"chat": {"id": 77}}}, "TypeError", NOW - timedelta(days=20))
        updates.quarantine(db, 11, {"update_id": 11, "message": {"chat": {"id": 78}}}, "TypeError", NOW)
        updates.quarantine(db, 12, {"update_id": 12, "message": {"chat": {"id": 79}}}, "TypeError", NOW)
        assert updates.prune_quarantine(db, NOW) == 1
        member = members.create(db, chat_id=78, lang="en", source=None, now=NOW)
        members.erase(db, member.id)
    assert [r[0] for r in db.execute("SELECT update_id FROM quarantined_updates")] == [12]
