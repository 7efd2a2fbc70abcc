"""The bot token never reaches a log line or a traceback, even when aiohttp's error text names the URL."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback

import pytest
from telegram.error import NetworkError

from bot.cli import RedactingFormatter
from bot.http import AiohttpRequest
from bot.standin import StandIn
from tests.fault_helpers import faulty_bot, wait_until

TOKEN = "8123456789:AAH-realistic_looking-secret-part-xyz123"


@pytest.fixture
async def standin_with_real_looking_token():
    server = await StandIn(token=TOKEN).start()
    yield server
    await server.stop()


async def test_a_redirecting_api_at_start_leaves_the_token_out_of_logs_and_tracebacks(
    standin_with_real_looking_token, tmp_path, caplog
):
    standin = standin_with_real_looking_token
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="telegram")
    standin.redirect_everything()
    async with faulty_bot(standin, tmp_path, wait_ready=False) as bot:
        await wait_until(lambda: sum(len(b.waits) for b in bot.backoff.children) >= 3)
        # The bot keeps trying (and starts once the API behaves).
        standin.redirect_everything(False)
        member = standin.user(8601)
        await member.command("start")
        await standin.wait_for(lambda: bool(member.messages), 15)
    assert "getMe failed (NetworkError)" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


async def test_the_network_error_from_a_redirect_loop_carries_no_token_in_its_text_or_chain(standin_with_real_looking_token):
    standin = standin_with_real_looking_token
    standin.redirect_everything()
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"{standin.base_url}{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    shown = "".join(traceback.format_exception(caught.value))
    assert "TooManyRedirects" in shown  # the error says what happened...
    assert TOKEN.split(":")[1] not in shown  # ...without the token, also not in a chained exception


def test_log_lines_and_tracebacks_are_redacted_whatever_logs_them():
    try:
        raise RuntimeError(f"failed to reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "call to %s failed", (f"/bot{TOKEN}/x",), exc_info=sys.exc_info()
        )
    line = RedactingFormatter("%(message)s").format(record)
    assert "<token>" in line and TOKEN.split(":")[1] not in line


async def test_a_rejected_token_stops_the_start_with_a_message_that_does_not_quote_it(standin_with_real_looking_token, tmp_path):
    from bot.app import build_core, serve
    from tests.conftest import bot_settings

    wrong = "8123456789:AAH-not-the-right-one-but-looks-real-99"
    settings = bot_settings(standin_with_real_looking_token, tmp_path / "carebot.db", token=wrong)
    with pytest.raises(SystemExit) as stopped:
        await serve(settings, asyncio.Event(), core=build_core(settings))
    shown = str(stopped.value) + "".join(traceback.format_exception(stopped.value))
    assert "rejected the bot token" in shown and wrong.split(":")[1] not in shown
