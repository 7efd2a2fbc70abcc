"""The offline demo: the real bot against the local stand-in, and you as the member in the terminal.

Buttons are shown as numbers: type 1, 2, ... to press one on the newest message
that has buttons. Type text or /commands as in Telegram. `:sticker`, `:photo`,
`:voice` send those; `:quit` (or Ctrl-D) ends the demo.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace

from bot.settings import Settings
from bot.standin import Sent, StandIn

DEMO_CHAT = 424242
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def show(message: Sent, edited: bool = False) -> None:
    head = f"{DIM}carebot{' (edited)' if edited else ''}:{RESET}"
    print(f"\n{head}\n{message.text}")
    if message.document:
        print(f"{DIM}[file: {message.document['file_name']}, {message.document['file_size']} bytes]{RESET}")
    n = 0
    for row in message.buttons:
        cells = []
        for b in row:
            n += 1
            cells.append(f"[{n}] {b['text']}")
        print("   " + "   ".join(cells))
    sys.stdout.flush()


async def run_demo(settings: Settings, *, db_path: str | None = None, lines=None, speed: float = 1.0) -> None:
    """Start the stand-in and the bot; read the member's lines from `lines` or the terminal.

    With `speed` above 1 the bot's clock runs that much faster (86400: a day a second), so
    check-ins, deadlines and "were you seen?" arrive while you watch.
    """
    from bot.app import build_core, serve
    from dialogs.clock import FastClock

    standin = await StandIn().start()
    demo_settings = replace(
        settings,
        token=standin.token,
        api_base_url=standin.base_url,
        db_path=db_path or "./carebot-demo.db",
        webhook_url="",
        poll_timeout=1,
        rate_limit=0,  # the stand-in has no flood limits; replies come at once
    )
    member = standin.user(DEMO_CHAT, "Demo", "en")

    def on_edit(s: Sent) -> None:
        # A pressed question is rewritten to show the choice: print just that line.
        last_line = s.text.rsplit("\n", 1)[-1]
        if last_line.startswith("✓") and not s.buttons:
            print(f"{DIM}{last_line}{RESET}")
        elif s.buttons or s.text:
            show(s, edited=True)

    standin.on_bot_message = show
    standin.on_bot_edit = on_edit
    stop, ready = asyncio.Event(), asyncio.Event()
    core = build_core(demo_settings)
    if speed != 1.0:
        core.clock = FastClock(speed=speed)
    bot_task = asyncio.create_task(serve(demo_settings, stop, core=core, ready=ready))
    await ready.wait()
    print(f"{BOLD}carebot offline demo{RESET}: you are a member chatting with the bot (database {demo_settings.db_path}).")
    print("Type /start to begin. Numbers press buttons. :sticker :photo :voice send those. :quit ends.")
    if speed != 1.0:
        print(f"The bot's clock runs {speed:g} times faster: check-ins arrive while you watch.")
    print()

    async def next_line() -> str | None:
        if lines is not None:
            return lines.pop(0) if lines else None
        return await asyncio.get_running_loop().run_in_executor(None, _read_line)

    try:
        while True:
            line = await next_line()
            if line is None or line.strip() == ":quit":
                break
            line = line.strip()
            if not line:
                continue
            if line.isdigit():
                pressable = [m for m in member.messages if m.buttons]
                if not pressable:
                    print("(no buttons to press)")
                    continue
                labels = [b for row in pressable[-1].buttons for b in row]
                index = int(line) - 1
                if not 0 <= index < len(labels):
                    print(f"(choose 1-{len(labels)})")
                    continue
                await member.press(data=labels[index]["callback_data"], message=pressable[-1])
            elif line == ":sticker":
                await member.sticker()
            elif line == ":photo":
                await member.photo()
            elif line == ":voice":
                await member.voice()
            else:
                await member.send(line)
            try:
                await member.settle(timeout=15, quiet=0.4)
            except TimeoutError:
                print("(the bot did not answer)")
    finally:
        stop.set()
        await bot_task
        await standin.stop()


def _read_line() -> str | None:
    try:
        return input("> ")
    except EOFError:
        return None
