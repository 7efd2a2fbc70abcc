"""Fast at strike scale: every query a member's turn, a desk action or the dispatcher's tick runs is listed in
storage/hot_queries.py, and each listed one is served by an index on a campaign-sized database (111,803 cases)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from benchmarks.campaign_db import build
from storage import hot_queries
from storage.db import open_db
from tests.conftest import TUESDAY_MORNING
from tests.flows import consent, file_case
from tests.test_desk import VOLUNTEER, card_for, start_desk_bot, wait_text
from tests.test_followups import wait_checkin

CAMPAIGN_CASES = 111_803


@pytest.fixture(scope="module", params=["analyzed", "never analyzed"])
def campaign_db(request, tmp_path_factory):
    """A database with the campaign's shape built small (2,000 cases, in about a second), whose statistics then
    say 111,803 cases: the planner chooses as it would on the real thing. And the same without statistics (a
    database no ANALYZE has seen yet): the indexes alone must lead the planner right."""
    path = tmp_path_factory.mktemp("plans") / "campaign.db"
    build(path, 2_000)
    db = open_db(path)
    if request.param == "analyzed":
        hot_queries.scale_statistics(db, CAMPAIGN_CASES / 2_000)
    else:
        db.execute("DELETE FROM sqlite_stat1")
        db.execute("ANALYZE sqlite_schema")
    db.stats = request.param
    yield db
    db.conn.close()


def test_the_statistics_say_campaign_size(campaign_db):
    if campaign_db.stats != "analyzed":
        pytest.skip("no statistics in this one")
    rows = dict(campaign_db.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'cases'").fetchall())
    assert int(rows["cases_member_status"].split()[0]) >= CAMPAIGN_CASES
    pending = int(campaign_db.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'followups_due'").fetchone()[0].split()[1])
    assert pending > 10_000  # a status value stands for tens of thousands of rows, as at campaign size


@pytest.mark.parametrize("query", hot_queries.HOT_QUERIES, ids=lambda q: q.name)
def test_no_listed_query_scans_a_large_table_at_campaign_size(campaign_db, query):
    problems = hot_queries.plan_problems(campaign_db, query)
    assert not problems, f"{query.name} ({query.where}): " + "; ".join(problems)


def test_a_query_that_walks_every_pending_checkin_is_caught(campaign_db):
    """The check itself: the plan the issue found (the (status, due_at) index for one case's check-ins) fails it."""
    path = campaign_db.execute("PRAGMA database_list").fetchone()[2]
    db = open_db(path, migrate=False)  # a connection of its own: no statement prepared before the index went
    db.execute("DROP INDEX followups_case_status")
    try:
        problems = hot_queries.plan_problems(db, hot_queries.by_name("followups.pending_for_case"))
        assert problems == ["SEARCH followups USING INDEX followups_due (status=?) (narrows followups only by status)"]
    finally:
        db.execute(next(s for s in hot_queries.migration_7_indexes() if "followups_case_status" in s))
        db.conn.close()


def test_an_unlisted_query_is_reported_with_its_shape():
    seen = ["SELECT * FROM followups WHERE kind = 'checkin' AND answer = 'wait'", "BEGIN", "PRAGMA optimize"]
    assert hot_queries.unlisted(seen) == ["SELECT * FROM followups WHERE kind = ? AND answer = ?"]


def test_shapes_ignore_values_and_the_length_of_in_lists():
    listed = "SELECT * FROM outbox o WHERE o.chat_id NOT IN (?,?) AND status IN ('pending', 'sending') AND x = ?"
    traced = "SELECT * FROM outbox o WHERE o.chat_id NOT IN (12,-100123, 7)  AND status IN ('pending', 'sending') AND x = 'it''s'"
    assert hot_queries.shape(listed) == hot_queries.shape(traced)


async def test_every_query_a_member_a_volunteer_or_the_dispatcher_runs_is_listed(standin, tmp_path):
    """A report, check-ins answered, a question, /mycases, /pause and /resume, a crisis message, and the desk
    from the card to claim, talk, note and resolve: every statement on the bot's connection is in the list."""
    bot, group = await start_desk_bot(standin, tmp_path)
    seen: list[str] = []
    bot.db.conn.set_trace_callback(seen.append)
    try:
        member = bot.standin.user(9101)
        await file_case(member)
        await member.ask("/mycases")
        await member.ask("can I get care out of network?")
        bot.clock.set(TUESDAY_MORNING + timedelta(days=2, minutes=5))
        checkin = await wait_checkin(bot, member)
        await member.tap("Still waiting", message=checkin)
        await member.tap("It's getting harder")
        card = await card_for(bot, group, "")
        vol = group.user(VOLUNTEER, "Dana")
        await vol.press("Claim", message=card)
        await wait_text(bot, member.id, "has joined")
        await vol.send("Hello, I'm here.", thread_id=card.thread_id)
        await wait_text(bot, member.id, "I'm here")
        await member.send("thank you")
        await wait_text(bot, group.id, "thank you")
        await vol.send("!note called the clinic", thread_id=card.thread_id)
        await wait_text(bot, group.id, "Note saved")
        await vol.send("/queue")
        await vol.send("/mine")
        await vol.press("Resolve", message=card)
        await bot.standin.wait_for(lambda: "Why is it resolved?" in card.text, 10)
        await vol.press("Care restored", message=card)
        await wait_text(bot, member.id, "ended")
        await member.ask("/pause")
        await member.tap("3 days")
        await member.ask("/resume")
        other = bot.standin.user(9102)
        await consent(other)
        await other.ask("I want to kill myself")
        await card_for(bot, group, "crisis")
        bot.clock.advance(timedelta(minutes=6))
        await wait_text(bot, group.id, "unclaimed for")
        await bot.quiet(passes=3)  # a few dispatcher passes with nothing due
    finally:
        bot.db.conn.set_trace_callback(None)
        await bot.shutdown()
    assert len(seen) > 200
    missing = hot_queries.unlisted(seen)
    assert not missing, "queries not in storage/hot_queries.py:\n" + "\n".join(missing)


def test_a_database_upgraded_to_the_new_indexes_gets_statistics_for_them(tmp_path, monkeypatch):
    """Statistics stay fresh: the upgrade that adds indexes analyzes them, so the planner knows their worth."""
    import storage.db as storage_db

    path = tmp_path / "old.db"
    monkeypatch.setattr(storage_db, "MIGRATIONS", storage_db.MIGRATIONS[:6])
    build(path, 300)  # a campaign's worth of rows on the schema before migration 7
    old = open_db(path, migrate=False)
    old.execute("DELETE FROM sqlite_stat1")
    old.conn.close()
    monkeypatch.undo()
    db = open_db(path)
    stats = {row[0] for row in db.execute("SELECT idx FROM sqlite_stat1").fetchall()}
    assert {"followups_case_status", "cases_member_status", "escalations_case"} <= stats
    assert "followups_case" not in {r[1] for r in db.execute("PRAGMA index_list(followups)").fetchall()}
    db.conn.close()
