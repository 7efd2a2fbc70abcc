"""python-telegram-bot's HTTP requests over an aiohttp client session.

PTB's default transport (httpx) re-checks every pooled connection on every
request; under carebot's load that bookkeeping cost more CPU than carebot's own
work (measured with cProfile: about 40% of the process). aiohttp's connection
pool does not, and aiohttp is already here for the stand-in and the webhook.
PTB supports this officially: a `BaseRequest` subclass passed to the builder.
"""

from __future__ import annotations

import asyncio
import re

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


# A bot token as it appears in a Bot API URL (/bot<id>:<secret>/method) or anywhere else.
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    """The text with any bot token replaced (errors from aiohttp carry the request URL, token included)."""
    return TOKEN_PATTERN.sub("<token>", text)


class AiohttpRequest(BaseRequest):
    """A PTB request backend on one aiohttp ClientSession with a bounded connection pool."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ):
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=30),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = bool(request_data and request_data.contains_files)
        read = self._read_timeout if isinstance(read_timeout, type(BaseRequest.DEFAULT_NONE)) else read_timeout
        write = (
            (self._media_write_timeout if has_files else self._write_timeout)
            if isinstance(write_timeout, type(BaseRequest.DEFAULT_NONE))
            else write_timeout
        )
        connect = self._connect_timeout if isinstance(connect_timeout, type(BaseRequest.DEFAULT_NONE)) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, type(BaseRequest.DEFAULT_NONE)) else pool_timeout
        # aiohttp has no separate write timeout: the socket read timeout covers waiting for the reply,
        # and the whole request may take connect + pool + write + read.
        parts = [t for t in (read, write, connect, pool) if t is not None]
        timeout = aiohttp.ClientTimeout(total=sum(parts) if len(parts) == 4 else None, sock_read=read, sock_connect=connect)
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            if has_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                data = request_data.json_parameters
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError:
            raise TimedOut from None
        except aiohttp.ClientError as err:
            # `from None`: aiohttp's exception (its text holds the URL with the token) stays out of any traceback.
            raise NetworkError(f"aiohttp.{type(err).__name__}: {redact(str(err))}") from None
