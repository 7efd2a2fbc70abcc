"""Clinic flyers: a QR code for a deep link, the link itself printed under it (for someone who can't scan),
the clinic's name as members know it ("South Bay — Harbor City"), a call to action in English and Spanish, and a
line saying the code opens Telegram.

The words come from bot/flyer.toml ([link]). The font is DejaVu Sans, which
matplotlib (a dependency) ships, so a fresh machine needs no system fonts and
Spanish prints whole ("¿", "ñ"); Pillow's bundled font (which lacks "¿") is
the fallback. The QR code sits at the top of the image, centred: BORDER
modules of quiet zone, then one BOX_SIZE square per module.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

FLYER_TEXT = Path(__file__).with_name("flyer.toml")
BOX_SIZE = 16  # pixels per QR module
MIN_WIDTH = 900  # pixels: room for the words under a small code
BORDER = 4  # modules of quiet zone (the QR standard's minimum)
NAME_SIZE = 48
TEXT_SIZE = 30
URL_SIZE = 26
MARGIN = 40
LINE_GAP = 8


def _link_table(path: Path = FLYER_TEXT) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)["link"]


def flyer_lines(path: Path = FLYER_TEXT) -> tuple[str, str]:
    """The English and Spanish calls to action from the flyer text file."""
    link = _link_table(path)
    return link["call_to_action_en"], link["call_to_action_es"]


def telegram_lines(path: Path = FLYER_TEXT) -> tuple[str, ...]:
    """What scanning does (it opens Telegram), in English and Spanish: nobody should be surprised by an app."""
    link = _link_table(path)
    return tuple(line for line in (link.get("opens_telegram_en"), link.get("opens_telegram_es")) if line)


def flyer_title(facility_name: str, known_as: str | None) -> str:
    """The clinic as members know it: "South Bay — Harbor City" when the flyer was asked for by a town."""
    if known_as and known_as.casefold() not in facility_name.casefold():
        return f"{facility_name} — {known_as}"
    return facility_name


def flyer_text(url: str, facility_name: str, *, known_as: str | None = None, lines: tuple[str, ...] | None = None) -> list[str]:
    """Every line printed under the QR code, in order (the flyer's words, to check without reading pixels)."""
    calls = lines if lines is not None else flyer_lines()
    return [url, flyer_title(facility_name, known_as), *calls, *telegram_lines()]


def qr_image(url: str):
    """The QR code for url as a black-on-white Pillow image (error correction M: survives a crease or a stain)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB"), qr.modules_count


def _font(size: int):
    from PIL import ImageFont

    try:
        import matplotlib

        return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)


def qr_origin(image_width: int, modules: int) -> tuple[int, int]:
    """Where the QR code's top-left corner (quiet zone included) sits on a flyer of this width."""
    return (image_width - (modules + 2 * BORDER) * BOX_SIZE) // 2, 0


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Lines that fit `width`: the whole text if it fits, else each sentence, word-wrapped if it must be."""
    if draw.textlength(text, font=font) <= width:
        return [text]
    sentences = re.split(r"(?<=[?.!])\s+", text.strip())
    if len(sentences) > 1:
        return [line for sentence in sentences for line in _wrap(draw, sentence, font, width)]
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def write_qr_png(
    url: str, facility_name: str, out_path: str | Path, *, lines: tuple[str, ...] | None = None, known_as: str | None = None
) -> Path:
    """Write a flyer PNG: the QR code for url, the link in print, the clinic's name as members know it, and the
    calls to action (English, then Spanish) with what scanning does."""
    from PIL import Image, ImageDraw

    code, modules = qr_image(url)
    width = max(code.width, MIN_WIDTH)
    name_font = _font(NAME_SIZE)
    text_font = _font(TEXT_SIZE)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    usable = width - 2 * MARGIN
    url_font = _font(URL_SIZE)
    # The link in print right under the code: typed by hand when a phone can't scan.
    blocks = [(line, url_font) for line in _wrap(scratch, url, url_font, usable)]
    blocks.append(("", text_font))
    blocks += [(line, name_font) for line in _wrap(scratch, flyer_title(facility_name, known_as), name_font, usable)]
    for sentence in [*(lines if lines is not None else flyer_lines()), *telegram_lines()]:
        blocks.append(("", text_font))  # a little air between the name and each language
        blocks += [(line, text_font) for line in _wrap(scratch, sentence, text_font, usable)]

    def height_of(line, font):
        return (font.size // 2) if not line else font.getbbox("Ágy")[3] + LINE_GAP

    text_height = sum(height_of(line, font) for line, font in blocks)
    image = Image.new("RGB", (width, code.height + text_height + MARGIN), "white")
    image.paste(code, qr_origin(width, modules))
    draw = ImageDraw.Draw(image)
    y = code.height  # below the whole quiet zone: scanners need it clear
    for line, font in blocks:
        if line:
            draw.text((width // 2, y), line, font=font, fill="black", anchor="ma")
        y += height_of(line, font)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG")
    return out
