"""The offline demo: the real bot against the local stand-in, and you in the terminal.

You start as a member in a private chat with the bot. Buttons are shown as numbers:
type 1, 2, ... to press one on the newest message that has buttons. Type text or
/commands as in Telegram. `:sticker`, `:photo`, `:voice` send those; `:old N` presses button N on the
message before the newest one with buttons (an old button).

You can also be the other people carebot serves, on the same running bot:
`:desk` makes you Dana, a volunteer in the desk group (a forum: one topic per case;
what you type goes into the newest case's topic, or the topic chosen with
`:topic REF`); `:organizer` makes you Dana in her private chat with the bot
(`/export`, `/report`, `/announce`); `:member` brings you back. Files the bot sends
are saved next to the demo database. `:wait [seconds]` waits for the bot's next
message (a desk card, a check-in on the fast clock). `:quit` (or Ctrl-D) ends the demo.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.settings import Settings
from bot.standin import Sent, StandIn

DEMO_CHAT = 424242  # you, the member
DEMO_STAFF = 7777  # you, Dana: a volunteer and organizer (an admin of the demo)
DEMO_DESK = -1000424242  # the volunteer desk: a supergroup with forum topics
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")
PROMPTS = {"member": "> ", "desk": "desk> ", "organizer": "organizer> "}
_REF = re.compile(r"\b[A-Z]{2}-[2-9A-HJ-NP-Z]{5}\b")


class Demo:
    """Who you are at the moment, and how what the bot sends is printed."""

    def __init__(self, standin: StandIn, files_dir: Path):
        self.standin = standin
        self.files_dir = files_dir
        self.mode = "member"
        self.topic: int | None = None  # the desk topic you chose with :topic
        self.member = standin.user(DEMO_CHAT, "Demo", "en")
        self.desk = standin.group(DEMO_DESK, "Volunteer desk", forum=True)
        self.volunteer = self.desk.user(DEMO_STAFF, "Dana")
        self.organizer = standin.user(DEMO_STAFF, "Dana", "en")
        self.wake_dispatcher = None  # set once the bot runs: background messages go out at once
        self.answered = 0  # activity once the last line was answered: what came after is "the bot's next message"

    # ---------------------------------------------------------- printing

    def where(self, message: Sent) -> str:
        if message.chat_id == DEMO_DESK:
            topic = self.desk.topics.get(message.thread_id) if message.thread_id else None
            return f"desk · {topic}" if topic else "desk"
        if message.chat_id == DEMO_STAFF:
            return "carebot → Dana"
        return "carebot"

    def show(self, message: Sent, edited: bool = False) -> None:
        print(f"\n{DIM}{self.where(message)}{' (edited)' if edited else ''}:{RESET}\n{message.text}")
        if message.document:
            print(f"{DIM}[file: {self.save(message.document)}]{RESET}")
        n = 0
        for row in message.buttons:
            cells = []
            for b in row:
                n += 1
                cells.append(f"[{n}] {b['text']}")
            print("   " + "   ".join(cells))
        sys.stdout.flush()

    def on_edit(self, message: Sent) -> None:
        # A pressed question is rewritten to show the choice: print just that line.
        last_line = message.text.rsplit("\n", 1)[-1]
        if last_line.startswith("✓") and not message.buttons:
            print(f"{DIM}{last_line}{RESET}")
        elif message.buttons or message.text:
            self.show(message, edited=True)

    def save(self, document: dict) -> str:
        """A document the bot sent (an export, a complaint letter, a chart): written to a file."""
        content = document.get("content")
        name = Path(document.get("file_name") or "file").name
        if not content:
            return f"{name}, {document.get('file_size', 0)} bytes"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / name
        path.write_bytes(content)
        return f"{name}, {len(content)} bytes, saved to {path}"

    # ---------------------------------------------------------- acting

    def activity(self) -> int:
        return sum(self.standin.activity(chat) for chat in (DEMO_CHAT, DEMO_STAFF, DEMO_DESK))

    def current_topic(self) -> int | None:
        """Where desk text goes: the chosen topic, else the one with the newest message."""
        if self.topic in self.desk.topics:
            return self.topic
        for message in reversed(self.desk.messages):
            if message.thread_id in self.desk.topics:
                return message.thread_id
        return None

    def prompt(self) -> str:
        if self.mode == "desk" and (topic := self.current_topic()) is not None:
            ref = _REF.search(self.desk.topics.get(topic, ""))
            return f"desk {ref.group(0) if ref else ''}> "
        return PROMPTS[self.mode]

    def switch(self, line: str) -> bool:
        """Handle a `:word` line; True when it was one."""
        word, _, rest = line.partition(" ")
        if word in (":member", ":desk", ":organizer"):
            self.mode = word[1:]
            print(
                {
                    "member": "(you are the member again)",
                    "desk": "(you are Dana, a volunteer, in the desk group: press a card's buttons, type to write in its topic; "
                    "/queue /case /mine /note; !note text stays private; :topic REF picks a case)",
                    "organizer": "(you are Dana in a private chat with the bot: /export, /report, /announce)",
                }[self.mode]
            )
            return True
        if word == ":topic":
            for thread, name in self.desk.topics.items():
                if rest.strip() and rest.strip().upper() in name:
                    self.topic = thread
                    print(f"(writing in: {name})")
                    return True
            print("(topics: " + ("; ".join(self.desk.topics.values()) or "none yet") + ")")
            return True
        return False

    async def act(self, line: str) -> bool:
        """Do what the line says as the current person; False when nothing was sent."""
        if self.mode == "desk":
            return await self._act_in_desk(line)
        person = self.member if self.mode == "member" else self.organizer
        words = line.split()
        if line.isdigit() or (words[0] == ":old" and len(words) == 2 and words[1].isdigit()):
            # "3" presses button 3 on the newest message with buttons; ":old 3" on the one before it.
            pressable = [m for m in person.messages if m.buttons]
            back = 2 if words[0] == ":old" else 1
            message = pressable[-back] if len(pressable) >= back else None
            button = _nth_button(message, words[-1])
            if button is None:
                return False
            await person.press(data=button["callback_data"], message=message)
        elif line == ":sticker":
            await person.sticker()
        elif line == ":photo":
            await person.photo()
        elif line == ":voice":
            await person.voice()
        else:
            await person.send(line)
        return True

    async def _act_in_desk(self, line: str) -> bool:
        if line.isdigit():
            pressable = [m for m in self.desk.messages if m.buttons]
            button = _nth_button(pressable[-1] if pressable else None, line)
            if button is None:
                return False
            await self.volunteer.press(data=button["callback_data"], message=pressable[-1])
        else:
            await self.volunteer.send(line, thread_id=self.current_topic())
        return True

    async def settle(self, before: int, timeout: float = 15.0, *, pushed: int | None = None) -> bool:
        """Wait for the bot: after a line (`pushed`: how many updates were queued before it) until it has
        handled them, its replies sent; for `:wait`, until it sends something after `before`. Then what
        that set off in the background (a desk action's note to the member) goes out too. The bot reports
        each handled update and dispatcher pass through its hooks: no quiet window. False: no reply."""
        standin = self.standin
        try:
            if pushed is None:
                await standin.until(lambda: self.activity() > before, timeout)
            else:
                await standin.until(lambda: standin.all_handled(pushed), timeout)
                self.answered = self.activity()
            target = standin.dispatcher_passes + 2  # the pass in progress may have begun before
            while standin.dispatcher_passes < target and self.wake_dispatcher is not None:
                seen = standin.dispatcher_passes
                self.wake_dispatcher()
                await standin.until(lambda: standin.dispatcher_passes > seen, timeout)
        except TimeoutError:
            return False
        return self.activity() > before


def _nth_button(message: Sent | None, line: str) -> dict | None:
    if message is None:
        print("(no buttons to press)")
        return None
    labels = [b for row in message.buttons for b in row]
    index = int(line) - 1
    if not 0 <= index < len(labels):
        print(f"(choose 1-{len(labels)})")
        return None
    return labels[index]


async def run_demo(
    settings: Settings, *, db_path: str | None = None, lines=None, speed: float = 1.0, answer_timeout: float = 15.0
) -> None:
    """Start the stand-in and the bot; read your lines from `lines` or the terminal.

    With `speed` above 1 the bot's clock runs that much faster (3600: an hour a second), so
    check-ins, deadlines and "were you seen?" arrive while you watch.
    """
    from bot.app import Hooks, build_core, serve
    from dialogs.clock import FastClock

    # Update ids go on from the last run's (its database remembers those it handled).
    standin = await StandIn(first_update_id=int(time.time() * 1000)).start()
    db_file = db_path or "./carebot-demo.db"
    demo_settings = replace(
        settings,
        token=standin.token,
        api_base_url=standin.base_url,
        db_path=db_file,
        webhook_url="",
        poll_timeout=1,
        rate_limit=0,  # the stand-in has no flood limits; replies come at once
        health_port=0,  # the demo serves no health endpoint
        desk_chat_id=str(DEMO_DESK),
        organizers_chat_id=str(DEMO_STAFF),
        admin_ids=",".join(filter(None, [settings.admin_ids, str(DEMO_STAFF)])),
    )
    demo = Demo(standin, Path(db_file).resolve().parent / "carebot-demo-files")
    standin.on_bot_message = demo.show
    standin.on_bot_edit = demo.on_edit
    stop, ready = asyncio.Event(), asyncio.Event()
    core = build_core(demo_settings)
    if speed != 1.0:
        core.clock = FastClock(speed=speed)
    # The bot tells the stand-in when it has handled each update: the demo reads your next line right then.
    hooks = Hooks(
        update_done=standin.update_done,
        dispatcher_pass=standin.dispatcher_pass,
        started=lambda app: setattr(demo, "wake_dispatcher", app.bot_data.dispatcher.wake),
    )
    bot_task = asyncio.create_task(serve(demo_settings, stop, core=core, ready=ready, hooks=hooks))
    await ready.wait()
    print(f"{BOLD}carebot offline demo{RESET}: you are a member chatting with the bot (database {demo_settings.db_path}).")
    print("Type /start to begin. Numbers press buttons (:old N on the message before). :sticker :photo :voice send those.")
    print("Be someone else: :desk (a volunteer at the desk), :organizer, :member. :wait waits for the bot. :quit ends.")
    if speed != 1.0:
        print(f"The bot's clock runs {speed:g} times faster: check-ins arrive while you watch.")
    print()

    async def next_line() -> str | None:
        if lines is not None:
            return lines.pop(0) if lines else None
        return await asyncio.get_running_loop().run_in_executor(None, _read_line, demo.prompt())

    try:
        while True:
            line = await next_line()
            if line is None or line.strip() == ":quit":
                break
            line = line.strip()
            if not line:
                continue
            if line.split()[0] == ":wait":
                # Wait for whatever the bot sends next (a desk card, a check-in on the fast clock).
                words = line.split()
                seconds = float(words[1]) if len(words) > 1 and words[1].isdigit() else 10.0
                if not await demo.settle(demo.answered, timeout=seconds):
                    print(f"(nothing in {seconds:g} s)")
                continue
            if demo.switch(line):
                continue
            before, pushed = demo.activity(), len(standin.pushed)
            started = time.monotonic()
            if not await demo.act(line):
                continue
            # At the desk a private !note may get no reply: don't wait long for one.
            timeout = answer_timeout if demo.mode != "desk" else min(answer_timeout, 3.0)
            if not await demo.settle(before, timeout=timeout, pushed=pushed) and demo.mode != "desk":
                print(f"(the bot did not answer in {time.monotonic() - started:.0f} s)")
    finally:
        stop.set()
        await bot_task
        await standin.stop()


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
