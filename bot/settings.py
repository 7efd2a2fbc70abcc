"""Settings: one table of (name, environment variable, default, help), read from the environment and `.env`.

The table is the documentation too: `carebot settings` prints it, and a test checks
that every setting appears in the README and in `.env.example`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "token", "TELEGRAM_BOT_TOKEN", "", "Bot token from @BotFather. Empty: `carebot run` starts the offline demo.", secret=True
    ),
    Setting("db_path", "CAREBOT_DB", "./carebot.db", "SQLite database file."),
    Setting(
        "api_base_url",
        "TELEGRAM_API_BASE_URL",
        "https://api.telegram.org/bot",
        "Bot API base URL; point it at a local Bot API server (or the stand-in) to run offline.",
    ),
    Setting(
        "timezone",
        "CAREBOT_TIMEZONE",
        "America/Los_Angeles",
        "Time zone for dates shown to members and for 'today' (overrides the campaign file's).",
    ),
    Setting("log_level", "CAREBOT_LOG_LEVEL", "INFO", "Logging level (DEBUG, INFO, WARNING, ERROR)."),
    Setting(
        "campaign_path", "CAREBOT_CAMPAIGN", "", "Campaign file (TOML). Empty: the sample Kaiser Southern California campaign."
    ),
    Setting("webhook_url", "CAREBOT_WEBHOOK_URL", "", "Public HTTPS URL Telegram posts updates to. Empty: long polling."),
    Setting("webhook_listen", "CAREBOT_WEBHOOK_LISTEN", "127.0.0.1", "Address the webhook server listens on."),
    Setting("webhook_port", "CAREBOT_WEBHOOK_PORT", "8443", "Port the webhook server listens on."),
    Setting(
        "webhook_secret",
        "CAREBOT_WEBHOOK_SECRET",
        "",
        "Secret Telegram sends with each webhook call (X-Telegram-Bot-Api-Secret-Token). Empty: a random one at each start.",
        secret=True,
    ),
    Setting("poll_timeout", "CAREBOT_POLL_TIMEOUT", "25", "Long-polling timeout in seconds."),
    Setting(
        "max_concurrent_updates",
        "CAREBOT_MAX_CONCURRENT_UPDATES",
        "64",
        "Updates handled at once (each chat's own updates are always handled in order).",
    ),
    Setting("http_timeout", "CAREBOT_HTTP_TIMEOUT", "10", "Seconds to wait for the Bot API before retrying a request."),
    Setting(
        "rate_limit",
        "CAREBOT_RATE_LIMIT",
        "1",
        "1: keep to Telegram's flood limits (30/s overall, ~1/s per chat, 20/min per group); 0: off (benchmarks against a local server).",
    ),
    Setting(
        "group_rate",
        "CAREBOT_GROUP_RATE",
        "19/60",
        "Messages into one group (the desk) per seconds: Telegram allows about 20 a minute.",
    ),
    Setting(
        "bot_username", "CAREBOT_BOT_USERNAME", "", "The bot's @username without @, for deep links (t.me/<username>?start=...)."
    ),
    Setting("admin_ids", "CAREBOT_ADMIN_IDS", "", "Telegram user ids of admins, comma-separated (they grant and revoke roles)."),
    Setting("organizer_ids", "CAREBOT_ORGANIZER_IDS", "", "Telegram user ids of standing organizers, comma-separated."),
    Setting(
        "desk_chat_id",
        "CAREBOT_DESK_CHAT_ID",
        "",
        "The volunteer desk: a Telegram supergroup id (forum topics used when enabled).",
    ),
    Setting("organizers_chat_id", "CAREBOT_ORGANIZERS_CHAT_ID", "", "The organizers' chat id: daily reports, /export, /report."),
    Setting(
        "health_listen",
        "CAREBOT_HEALTH_LISTEN",
        "127.0.0.1",
        "Address of the /healthz and /metrics endpoint (loopback by default).",
    ),
    Setting("health_port", "CAREBOT_HEALTH_PORT", "9464", "Port of the /healthz and /metrics endpoint; 0 turns it off."),
    Setting(
        "clock_speed",
        "CAREBOT_CLOCK_SPEED",
        "1",
        "Run the bot's clock this many times faster (3600: an hour a second). Only with CAREBOT_STAGING=1: for training bots.",
    ),
    Setting(
        "staging",
        "CAREBOT_STAGING",
        "0",
        "1: a training bot. Every message it sends is marked as training; allows CAREBOT_CLOCK_SPEED.",
    ),
)


@dataclass(frozen=True)
class Settings:
    token: str = ""
    db_path: str = "./carebot.db"
    api_base_url: str = "https://api.telegram.org/bot"
    timezone: str = "America/Los_Angeles"
    log_level: str = "INFO"
    campaign_path: str = ""
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    poll_timeout: int = 25
    max_concurrent_updates: int = 64
    http_timeout: int = 10
    rate_limit: int = 1
    group_rate: str = "19/60"
    bot_username: str = ""
    admin_ids: str = ""
    organizer_ids: str = ""
    desk_chat_id: str = ""
    organizers_chat_id: str = ""
    health_listen: str = "127.0.0.1"
    health_port: int = 9464
    clock_speed: float = 1.0
    staging: int = 0

    @staticmethod
    def _ids(text: str) -> frozenset[int]:
        return frozenset(int(x) for x in text.replace(" ", "").split(",") if x.lstrip("-").isdigit())

    @property
    def admins(self) -> frozenset[int]:
        """Admin user ids from CAREBOT_ADMIN_IDS."""
        return self._ids(self.admin_ids)

    @property
    def organizers(self) -> frozenset[int]:
        """Standing organizer user ids from CAREBOT_ORGANIZER_IDS."""
        return self._ids(self.organizer_ids)

    @property
    def group_limit(self) -> tuple[float, float]:
        """(messages, seconds) allowed into one group."""
        messages, _, seconds = self.group_rate.partition("/")
        return float(messages), float(seconds or 60)

    @property
    def desk_chat(self) -> int | None:
        return int(self.desk_chat_id) if self.desk_chat_id.lstrip("-").isdigit() else None

    @property
    def organizers_chat(self) -> int | None:
        return int(self.organizers_chat_id) if self.organizers_chat_id.lstrip("-").isdigit() else None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv_path: str | Path | None = ".env") -> "Settings":
        """Settings from `.env` (if present) overridden by the environment."""
        values: dict[str, str] = {}
        if dotenv_path and Path(dotenv_path).is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if env is None else env)
        kwargs: dict[str, Any] = {}  # each field's value, of the field's own type
        types = {f.name: f.type for f in fields(cls)}
        for s in SETTINGS:
            raw = values.get(s.env, s.default)
            if raw is None or raw == "":
                raw = s.default
            kind = types[s.name]
            if kind in (int, "int"):
                kwargs[s.name] = int(raw)
            elif kind in (float, "float"):
                kwargs[s.name] = float(raw)
            else:
                kwargs[s.name] = raw
        return cls(**kwargs)

    def __repr__(self) -> str:  # never print the token
        shown = ", ".join(
            f"{s.name}={'***' if s.secret and getattr(self, s.name) else repr(getattr(self, s.name))}" for s in SETTINGS
        )
        return f"Settings({shown})"

    def check_staging(self) -> None:
        """A fast clock is for training bots only: refuse it on a real campaign bot."""
        if self.clock_speed <= 0:
            raise ValueError("CAREBOT_CLOCK_SPEED must be a positive number (1 is real time).")
        if self.clock_speed != 1 and not self.staging:
            raise ValueError(
                f"CAREBOT_CLOCK_SPEED={self.clock_speed:g} runs the clock fast, which would send real members "
                "check-ins early. It is only for training bots: set CAREBOT_STAGING=1 too (every message is "
                "then marked as training), or set CAREBOT_CLOCK_SPEED=1."
            )

    @property
    def offline(self) -> bool:
        """No token: run the demo against the local stand-in."""
        return not self.token
