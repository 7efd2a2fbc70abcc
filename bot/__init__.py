"""The only package that knows Telegram (python-telegram-bot v22)."""

import os

# Opt in now to PTB's coming durations as timedelta (RetryAfter.retry_after among them): the code reads
# both forms, and this keeps PTB's deprecation warning out of the logs.
os.environ.setdefault("PTB_TIMEDELTA", "1")
