"""Long texts cut into Telegram messages: Telegram's 4,096 limit, counted the way Telegram counts.

Telegram measures a message in UTF-16 code units after entity parsing (dialogs/textlimits.py):
an emoji beyond U+FFFF is two units. The pieces are measured on the HTML we send, which is never
shorter than what Telegram counts ("&lt;" is four units here, one there), so a piece always fits.
"""

from __future__ import annotations

from dialogs.textlimits import MESSAGE, utf16_len

__all__ = ["split_message"]


def split_message(text: str, limit: int = MESSAGE) -> list[str]:
    """The text (e.g. the daily report) in pieces that each fit one Telegram message, cut between blocks
    (blank-line separated: a clinic's lines stay together); a block too long alone is cut between lines."""
    pieces: list[str] = []
    current = ""
    for block in text.rstrip("\n").split("\n\n"):
        for part in [block] if utf16_len(block) <= limit else _line_groups(block, limit):
            joined = f"{current}\n\n{part}" if current else part
            if utf16_len(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def _line_groups(block: str, limit: int) -> list[str]:
    """A block too long for one message, as runs of whole lines (a line longer than the limit is cut)."""
    groups: list[str] = []
    current = ""
    for line in block.split("\n"):
        line = _head(line, limit)
        joined = f"{current}\n{line}" if current else line
        if utf16_len(joined) <= limit:
            current = joined
        else:
            groups.append(current)
            current = line
    if current:
        groups.append(current)
    return groups


def _head(line: str, limit: int) -> str:
    """The longest start of `line` within `limit` UTF-16 units, not ending inside an HTML entity ("&amp;")."""
    used = 0
    for i, ch in enumerate(line):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            head = line[:i]
            amp = head.rfind("&")
            if amp != -1 and ";" not in head[amp:] and len(head) - amp <= 10:
                head = head[:amp]
            return head
    return line
