"""Webhook mode: Telegram posts updates; each is recorded before the bot answers 200, and a wrong secret is refused."""

from __future__ import annotations

import socket
import time

import aiohttp

from tests.conftest import bot_settings, start_bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_updates_posted_to_the_webhook_are_handled_and_a_wrong_secret_is_refused(standin, tmp_path):
    port = free_port()
    settings = bot_settings(
        standin, tmp_path / "carebot.db", webhook_url=f"http://127.0.0.1:{port}", webhook_port=port, webhook_secret="s3cret-token"
    )
    bot = await start_bot(standin, settings)
    try:
        await standin.wait_for(lambda: standin.webhook_url.endswith("/telegram"), 10)
        member = standin.user(9301)
        update = {
            "update_id": 5001,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                "chat": {"id": 9301, "type": "private", "first_name": "W"},
                "from": member.json(),
            },
        }
        async with aiohttp.ClientSession() as http:
            async with http.post(standin.webhook_url, json=update) as refused:
                assert refused.status == 403
            async with http.post(
                standin.webhook_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            ) as accepted:
                assert accepted.status == 200
            # Telegram may deliver the same update again: nothing happens twice.
            async with http.post(
                standin.webhook_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            ) as again:
                assert again.status == 200
        await standin.wait_for(lambda: 5001 in standin.handled, 10)  # handled (its reply sent); the copy was dropped
        await bot.quiet()
        assert len(member.messages) == 1 and "Choose your language" in member.last.text
    finally:
        await bot.shutdown()
