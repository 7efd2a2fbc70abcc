"""Webhook mode never takes an update it cannot authenticate: no secret, no update; odd bodies get 400, not 500."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.app import build_core, serve
from tests.conftest import bot_settings
from tests.fault_helpers import quick_backoff
from tests.test_webhook import free_port

ORGANIZER = 42
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def command_update(update_id: int, user_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
            "chat": {"id": user_id, "type": "private", "first_name": "O"},
            "from": {"id": user_id, "is_bot": False, "first_name": "O", "language_code": "en"},
        },
    }


async def start_webhook_bot(standin, tmp_path, **overrides):
    port = free_port()
    settings = bot_settings(
        standin,
        tmp_path / "carebot.db",
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_port=port,
        organizer_ids=str(ORGANIZER),
        **overrides,
    )
    core = build_core(settings)
    stop, ready = asyncio.Event(), asyncio.Event()
    intakes: list = []
    task = asyncio.create_task(
        serve(settings, stop, core=core, ready=ready, backoff=quick_backoff(), intake_ready=intakes.append)
    )
    await asyncio.wait_for(ready.wait(), 15)
    await standin.wait_for(lambda: standin.webhook_url.endswith("/telegram"), 10)
    return core, intakes[0], stop, task


def sent_to(standin, chat_id: int) -> list[str]:
    return [m for m, p in standin.calls if str(p.get("chat_id")) == str(chat_id)]


async def test_forged_export_from_an_organizers_id_without_the_secret_sends_nothing(standin, tmp_path):
    core, intake, stop, task = await start_webhook_bot(standin, tmp_path)  # no CAREBOT_WEBHOOK_SECRET configured
    try:
        set_webhook = [p for m, p in standin.calls if m == "setWebhook"][-1]
        secret = set_webhook.get("secret_token") or ""
        assert len(secret) >= 32  # generated, and given to Telegram
        async with aiohttp.ClientSession() as http:
            for n, headers in enumerate(({}, {HEADER: ""}, {HEADER: "guess"}, {HEADER: secret[:-1]})):
                async with http.post(
                    standin.webhook_url, json=command_update(7000 + n, ORGANIZER, "/export csv"), headers=headers
                ) as forged:
                    assert forged.status == 403
        assert intake.counters["webhook_forbidden"] == 4
        assert sent_to(standin, ORGANIZER) == []
        assert core.db.execute("SELECT count(*) FROM processed_updates").fetchone()[0] == 0
        # Telegram itself (which knows the secret) gets through: the same request with it is answered.
        async with aiohttp.ClientSession() as http:
            async with http.post(
                standin.webhook_url, json=command_update(7100, ORGANIZER, "/export csv"), headers={HEADER: secret}
            ) as real:
                assert real.status == 200
        await standin.wait_for(lambda: "sendDocument" in sent_to(standin, ORGANIZER), 20)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b"{}", b'{"update_id": "1"}', b'{"update_id": true}', b"\xff\xfe", b'"text"', b"null"]
)
async def test_a_body_that_is_not_an_update_gets_400_and_the_bot_carries_on(standin, tmp_path, body):
    core, intake, stop, task = await start_webhook_bot(standin, tmp_path, webhook_secret="configured-secret_1")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(
                standin.webhook_url, data=body, headers={HEADER: "configured-secret_1", "Content-Type": "application/json"}
            ) as bad:
                assert bad.status == 400
                assert "Traceback" not in await bad.text()
            async with http.post(
                standin.webhook_url, json=command_update(7200, 9401, "/start"), headers={HEADER: "configured-secret_1"}
            ) as good:
                assert good.status == 200
        member = standin.user(9401)
        await standin.wait_for(lambda: bool(member.messages), 10)
        assert "Choose your language" in member.last.text
        assert intake.counters["webhook_bad_body"] == 1
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_an_unreadable_update_posted_by_telegram_is_set_aside_with_200(standin, tmp_path):
    core, intake, stop, task = await start_webhook_bot(standin, tmp_path, webhook_secret="s")
    try:
        update = command_update(7300, 9402, "/start")
        update["message"]["poll"] = {
            "id": "1",
            "question": "q",
            "options": [],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        async with aiohttp.ClientSession() as http:
            async with http.post(standin.webhook_url, json=update, headers={HEADER: "s"}) as set_aside:
                assert set_aside.status == 200  # else Telegram would send it again forever
        assert [r["update_id"] for r in core.db.query("SELECT update_id FROM quarantined_updates")] == [7300]
        assert sent_to(standin, 9402) == []
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_webhook_mode_refuses_to_start_with_a_secret_telegram_would_reject(standin, tmp_path):
    settings = bot_settings(
        standin,
        tmp_path / "carebot.db",
        webhook_url="http://127.0.0.1:1",
        webhook_port=free_port(),
        webhook_secret="has spaces and ünïcode",
    )
    with pytest.raises(SystemExit, match="CAREBOT_WEBHOOK_SECRET"):
        await serve(settings, asyncio.Event(), core=build_core(settings))
    assert not any(m == "setWebhook" for m, _ in standin.calls)
