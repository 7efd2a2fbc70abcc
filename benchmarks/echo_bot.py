"""The baseline: a bare python-telegram-bot echo bot (PTB's own Updater, concurrent updates).

Run by report_throughput.py against the same local stand-in as carebot.
"""

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


def next_button(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data=token[:60])]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text: echo it, with a button to press (the same mix of texts and presses as a report)."""
    text = update.message.text
    await update.effective_chat.send_message(text, reply_markup=next_button(text))


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Button: stop the spinner and echo its data with a new button."""
    data = update.callback_query.data + "+"
    await update.callback_query.answer()
    await update.effective_chat.send_message(data, reply_markup=next_button(data))


def main() -> None:
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(64)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(poll_interval=0, timeout=1)


if __name__ == "__main__":
    main()
