"""A local stand-in for the Telegram Bot API server (aiohttp on 127.0.0.1).

The real python-telegram-bot Application talks to it over real HTTP, exactly as
it talks to api.telegram.org. It implements the methods carebot calls, records
everything the bot sends, and lets a test (or the offline demo) act as a member:
send a message or a command, press a button on a given bot message, send a
sticker, photo or voice note, edit a message.

Nothing here reaches the internet.
"""

from bot.standin.limits import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    TOPIC_NAME_LIMIT,
    BadMarkup,
    Bucket,
    Switches,
    check_html,
    plain_text,
    utf16_len,
)
from bot.standin.people import FakeGroup, FakeGroupUser, FakeUser
from bot.standin.sent import Sent
from bot.standin.server import StandIn
from bot.standin.signals import BotSignals

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "CAPTION_LIMIT",
    "MESSAGE_LIMIT",
    "TOPIC_NAME_LIMIT",
    "BadMarkup",
    "BotSignals",
    "Bucket",
    "FakeGroup",
    "FakeGroupUser",
    "FakeUser",
    "Sent",
    "StandIn",
    "Switches",
    "check_html",
    "plain_text",
    "utf16_len",
]
