"""A local stand-in for the Telegram Bot API server (aiohttp on 127.0.0.1).

The real python-telegram-bot Application talks to it over real HTTP, exactly as
it talks to api.telegram.org. It implements the methods carebot calls, records
everything the bot sends, and lets a test (or the offline demo) act as a member:
send a message or a command, press a button on a given bot message, send a
sticker, photo or voice note, edit a message.

Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

# Parameters Telegram treats as strings; everything else arrives JSON-encoded.
_STRING_PARAMS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "language_code",
    "url",
    "name",
    "file_name",
    "description",
    "short_description",
    "secret_token",
    "title",
    "icon_custom_emoji_id",
    "chat_id_str",
    "ip_address",
    "certificate",
    "emoji",
    "business_connection_id",
}
_TAG = re.compile(r"<[^>]+>")
_ALLOWED_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|span|blockquote)(\s[^>]*)?>")


def plain_text(markup: str) -> str:
    """What a member sees of an HTML message: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


class BadMarkup(ValueError):
    pass


def check_html(markup: str) -> None:
    """Telegram refuses HTML with unknown tags or a bare '<' (member text not escaped)."""
    for m in re.finditer(r"<[^>]*>?", markup):
        if not _ALLOWED_TAGS.fullmatch(m.group(0)):
            raise BadMarkup(f"Can't parse entities: unsupported start tag at byte offset {m.start()}")


