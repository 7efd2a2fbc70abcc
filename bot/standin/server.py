"""The fake Bot API server: the HTTP endpoints python-telegram-bot calls, Telegram's refusals
(its documented limits and error texts, 429s, 5xx, blocked chats) and the API's own faults."""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import math
import random
import time
from typing import Any, Callable

from aiohttp import web

from bot.standin.limits import (
    _LIMITED,
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
from bot.standin.people import FakeGroup, FakeUser
from bot.standin.sent import Sent
from bot.standin.signals import BotSignals

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
        self.port = self._runner.addresses[0][1]
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
            if isinstance(value, web.FileField):  # an uploaded file
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

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
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
            assert s.from_user is not None, "a message in a group by someone other than the bot names its writer"
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
