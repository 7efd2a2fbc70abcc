"""The offline demo (`make run` without a token): the real bot on the stand-in, driven from the terminal."""

from __future__ import annotations

import re

from bot.demo import run_demo
from bot.settings import Settings
from storage.db import open_db

REF = re.compile(r"\b[A-Z]{2}-[2-9A-HJ-NP-Z]{5}\b")
CONSENT = ["/start", "English", "1"]  # typed language, then the "I agree" button


async def test_a_newcomer_files_a_report_in_the_demo_typing_and_pressing_numbers(tmp_path, capsys):
    lines = CONSENT + ["individual therapy", "last monday", "sunset", "1", "1", "1", "2", "none", "1", "1", "1", ":quit"]
    await run_demo(Settings(), db_path=str(tmp_path / "demo.db"), lines=lines)
    out = capsys.readouterr().out
    assert "Did you mean Los Angeles Medical Center?" in out
    assert "Your report is filed" in out
    ref = REF.search(out[out.index("Your report is filed") :]).group(0)
    with open_db(str(tmp_path / "demo.db")) as db:
        rows = list(db.query("SELECT ref, status, note FROM cases"))
    assert rows == [{"ref": ref, "status": "open", "note": None}]  # "none" typed at the note means no note


async def test_bad_input_in_the_demo_gets_a_kind_reprompt_and_a_wrong_number_is_caught_locally(tmp_path, capsys):
    lines = CONSENT + [":sticker", "9", ":quit"]
    await run_demo(Settings(), db_path=str(tmp_path / "demo.db"), lines=lines)
    out = capsys.readouterr().out
    assert "I can't read stickers here" in out
    assert "(choose 1-5)" in out


async def test_in_the_demo_you_can_be_the_volunteer_who_claims_and_answers_the_member(tmp_path, capsys):
    lines = CONSENT + [
        "/cancel",
        "/volunteer",
        ":wait 10",
        ":desk",
        "1",
        "Hi, I'm here to help. When was your appointment?",
        "!note called the clinic",
        ":member",
        "Last Monday, nobody called me back",
        ":organizer",
        "/export",
        ":quit",
    ]
    await run_demo(Settings(), db_path=str(tmp_path / "demo.db"), lines=lines)
    out = capsys.readouterr().out
    assert "desk · 🟡" in out and "asked for a person" in out
    assert "A volunteer from the monitoring team has joined" in out
    relayed = next(line for line in out.splitlines() if "A volunteer from the monitoring team:" in line)
    assert "When was your appointment?" in relayed and "Dana" not in relayed
    assert "called the clinic" not in "".join(line for line in out.splitlines() if line.startswith("💬"))
    assert "👤 Member: Last Monday, nobody called me back" in out
    export = tmp_path / "carebot-demo-files"
    assert any(p.suffix == ".csv" for p in export.iterdir())


async def test_the_demo_run_again_on_the_same_database_hears_every_line(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    await run_demo(Settings(), db_path=db, lines=CONSENT + [":quit"])
    capsys.readouterr()
    await run_demo(Settings(), db_path=db, lines=["/mycases", ":quit"])
    assert "no filed cases yet" in capsys.readouterr().out


def test_make_run_without_a_token_starts_the_demo_with_no_log_lines_in_the_chat(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run"], input="/start\n:quit\n")
    assert result.exit_code == 0, result.output
    assert "starting the offline demo" in result.output
    assert "Choose your language" in result.output
    assert " INFO " not in result.output
    assert (tmp_path / "carebot-demo.db").exists()


async def test_in_the_demo_an_old_button_can_be_pressed_and_gets_a_kind_answer(tmp_path, capsys):
    # The topic menu stays on screen under the article it opened; its first topic, pressed again, still answers.
    lines = CONSENT + ["/cancel", "/rights", "1", ":old 1", ":quit"]
    await run_demo(Settings(), db_path=str(tmp_path / "demo.db"), lines=lines)
    out = capsys.readouterr().out
    assert out.count("If your need is urgent, Kaiser must see you within 48 hours") == 2