MESSAGE_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT, TOPIC_NAME_LIMIT = 4096, 1024, 64, 128


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji beyond U+FFFF is two."""
    return len(text.encode("utf-16-le")) // 2


# Methods that put a message into a chat: these count against Telegram's limits.
_LIMITED = {
    "sendmessage",
    "senddocument",
    "sendphoto",
    "copymessage",
    "forwardmessage",
    "editmessagetext",
    "editmessagereplymarkup",
    "createforumtopic",
    "editforumtopic",
}


class Bucket:
    """A token bucket: `capacity` at once, refilled at `rate` per second (Telegram's limits, roughly)."""

    def __init__(self, capacity: float, rate: float):
        self.capacity, self.rate = capacity, rate
        self.tokens, self.at = capacity, time.monotonic()

    def take(self) -> float:
        """Take one token; 0 if granted, else the seconds until one is free."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class Switches:
    """What the stand-in makes go wrong, like the real Bot API on a bad day."""

    enforce_limits: bool = False  # answer 429 with retry_after past Telegram's limits
    overall_per_second: float = 30
    chat_burst: float = 5  # a private chat: short bursts, then about one a second
    chat_per_second: float = 1
    group_per_minute: float = 20
    group_window: float = 60  # seconds the group allowance is counted over (tests shrink it)
    fail_rate: float = 0.0  # share of message requests that fail with a 5xx or time out
    hang_seconds: float = 2.0  # how long a "timeout" holds the request before dropping it
    blocked: set = field(default_factory=set)  # chats that blocked the bot: 403
    seed: int = 1
    # Fidelity (see "Telegram as Telegram behaves" below): what real Telegram refuses that a kind stand-in would let by.
    group_sliding_window: bool = (
        True  # a group's 20 counted in ANY `group_window` seconds (stricter than a fixed window), not a refilling bucket
    )
    topic_rights: bool = True  # False: the bot isn't an admin with can_manage_topics
    topics_method: bool = True  # False: a Bot API server without createForumTopic (404 Not Found)


@dataclass
class Sent:
    """A message in a chat, as the stand-in keeps it."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str = ""  # plain text as the member sees it
    html: str = ""  # what the bot sent (parse_mode HTML)
    buttons: list[list[dict]] = field(default_factory=list)
    document: dict | None = None
    edits: int = 0
    date: int = 0
    raw: dict = field(default_factory=dict)
    thread_id: int | None = None
    reply_to: int | None = None
    from_user: int | None = None  # in a group: who wrote it

    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def button(self, label: str | None = None, data: str | None = None) -> dict:
        for row in self.buttons:
            for b in row:
                if (label is not None and (b["text"] == label or label in b["text"])) or (
                    data is not None and b.get("callback_data") == data
                ):
                    return b
        raise LookupError(f"no button {label or data!r} on message {self.message_id}: {self.labels()}")


# ---------------------------------------------------------------------------------------------
# Signals for tests and the demo: wait on events, never on a clock.
#
# A bot running in the same process (the test suite, the offline demo) reports back through
# `bot.app.Hooks`: each update it has handled (its replies sent) and each dispatcher pass. With
# those, "wait for the bot's answer" ends the moment the answer is complete, and "nothing more
# happens" is a fact (every update handled, the dispatcher looked again) rather than a pause.
# A bot in another process (the kill -9 tests) reports nothing: the test sets `handled_probe`
# (it reads that bot's database). With neither, FakeUser.settle waits for the chat to go quiet.


class BotSignals:
    """The stand-in's side of `bot.app.Hooks`, and waits that end on an event."""

    def _init_signals(self) -> None:
        self.tracks_handling = False  # True once an in-process bot reports handled updates
        self.handled: set[int] = set()
        self.pushed: list[int] = []  # update ids queued for the bot, in order
        self.dispatcher_passes = 0
        self._closing = False
        self._waiters: set[asyncio.Future] = set()
        # A bot in another process reports nothing; a test may tell how to see that it handled an update
        # (by reading its database): `settle` then waits for that, re-checking often, instead of for quiet.
        self.handled_probe: Callable[[int], bool] | None = None

    def _pulse(self) -> None:
        """Something happened: every `until` re-checks its condition."""
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def _pushed(self, update_id: int) -> None:
        self.pushed.append(update_id)
        self._pulse()

    # -- called by the bot (bot.app.Hooks)

    def update_done(self, update_id: int) -> None:
        """The bot handled an update (its replies are sent) or dropped it as seen before."""
        self.tracks_handling = True
        self.handled.add(update_id)
        self._pulse()

    def dispatcher_pass(self) -> None:
        """The bot's dispatcher finished a pass: what was due has been sent."""
        self.dispatcher_passes += 1
        self._pulse()

    # -- waiting

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "", *, recheck: float = 0.5) -> None:
        """Wait until `predicate()` holds, re-checking whenever the bot sends, edits, handles an update or
        finishes a dispatcher pass, and every `recheck` seconds: a safety net for changes nothing reports
        (a bot in another process writing its database)."""
        deadline = time.monotonic() + timeout
        loop = asyncio.get_running_loop()
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the bot did not do what was expected in time{': ' + what if what else ''}")
            fut = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, min(left, recheck))
            except asyncio.TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)

    def is_handled(self, update_id: int) -> bool:
        return update_id in self.handled or (self.handled_probe is not None and self.handled_probe(update_id))

    def all_handled(self, since: int = 0) -> bool:
        """Every update queued (from the `since`-th on) has been handled by the bot."""
        return all(u in self.handled for u in self.pushed[since:])

    async def handled_update(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot has handled this update (its replies are sent)."""
        await self.until(lambda: update_id in self.handled, timeout, f"update {update_id} handled")

    async def _release_polls(self) -> None:
        """On stop: a long poll in progress answers at once (no poll timeout paid at teardown)."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()


class StandIn(BotSignals):
    """The fake Bot API server plus a remote control for tests and the demo."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_id: int = 777000,
        username: str = "carebot_local_bot",
        first_update_id: int = 1,
    ):
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._updates: list[dict] = []
        self._update_ids = itertools.count(first_update_id)  # a bot that already saw updates 1..n: start above
        self._message_ids: dict[int, itertools.count] = {}
        self.chats: dict[int, list[Sent]] = {}
        self.calls: list[tuple[str, dict]] = []
        self.commands: dict[str, list[dict]] = {}
        self.callback_answers: list[dict] = []
        self.confirmed_offset = 0
        self._changed = asyncio.Condition()
        self._chat_changed: dict[int, asyncio.Condition] = {}
        self._users: dict[int, "FakeUser"] = {}
        self._groups: dict[int, "FakeGroup"] = {}
        self.on_bot_message: Callable[[Sent], None] | None = None
        self.on_bot_edit: Callable[[Sent], None] | None = None
        self.webhook_url = ""
        self.switches = Switches()
        self._rng = random.Random(self.switches.seed)
        self._overall: Bucket | None = None
        self._chat_buckets: dict[int, Bucket] = {}
        self.refused = {"429": 0, "5xx": 0, "timeout": 0, "403": 0}
        self._group_sends: dict[int, list[float]] = {}
        self.errors: list[tuple[str, int, str]] = []  # (method, code, description) of every refusal
        self._init_signals()

    def configure(self, **switches) -> None:
        """Turn on limits, failures or blocked chats (see `Switches`)."""
        for key, value in switches.items():
            setattr(self.switches, key, value)
        self._rng = random.Random(self.switches.seed)
        self._overall = None
        self._chat_buckets = {}
        self._group_sends = {}

    def _over_limit(self, chat_id: int | None) -> float:
        sw = self.switches
        if self._overall is None:
            self._overall = Bucket(sw.overall_per_second, sw.overall_per_second)
        wait = self._overall.take()
        if chat_id is not None and not wait:
            if chat_id < 0 and sw.group_sliding_window:
                wait = self._group_window_wait(chat_id)
                if wait:
                    self._overall.tokens = min(self._overall.capacity, self._overall.tokens + 1)  # not spent
                return wait
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = (
                    Bucket(sw.group_per_minute, sw.group_per_minute / sw.group_window)
                    if chat_id < 0
                    else Bucket(sw.chat_burst, sw.chat_per_second)
                )
                self._chat_buckets[chat_id] = bucket
            wait = bucket.take()
            if wait:
                self._overall.tokens = min(self._overall.capacity, self._overall.tokens + 1)  # not spent
        return wait

    async def _trouble(self, request: web.Request, method: str, params: dict) -> web.StreamResponse | None:
        """A 403, a 429, a 5xx or a dropped request, when the switches say so."""
        if method.lower() not in _LIMITED:
            return None
        sw = self.switches
        chat = params.get("chat_id")
        chat_id = int(chat) if isinstance(chat, (int, str)) and str(chat).lstrip("-").isdigit() else None
        if chat_id is not None and chat_id in sw.blocked:
            self.refused["403"] += 1
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        if sw.fail_rate and self._rng.random() < sw.fail_rate:
            if self._rng.random() < 0.5:
                self.refused["5xx"] += 1
                return web.json_response({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502)
            self.refused["timeout"] += 1
            await asyncio.sleep(sw.hang_seconds)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=504)
        if sw.enforce_limits:
            # Telegram's per-chat limit is about new messages; edits count toward the overall one.
            edit = method.lower().startswith("edit")
            wait = self._over_limit(None if edit else chat_id)
            if wait:
                self.refused["429"] += 1
                retry = max(1, math.ceil(wait))
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry}",
                        "parameters": {"retry_after": retry},
                    },
                    status=429,
                )
        return None

    # ---------------------------------------------------------- Telegram as Telegram behaves (fidelity)
    #
    # Each behaviour here is Telegram's documented (or reported) behaviour, so a test fails
    # where only real Telegram would have refused:
    # - Lengths are UTF-16 code units of the text as the reader sees it: sendMessage `text`
    #   "1-4096 characters after entities parsing", `caption` "0-1024 characters after entities
    #   parsing", entity offsets "in UTF-16 code units" (https://core.telegram.org/bots/api#sendmessage,
    #   #messageentity); over the limit: 400 "Bad Request: message is too long" (reported verbatim in
    #   github.com/appleboy/telegram-action/issues/43 and tdlib/telegram-bot-api/issues/655).
    # - callback_data "1-64 bytes" (https://core.telegram.org/bots/api#inlinekeyboardbutton):
    #   400 "BUTTON_DATA_INVALID"; a topic `name` is "1-128 characters" (#createforumtopic).
    # - "your bot will not be able to send more than 20 messages per minute to the same group"
    #   (https://core.telegram.org/bots/faq, "My bot is hitting limits"): counted here over any
    #   `group_window` seconds (a log of sends), so a bot that bursts 20 and then trickles is refused
    #   the 21st, as the real API refused carebot's leaky bucket ("429 retry after 40").
    # - A 429 carries `parameters.retry_after`, "the number of seconds left to wait before the
    #   request can be repeated" (https://core.telegram.org/bots/api#responseparameters).
    # - createForumTopic: "The bot must be an administrator in the chat for this to work and must
    #   have the can_manage_topics administrator rights" (#createforumtopic); without them:
    #   400 "Bad Request: not enough rights to create a topic"; in a group without topics:
    #   400 "Bad Request: the chat is not a forum"; into a deleted topic: 400 "Bad Request:
    #   message thread not found" (tdlib/telegram-bot-api/issues/854, ruitunion-org/feedback-bot/issues/1).
    # - An unknown method (an older server, or an emulator without topics): 404 "Not Found"
    #   (https://core.telegram.org/bots/api#making-requests; python-telegram-bot maps 404 to InvalidToken).

    def _check_length(self, text: str, limit: int, description: str) -> None:
        """Telegram's length check: UTF-16 code units of what the reader sees."""
        if utf16_len(text) > limit:
            raise LookupError(description)

    def _group_window_wait(self, chat_id: int) -> float:
        """Seconds until a group may take one more message: at most `group_per_minute` in any `group_window` s."""
        sw = self.switches
        now = time.monotonic()
        sends = [t for t in self._group_sends.get(chat_id, []) if now - t < sw.group_window]
        self._group_sends[chat_id] = sends
        if len(sends) >= sw.group_per_minute:
            return sw.group_window - (now - sends[0])
        sends.append(now)
        return 0.0

    # ---------------------------------------------------------- server

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self, port: int = 0) -> "StandIn":
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        await self._release_polls()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def _params(self, request: web.Request) -> dict:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.text()
            if body:
                params.update(json.loads(body))
            return params
        form = await request.post()
        for key, value in form.items():
            if hasattr(value, "file"):  # an uploaded file
                params[key] = {"filename": value.filename, "content": value.file.read()}
                continue
            if key in _STRING_PARAMS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except (json.JSONDecodeError, TypeError):
                    params[key] = value
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        fault = self._api_fault(method)
        if fault is not None:
            return fault
        params = await self._params(request)
        trouble = await self._trouble(request, method, params)
        if trouble is not None:
            return trouble
        self.calls.append((method, params))
        handler = getattr(self, "_m_" + method.lower(), None)
        if method.lower() in ("createforumtopic", "editforumtopic") and not self.switches.topics_method:
            handler = None
        if handler is None:
            self.errors.append((method, 404, "Not Found"))
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            result = await handler(params)
        except (BadMarkup, LookupError) as err:
            description = f"Bad Request: {err.args[0] if err.args else err}"
            self.errors.append((method, 400, description))
            return web.json_response({"ok": False, "error_code": 400, "description": description}, status=400)
        return web.json_response({"ok": True, "result": result})

    # ---------------------------------------------------------- faults of the API itself (not of one message)

    def fail_get_updates(self, status: int, times: int = 1, *, retry_after: int = 1) -> None:
        """The next `times` getUpdates calls answer `status`: 429 (with retry_after), 409 (another instance), 502..."""
        faults = getattr(self, "_get_updates_faults", [])
        faults.extend([(status, retry_after)] * times)
        self._get_updates_faults = faults
        self.api_faults_served = getattr(self, "api_faults_served", 0)

    def redirect_everything(self, on: bool = True) -> None:
        """Every Bot API call answers with a redirect to itself (aiohttp gives up, its error naming the URL)."""
        self._redirecting = on

    async def go_down(self) -> None:
        """The Bot API becomes unreachable (connections refused) until `come_back`."""
        await self.stop()

    async def come_back(self) -> None:
        """The Bot API is reachable again on the same port."""
        await self.start(self.port)

    def _api_fault(self, method: str) -> web.Response | None:
        if getattr(self, "_redirecting", False):
            return web.Response(status=302, headers={"Location": f"{self.base_url}{self.token}/{method}"})
        faults = getattr(self, "_get_updates_faults", None)
        if method.lower() != "getupdates" or not faults:
            return None
        status, retry_after = faults.pop(0)
        self.api_faults_served += 1
        descriptions = {
            409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            429: f"Too Many Requests: retry after {retry_after}",
            502: "Bad Gateway",
        }
        body = {"ok": False, "error_code": status, "description": descriptions.get(status, "Error")}
        if status == 429:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    # ---------------------------------------------------------- Bot API methods

    def _bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "carebot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getme(self, p):
        return self._bot_user()

    async def _m_deletewebhook(self, p):
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_setwebhook(self, p):
        self.webhook_url = p.get("url", "")
        return True

    async def _m_getwebhookinfo(self, p):
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _m_setmycommands(self, p):
        self.commands[p.get("language_code", "")] = list(p.get("commands", []))
        return True

    async def _m_getmycommands(self, p):
        return self.commands.get(p.get("language_code", ""), [])

    async def _m_deletemycommands(self, p):
        self.commands.pop(p.get("language_code", ""), None)
        return True

    async def _m_getupdates(self, p):
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        limit = int(p.get("limit") or 100)
        if offset:
            # Asking from `offset` confirms every update before it: Telegram forgets them.
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset][:limit]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._closing:
                    return ready
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except asyncio.TimeoutError:
                    pass

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _chat(self, chat_id: int) -> dict:
        group = self._groups.get(chat_id)
        if group is not None:
            return {"id": chat_id, "type": "supergroup", "title": group.title, "is_forum": group.forum}
        user = self._users.get(chat_id)
        return {"id": chat_id, "type": "private", "first_name": user.first_name if user else "Member"}

    def _message_json(self, s: Sent) -> dict:
        if s.from_bot:
            sender = self._bot_user()
        elif s.chat_id in self._groups:
            sender = self._groups[s.chat_id].users[s.from_user].json()
        else:
            sender = self._users[s.chat_id].json()
        out = {"message_id": s.message_id, "date": s.date, "chat": self._chat(s.chat_id), "from": sender}
        if s.thread_id is not None:
            out["message_thread_id"] = s.thread_id
            out["is_topic_message"] = True
        if s.reply_to is not None:
            replied = self.find(s.chat_id, s.reply_to)
            out["reply_to_message"] = {k: v for k, v in self._message_json(replied).items() if k != "reply_to_message"}
        if s.text:
            out["text"] = s.text
        if s.buttons:
            out["reply_markup"] = {"inline_keyboard": s.buttons}
        if s.document:
            out["document"] = {k: v for k, v in s.document.items() if k != "content"}
            if s.text:
                out["caption"] = out.pop("text")
        if s.edits:
            out["edit_date"] = s.date
        return out

    def _markup(self, p) -> tuple[str, str]:
        raw = p.get("text") or p.get("caption") or ""
        if p.get("parse_mode", "").upper() == "HTML":
            check_html(raw)
            return raw, plain_text(raw)
        return html.escape(raw), raw

    def _keyboard(self, p) -> list[list[dict]]:
        markup = p.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        for row in rows:
            for b in row:
                if len(b.get("callback_data", "").encode("utf-8")) > CALLBACK_DATA_LIMIT:
                    raise LookupError("BUTTON_DATA_INVALID")
        return rows

    async def _record(self, s: Sent) -> None:
        self.chats.setdefault(s.chat_id, []).append(s)
        if self.on_bot_message and s.from_bot:
            self.on_bot_message(s)
        await self._notify(s.chat_id)

    async def _notify(self, chat_id: int | None = None) -> None:
        self._pulse()
        if chat_id is not None and chat_id in self._chat_changed:
            cond = self._chat_changed[chat_id]
            async with cond:
                cond.notify_all()
        async with self._changed:
            self._changed.notify_all()

    def _thread(self, chat_id: int, p: dict) -> int | None:
        thread = p.get("message_thread_id")
        if thread is None:
            return None
        group = self._groups.get(chat_id)
        if group is None or not group.forum or int(thread) not in group.topics:
            raise LookupError("message thread not found")
        return int(thread)

    def _reply_to(self, chat_id: int, p: dict) -> int | None:
        params = p.get("reply_parameters") or {}
        if isinstance(params, str):
            params = json.loads(params)
        target = params.get("message_id") or p.get("reply_to_message_id")
        if target is None:
            return None
        try:
            self.find(chat_id, int(target))
        except LookupError:
            if params.get("allow_sending_without_reply"):
                return None
            raise LookupError("message to be replied not found") from None
        return int(target)

    async def _m_sendmessage(self, p):
        chat_id = int(p["chat_id"])
        html_text, text = self._markup(p)
        if not text.strip():
            raise LookupError("message text is empty")
        self._check_length(text, MESSAGE_LIMIT, "message is too long")
        s = Sent(
            self._next_message_id(chat_id),
            chat_id,
            True,
            text=text,
            html=html_text,
            buttons=self._keyboard(p),
            date=int(time.time()),
            thread_id=self._thread(chat_id, p),
            reply_to=self._reply_to(chat_id, p),
        )
        s.raw = self._message_json(s)
        await self._record(s)
        return s.raw

    async def _m_senddocument(self, p):
        chat_id = int(p["chat_id"])
        doc = p.get("document")
        if not isinstance(doc, dict):
            raise LookupError("document is missing")
        html_text, text = self._markup(p)
        self._check_length(text, CAPTION_LIMIT, "message caption is too long")
        content = doc.get("content", b"")
        s = Sent(
            self._next_message_id(chat_id),
            chat_id,
            True,
            text=text,
            html=html_text,
            buttons=self._keyboard(p),
            date=int(time.time()),
            document={
                "file_id": f"doc{chat_id}_{len(self.calls)}",
                "file_unique_id": f"u{len(self.calls)}",
                "file_name": doc.get("filename") or "file",
                "file_size": len(content),
                "content": content,
            },
        )
        s.raw = self._message_json(s)
        await self._record(s)
        return s.raw

    def find(self, chat_id: int, message_id: int) -> Sent:
        for s in self.chats.get(chat_id, []):
            if s.message_id == message_id:
                return s
        raise LookupError("message to edit not found")

    async def _m_editmessagetext(self, p):
        s = self.find(int(p["chat_id"]), int(p["message_id"]))
        html_text, text = self._markup(p)
        self._check_length(text, MESSAGE_LIMIT, "MESSAGE_TOO_LONG")
        buttons = self._keyboard(p)
        if html_text == s.html and buttons == s.buttons:
            raise LookupError("message is not modified: specified new message content and reply markup are exactly the same")
        s.html, s.text, s.buttons = html_text, text, buttons
        s.edits += 1
        s.raw = self._message_json(s)
        await self._edited(s)
        return s.raw

    async def _edited(self, s: Sent) -> None:
        if self.on_bot_edit:
            self.on_bot_edit(s)
        await self._notify(s.chat_id)

    async def _m_editmessagereplymarkup(self, p):
        s = self.find(int(p["chat_id"]), int(p["message_id"]))
        buttons = self._keyboard(p)
        if buttons == s.buttons:
            raise LookupError("message is not modified: specified new message content and reply markup are exactly the same")
        s.buttons = buttons
        s.edits += 1
        s.raw = self._message_json(s)
        await self._edited(s)
        return s.raw

    async def _m_getchat(self, p):
        chat_id = int(p["chat_id"])
        if chat_id not in self._groups and chat_id not in self._users:
            raise LookupError("chat not found")
        return {**self._chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11}

    async def _m_createforumtopic(self, p):
        chat_id = int(p["chat_id"])
        group = self._groups.get(chat_id)
        if group is None or not group.forum:
            raise LookupError("the chat is not a forum")
        if not self.switches.topic_rights:
            raise LookupError("not enough rights to create a topic")
        name = p.get("name", "")
        if not 1 <= utf16_len(name) <= TOPIC_NAME_LIMIT:
            raise LookupError("TOPIC_NAME_INVALID")
        thread = self._next_message_id(chat_id)
        group.topics[thread] = p.get("name", "")
        await self._notify(chat_id)
        return {"message_thread_id": thread, "name": p.get("name", ""), "icon_color": 7322096}

    async def _m_editforumtopic(self, p):
        chat_id = int(p["chat_id"])
        group = self._groups.get(chat_id)
        thread = int(p["message_thread_id"])
        if group is None or thread not in group.topics:
            raise LookupError("TOPIC_ID_INVALID")
        if "name" in p:
            if not 1 <= utf16_len(p["name"]) <= TOPIC_NAME_LIMIT:
                raise LookupError("TOPIC_NAME_INVALID")
            group.topics[thread] = p["name"]
        await self._notify(chat_id)
        return True

    async def _m_copymessage(self, p):
        chat_id, source = int(p["chat_id"]), int(p["from_chat_id"])
        original = self.find(source, int(p["message_id"]))
        s = Sent(
            self._next_message_id(chat_id),
            chat_id,
            True,
            text=original.text or "[media]",
            html=original.html,
            date=int(time.time()),
            thread_id=self._thread(chat_id, p),
        )
        s.document = {"copied_from": source, "file_name": "copy", "file_size": 0}
        s.raw = self._message_json(s)
        await self._record(s)
        return {"message_id": s.message_id}

    # ---------------------------------------------------------- membership and rights (carebot doctor)
    # getChatMember answers a ChatMemberAdministrator or ChatMemberMember for the bot
    # (https://core.telegram.org/bots/api#chatmember); `FakeGroup.bot_admin` and
    # `.bot_can_manage_topics` set what the test wants. getMe's can_read_all_group_messages
    # is False while privacy mode is on, Telegram's default (https://core.telegram.org/bots/features#privacy-mode).

    async def _m_getchatmember(self, p):
        chat_id, user_id = int(p["chat_id"]), int(p["user_id"])
        group = self._groups.get(chat_id)
        if group is None:
            raise LookupError("chat not found")
        user = self._bot_user() if user_id == self.bot_id else {"id": user_id, "is_bot": False, "first_name": "Member"}
        if user_id == self.bot_id and group.bot_admin:
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
                "can_manage_topics": group.bot_can_manage_topics,
            }
        return {"status": "member", "user": user}

    def group(self, chat_id: int, title: str = "Volunteer desk", *, forum: bool = True) -> "FakeGroup":
        """A supergroup the bot is in (the volunteer desk), with forum topics or without."""
        if chat_id not in self._groups:
            self._groups[chat_id] = FakeGroup(self, chat_id, title, forum)
        return self._groups[chat_id]

    async def _m_answercallbackquery(self, p):
        self.callback_answers.append(p)
        return True

    async def _m_sendphoto(self, p):
        chat_id = int(p["chat_id"])
        photo = p.get("photo")
        if not isinstance(photo, dict):
            raise LookupError("photo is missing")
        html_text, text = self._markup(p)
        self._check_length(text, CAPTION_LIMIT, "message caption is too long")
        s = Sent(
            self._next_message_id(chat_id),
            chat_id,
            True,
            text=text,
            html=html_text,
            date=int(time.time()),
            thread_id=self._thread(chat_id, p),
            document={
                "file_id": f"ph{len(self.calls)}",
                "file_unique_id": f"u{len(self.calls)}",
                "file_name": photo.get("filename") or "photo.png",
                "file_size": len(photo.get("content", b"")),
                "content": photo.get("content", b""),
            },
        )
        s.raw = self._message_json(s)
        s.raw["photo"] = [
            {"file_id": s.document["file_id"], "file_unique_id": s.document["file_unique_id"], "width": 1000, "height": 700}
        ]
        s.raw.pop("document", None)
        await self._record(s)
        return s.raw

    async def _m_sendchataction(self, p):
        return True

    # ---------------------------------------------------------- the member's side

    def user(self, user_id: int, first_name: str = "Ana", language_code: str = "en") -> "FakeUser":
        """A member with a private chat with the bot."""
        if user_id not in self._users:
            self._users[user_id] = FakeUser(self, user_id, first_name, language_code)
        return self._users[user_id]

    async def push_update(self, update: dict) -> int:
        """Queue an update for getUpdates; returns its id."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._pushed(update["update_id"])
        async with self._changed:
            self._changed.notify_all()
        return update["update_id"]

    async def redeliver(self, update: dict) -> None:
        """Deliver an update again with the same update_id, as Telegram does after a crash."""
        self._updates.append(dict(update))
        async with self._changed:
            self._changed.notify_all()

    def bot_messages(self, chat_id: int) -> list[Sent]:
        return [s for s in self.chats.get(chat_id, []) if s.from_bot]

    def activity(self, chat_id: int) -> int:
        """A counter that grows with every message or edit the bot makes in a chat."""
        return sum(1 + s.edits for s in self.bot_messages(chat_id))

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, *, chat_id: int | None = None) -> None:
        """Wait until `predicate()` holds; with `chat_id`, wake only for that chat's changes (cheap with many chats)."""
        deadline = time.monotonic() + timeout
        cond = self._changed if chat_id is None else self._chat_changed.setdefault(chat_id, asyncio.Condition())
        async with cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the bot did not do what was expected in time")
                try:
                    # Re-check now and then too: not every change notifies (calls, confirmations).
                    await asyncio.wait_for(cond.wait(), min(left, 0.05))
                except asyncio.TimeoutError:
                    pass


