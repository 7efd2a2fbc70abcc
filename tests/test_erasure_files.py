"""No health data where it shouldn't be: nothing of an erased member in the database, -wal or -shm, running or
stopped; every file the bot and its commands write is readable by its owner only."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import TUESDAY_MORNING
from tests.fault_helpers import faulty_bot, wait_until
from tests.flows import consent, file_case
from tests.test_privacy import CHAT_ID, CLINIC_TYPED, FIRST_NAME, file_a_case_with_free_text, leftovers


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_after_delete_and_a_clean_stop_no_file_holds_anything_of_the_member(standin, tmp_path):
    async with faulty_bot(standin, tmp_path) as bot:
        path = bot.settings.db_path
        member = standin.user(CHAT_ID, FIRST_NAME, "en")
        await file_a_case_with_free_text(member)
        assert leftovers(path), "the member's data should be on disk before /delete (else this proves nothing)"
        await member.ask("/delete")
        await member.tap("Yes, erase my data")
        await wait_until(lambda: not leftovers(path), 10)
        # More members keep writing; the erased one stays gone.
        await consent(standin.user(8501, "Other", "en"))
        assert not leftovers(path)
    assert not leftovers(path)
    assert not Path(path + "-wal").exists() or Path(path + "-wal").stat().st_size == 0


async def test_carebot_purge_beside_the_running_bot_leaves_nothing_of_an_erased_member(standin, tmp_path, monkeypatch):
    async with faulty_bot(standin, tmp_path) as bot:
        path = bot.settings.db_path
        member = standin.user(CHAT_ID, FIRST_NAME, "en")
        await consent(member)
        await member.tap("Individual therapy")
        await member.ask("yesterday")
        await member.ask(CLINIC_TYPED)
        await member.tap("It's not listed")  # a draft with the clinic they typed, then they went quiet
        assert leftovers(path)
        monkeypatch.setenv("CAREBOT_DB", path)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr("bot.cli_organizers._Env.now", lambda self: TUESDAY_MORNING + timedelta(days=30))
        umask = os.umask(0o022)
        try:
            result = CliRunner().invoke(main, ["purge", "--days", "10"])
        finally:
            os.umask(umask)
        assert result.exit_code == 0, result.output
        assert "members who were erased: 1" in result.output
        assert not leftovers(path)  # at once: the command truncates the -wal before it exits
        await consent(standin.user(8502, "Other", "en"))
        assert not leftovers(path)
    assert not leftovers(path)


async def test_database_and_its_journal_are_0600_in_a_0700_directory(standin, tmp_path):
    data = tmp_path / "data"
    umask = os.umask(0o022)  # a typical umask: files would be world-readable by default
    try:
        async with faulty_bot(standin, tmp_path, db_path=str(data / "carebot.db")) as bot:
            await file_case(standin.user(8503))
            for suffix in ("", "-wal", "-shm"):
                assert mode(bot.settings.db_path + suffix) == 0o600, suffix
            assert mode(data) == 0o700
    finally:
        os.umask(umask)


async def test_exports_and_report_files_written_by_the_cli_are_0600(standin, tmp_path, monkeypatch):
    async with faulty_bot(standin, tmp_path) as bot:
        await file_case(standin.user(8504))
        path = bot.settings.db_path
    monkeypatch.setenv("CAREBOT_DB", path)
    monkeypatch.chdir(tmp_path)
    umask = os.umask(0o022)
    try:
        exported = CliRunner().invoke(main, ["export", "--out", str(tmp_path / "exports" / "cases.csv")])
        reported = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "report")])
    finally:
        os.umask(umask)
    assert exported.exit_code == 0 and reported.exit_code == 0, exported.output + reported.output
    files = [
        tmp_path / "exports" / "cases.csv",
        tmp_path / "exports" / "cases.dictionary.csv",
        *sorted((tmp_path / "report").iterdir()),
    ]
    assert len(files) >= 5  # export, dictionary, report.txt and the charts
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(tmp_path / "exports") == 0o700 and mode(tmp_path / "report") == 0o700
