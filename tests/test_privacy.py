"""Members own their data: /delete leaves nothing of them, logs never hold what they wrote."""

from __future__ import annotations

import pytest

import logging
from pathlib import Path

from bot.cli import configure_logging
from tests.fault_helpers import wait_until
from tests.flows import answer_report, consent

NOTE = "zebra-secret-note-4242 my therapist Dr Quillfeather"
CLINIC_TYPED = "Clinica Xyzzyplex Norte"
FIRST_NAME = "Esperanzaunique"
CHAT_ID = 987654321123


@pytest.fixture
def running_bot(core_bot):
    """These tests are about the dialogs: they run on the core in-process (tests/core_chat.py)."""
    return core_bot


async def file_a_case_with_free_text(member, core=None) -> None:
    await consent(member)
    await answer_report(member, core, {"appt_date": "2026-11-23", "facility": None, "facility_text": CLINIC_TYPED, "note": NOTE})
    await member.tap("Confirm and file")


def int_bytes(n: int) -> list[bytes]:
    """How SQLite may store an integer: big-endian in 1-8 bytes (6 for a chat id this size)."""
    return [n.to_bytes(size, "big") for size in (6, 8)]


def database_bytes(path: str) -> dict[str, bytes]:
    """The database file, its -wal and its -shm, as they are on disk now."""
    return {suffix: Path(path + suffix).read_bytes() for suffix in ("", "-wal", "-shm") if Path(path + suffix).exists()}


def leftovers(
    path: str,
    *,
    secrets=(NOTE, "zebra-secret", "Quillfeather", CLINIC_TYPED, "Xyzzyplex", FIRST_NAME, str(CHAT_ID)),
    chat_id: int = CHAT_ID,
) -> list[str]:
    """Which of the member's secrets (or their chat id as SQLite stores integers) are in which file."""
    found = []
    for suffix, raw in database_bytes(path).items():
        found += [f"{s!r} in db{suffix}" for s in secrets if s.encode() in raw]
        found += [f"chat id in db{suffix}" for packed in int_bytes(chat_id) if packed in raw]
    return found


async def test_delete_leaves_no_name_note_chat_id_or_free_text_in_the_database_file(telegram_bot):
    member = telegram_bot.standin.user(CHAT_ID, FIRST_NAME, "en")
    await file_a_case_with_free_text(member, telegram_bot.core)
    # A second report in progress: its draft must go too.
    await member.ask("/report")
    await member.tap("Group therapy")
    await member.ask("/delete")
    done = await member.tap("Yes, erase my data")
    assert "Your personal data is erased" in done.text

    db = telegram_bot.db
    # No checkpoint forced here: the bot empties the -wal itself right after an erasure.
    path = telegram_bot.settings.db_path
    await wait_until(lambda: not leftovers(path), 10)
    assert not leftovers(path)
    # The anonymous record survives for the counts, closed as withdrawn: /delete means it (no check-ins, no desk).
    rows = list(db.query("SELECT member_id, note, facility_text, kind, status, close_reason FROM cases"))
    assert rows == [
        {
            "member_id": None,
            "note": None,
            "facility_text": None,
            "kind": "individual",
            "status": "closed",
            "close_reason": "deleted",
        }
    ]


async def test_deleted_member_starts_fresh_and_sees_no_old_cases(running_bot):
    member = running_bot.standin.user(4002)
    await file_a_case_with_free_text(member, running_bot.core)
    await member.ask("/delete")
    await member.tap("Yes, erase my data")
    again = await member.ask("/mycases")
    assert "To begin, tap /start" in again.text and again.labels() == ["English", "Español"]
    await consent(member)
    await member.ask("/mycases")
    listing, reminder = member.messages[-2:]
    assert "no filed cases yet" in listing.text
    assert "What kind of appointment" in reminder.text


async def test_delete_asks_first_and_no_keeps_everything(running_bot):
    member = running_bot.standin.user(4003)
    await file_a_case_with_free_text(member, running_bot.core)
    ask = await member.ask("/delete")
    assert "Are you sure?" in ask.text
    kept = await member.tap("No, keep it")
    assert "nothing was erased" in kept.text
    assert list(running_bot.db.query("SELECT note FROM cases")) == [{"note": NOTE}]


async def test_logs_never_hold_member_text_names_or_the_token(telegram_bot, caplog):
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        member = telegram_bot.standin.user(4004, FIRST_NAME, "en")
        await file_a_case_with_free_text(member, telegram_bot.core)
        await member.sticker()
        await member.settle()
        await member.ask("/delete")
        await member.tap("Yes, erase my data")
    finally:
        logging.getLogger().setLevel(logging.WARNING)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    for secret in (NOTE, "zebra-secret", CLINIC_TYPED, FIRST_NAME, telegram_bot.settings.token, "4004"):
        assert secret not in logged, secret


async def test_two_members_reporting_at_once_never_see_each_others_data(telegram_bot):
    import asyncio

    standin = telegram_bot.standin
    members = [standin.user(5000 + i, f"Member{i}", "en" if i % 2 else "es") for i in range(8)]

    async def report(i, member):
        note = f"private-note-of-member-{i}-{'x' * i}"
        if i % 2:
            from tests.flows import report_in_english

            await report_in_english(member, note=note)
            await member.tap("Confirm and file")
        else:
            from tests.flows import report_in_spanish

            await report_in_spanish(member, note=note)
            await member.tap("Confirmar y enviar")
        return note

    notes = await asyncio.gather(*(report(i, m) for i, m in enumerate(members)))
    for i, member in enumerate(members):
        seen = "\n".join(m.text for m in member.messages)
        assert notes[i] in seen
        for j, other in enumerate(notes):
            if j != i:
                assert other not in seen, (i, j)
    db = telegram_bot.db
    rows = list(db.query("SELECT m.chat_id, c.note FROM cases c JOIN members m ON m.id = c.member_id"))
    assert len(rows) == len(members)
    for row in rows:
        assert row["note"] == notes[row["chat_id"] - 5000]