class FakeUser:
    """A member in a private chat, driven by a test or the demo."""

    def __init__(self, server: StandIn, user_id: int, first_name: str, language_code: str):
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.sent_updates: list[dict] = []
        self._mark = 0
        self.username: str | None = None

    def json(self) -> dict:
        out = {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}
        if self.username:
            out["username"] = self.username
        return out

    # -- acting

    async def _message(self, extra: dict, *, edited_of: Sent | None = None) -> dict:
        chat_id = self.id
        if edited_of is None:
            s = Sent(self.server._next_message_id(chat_id), chat_id, False, text=extra.get("text", ""), date=int(time.time()))
            self.server.chats.setdefault(chat_id, []).append(s)
            msg = {"message_id": s.message_id, "date": s.date, "chat": self.server._chat(chat_id), "from": self.json(), **extra}
            update = {"message": msg}
        else:
            msg = {
                "message_id": edited_of.message_id,
                "date": edited_of.date,
                "edit_date": int(time.time()),
                "chat": self.server._chat(chat_id),
                "from": self.json(),
                **extra,
            }
            update = {"edited_message": msg}
        return await self._push(update)

    async def _push(self, update: dict) -> dict:
        self._mark = self.server.activity(self.id)
        update_id = await self.server.push_update(update)
        update = {"update_id": update_id, **update}
        self.sent_updates.append(update)
        return update

    async def send(self, text: str) -> dict:
        """Type a message (a leading /word becomes a bot command, as in Telegram)."""
        extra: dict = {"text": text}
        m = re.match(r"^/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        return await self._message(extra)

    async def command(self, name: str, args: str = "") -> dict:
        return await self.send(f"/{name}" + (f" {args}" if args else ""))

    async def sticker(self) -> dict:
        return await self._message(
            {
                "sticker": {
                    "file_id": "stk1",
                    "file_unique_id": "stku1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "😀",
                }
            }
        )

    async def photo(self) -> dict:
        return await self._message({"photo": [{"file_id": "ph1", "file_unique_id": "phu1", "width": 90, "height": 90}]})

    async def voice(self) -> dict:
        return await self._message({"voice": {"file_id": "vc1", "file_unique_id": "vcu1", "duration": 3}})

    async def edit(self, original: dict, new_text: str) -> dict:
        """Edit a message this member sent earlier."""
        msg = original["message"]
        sent = Sent(msg["message_id"], self.id, False, text=msg.get("text", ""), date=msg["date"])
        return await self._message({"text": new_text}, edited_of=sent)

    async def press(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> dict:
        """Press a button (by label or data) on a bot message: the newest one that has it, by default."""
        if message is None:
            for s in reversed(self.server.bot_messages(self.id)):
                try:
                    s.button(label, data)
                    message = s
                    break
                except LookupError:
                    continue
            if message is None:
                raise LookupError(f"no bot message has a button {label or data!r}")
        button = message.button(label, data)
        query = {
            "id": f"cq{self.id}_{len(self.sent_updates)}",
            "from": self.json(),
            "chat_instance": str(self.id),
            "data": button["callback_data"],
            "message": self.server._message_json(message),
        }
        return await self._push({"callback_query": query})

    # -- reading

    @property
    def messages(self) -> list[Sent]:
        """Everything the bot has sent into this chat, oldest first."""
        return self.server.bot_messages(self.id)

    @property
    def last(self) -> Sent:
        return self.messages[-1]

    async def settle(self, timeout: float = 10.0, quiet: float = 0.08) -> list[Sent]:
        """Wait until the bot has answered the last action and gone quiet; return what it sent or edited."""
        if self.server.tracks_handling or self.server.handled_probe is not None:
            return await self.settle_handled(timeout)
        before = self._mark
        await self.server.wait_for(lambda: self.server.activity(self.id) > before, timeout, chat_id=self.id)
        while True:
            seen = self.server.activity(self.id)
            await asyncio.sleep(quiet)
            if self.server.activity(self.id) == seen:
                break
        return [s for s in self.messages]

    async def ask(self, text: str, **kw) -> Sent:
        """Send text, wait for the bot to answer, return the newest bot message."""
        await self.send(text)
        await self.settle(**kw)
        return self.last

    async def tap(self, label: str | None = None, *, data: str | None = None, message: Sent | None = None) -> Sent:
        """Press a button, wait for the bot, return the newest bot message."""
        await self.press(label, data=data, message=message)
        await self.settle()
        return self.last

    # -- waiting on the bot's signals (see BotSignals)

    async def settle_handled(self, timeout: float = 10.0) -> list[Sent]:
        """`settle` for an in-process bot: wait until it answered and handled this member's last update."""
        before = self._mark
        last = self.sent_updates[-1]["update_id"] if self.sent_updates else None
        server = self.server
        await server.until(
            lambda: server.activity(self.id) > before and (last is None or server.is_handled(last)),
            timeout,
            f"an answer to {self.id}",
            recheck=0.02 if server.handled_probe else 0.5,
        )
        return [s for s in self.messages]


class FakeGroup:
    """A supergroup (the volunteer desk): its members write, reply and press buttons."""

    def __init__(self, server: StandIn, chat_id: int, title: str, forum: bool):
        self.server, self.id, self.title, self.forum = server, chat_id, title, forum
        self.bot_admin = True  # the bot is an admin of the group (what carebot's desk needs)
        self.bot_can_manage_topics = True
        self.topics: dict[int, str] = {}
        self.users: dict[int, "FakeGroupUser"] = {}

    def user(self, user_id: int, first_name: str = "Vol") -> "FakeGroupUser":
        if user_id not in self.users:
            self.users[user_id] = FakeGroupUser(self, user_id, first_name)
        return self.users[user_id]

    def delete_topic(self, thread_id: int) -> None:
        """Someone deleted the topic (its messages go with it)."""
        self.topics.pop(thread_id, None)
        self.server.chats[self.id] = [s for s in self.server.chats.get(self.id, []) if s.thread_id != thread_id]

    @property
    def messages(self) -> list[Sent]:
        return self.server.bot_messages(self.id)

    def in_topic(self, thread_id: int) -> list[Sent]:
        return [s for s in self.messages if s.thread_id == thread_id]

    def topic_named(self, fragment: str) -> int:
        for thread, name in self.topics.items():
            if fragment in name:
                return thread
        raise LookupError(f"no topic named like {fragment!r}: {list(self.topics.values())}")


class FakeGroupUser:
    """Someone in the desk group (a volunteer, or a member added by mistake)."""

    def __init__(self, group: FakeGroup, user_id: int, first_name: str):
        self.group, self.id, self.first_name = group, user_id, first_name

    def json(self) -> dict:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name}

    async def send(self, text: str, *, thread_id: int | None = None, reply_to: Sent | None = None) -> dict:
        server, chat_id = self.group.server, self.group.id
        s = Sent(
            server._next_message_id(chat_id),
            chat_id,
            False,
            text=text,
            date=int(time.time()),
            thread_id=thread_id,
            reply_to=reply_to.message_id if reply_to is not None else None,
            from_user=self.id,
        )
        server.chats.setdefault(chat_id, []).append(s)
        msg = server._message_json(s)
        msg["text"] = text
        m = re.match(r"^/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        update_id = await server.push_update({"message": msg})
        return {"update_id": update_id, "message": msg}

    async def press(self, label: str | None = None, *, data: str | None = None, message: Sent) -> dict:
        button = message.button(label, data)
        query = {
            "id": f"cqg{self.id}_{time.monotonic_ns()}",
            "from": self.json(),
            "chat_instance": str(self.group.id),
            "data": button["callback_data"],
            "message": self.group.server._message_json(message),
        }
        update_id = await self.group.server.push_update({"callback_query": query})
        return {"update_id": update_id, "callback_query": query}
