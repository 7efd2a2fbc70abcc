"""Clinic deep links and their QR flyers."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timezone

import click
import pytest
import qrcode
from click.testing import CliRunner
from PIL import Image

from bot.cli_organizers import register
from bot.qr import BORDER, BOX_SIZE, FLYER_TEXT, flyer_lines, qr_origin, write_qr_png
from knowledge.campaign import load_campaign
from storage.links import all_links, create_link, deep_link, match_facility, record_start, resolve
from tests.organizer_fixtures import fresh_db

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)
URL = "https://t.me/carebot_test_bot?start=cAbC123xYz9"


def test_link_codes_are_short_opaque_and_unique():
    db = fresh_db()
    codes = [create_link(db, facility_id="los-angeles", source="lobby-flyer", now=NOW) for _ in range(300)]
    assert len(set(codes)) == 300
    for code in codes:
        assert re.fullmatch(r"c[A-Za-z0-9]{10}", code)
        assert "__" not in code  # never mistaken for the older "<clinic>__<source>" payloads
    assert db.execute("SELECT count(*) FROM links").fetchone()[0] == 300


def test_a_code_resolves_to_its_clinic_and_source():
    db = fresh_db()
    code = create_link(db, facility_id="south-bay", source="  union-hall  ", now=NOW)
    link = resolve(db, code)
    assert (link.code, link.facility_id, link.source, link.created_at) == (code, "south-bay", "union-hall", NOW)
    bare = resolve(db, create_link(db, facility_id="downey", source=None, now=NOW))
    assert bare.source is None
    assert resolve(db, "cNoSuchCode") is None
    assert resolve(db, "") is None and resolve(db, None) is None
    assert resolve(db, "has spaces; DROP TABLE links") is None
    assert {link.code for link in all_links(db)} == {code, bare.code}


def test_a_start_from_a_link_is_counted_with_nothing_personal():
    db = fresh_db()
    code = create_link(db, facility_id="fontana", source=None, now=NOW)
    assert record_start(db, code, NOW)
    assert record_start(db, code, NOW)
    assert not record_start(db, "cUnknown123", NOW)
    rows = [dict(r) for r in db.query("SELECT * FROM link_starts")]
    assert rows == [{"id": 1, "link_code": code, "at": NOW.isoformat()}, {"id": 2, "link_code": code, "at": NOW.isoformat()}]


def test_facilities_are_found_by_id_name_or_alias_in_any_case():
    campaign = load_campaign()
    assert match_facility(campaign, "los-angeles").id == "los-angeles"
    assert match_facility(campaign, "los angeles medical center").id == "los-angeles"
    assert match_facility(campaign, "SUNSET").id == "los-angeles"
    assert match_facility(campaign, "Atlantis") is None
    assert match_facility(campaign, "") is None


def test_deep_link_uses_the_bot_username_or_a_placeholder():
    assert deep_link("carebot_test_bot", "cX") == "https://t.me/carebot_test_bot?start=cX"
    assert deep_link("@carebot_test_bot", "cX") == "https://t.me/carebot_test_bot?start=cX"
    assert deep_link("", "cX") == "https://t.me/<bot_username>?start=cX"


def test_flyer_is_a_png_of_sensible_size_whose_qr_code_encodes_the_link(tmp_path):
    path = write_qr_png(URL, "Los Angeles Medical Center", tmp_path / "flyer.png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 600 <= width <= 2000 and width < height <= 2 * width
        pixels = image.convert("L")
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER)
        qr.add_data(URL)
        qr.make(fit=True)
        matrix = qr.get_matrix()  # includes the quiet zone
        x0, y0 = qr_origin(width, qr.modules_count)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                value = pixels.getpixel((x0 + c * BOX_SIZE + BOX_SIZE // 2, y0 + r * BOX_SIZE + BOX_SIZE // 2))
                assert (value < 128) == dark, (r, c)
        # Words under the code, never inside its quiet zone: dark pixels only below it.
        below = pixels.crop((0, y0 + len(matrix) * BOX_SIZE, width, height))
        assert below.getextrema()[0] < 128


def test_flyer_words_are_data_in_both_languages():
    with open(FLYER_TEXT, "rb") as fh:
        link = tomllib.load(fh)["link"]
    en, es = flyer_lines()
    assert (en, es) == (link["call_to_action_en"], link["call_to_action_es"])
    assert "rights" in en and es.startswith("¿") and "derechos" in es


def cli_env(tmp_path, username: str) -> dict:
    return {
        "CAREBOT_DB": str(tmp_path / "carebot.db"),
        "CAREBOT_CAMPAIGN": "",
        "CAREBOT_TIMEZONE": "",
        "CAREBOT_BOT_USERNAME": username,
    }


def cli():
    group = click.Group("carebot")
    register(group)
    return group


def test_cli_link_prints_the_deep_link_and_writes_the_flyer(tmp_path):
    out = tmp_path / "sunset.png"
    result = CliRunner().invoke(
        cli(), ["link", "--facility", "Sunset", "--source", "lobby", "--out", str(out)], env=cli_env(tmp_path, "carebot_test_bot")
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"https://t\.me/carebot_test_bot\?start=(c[A-Za-z0-9]{10})", result.output)
    assert match
    link = resolve(fresh_db(tmp_path / "carebot.db"), match.group(1))
    assert (link.facility_id, link.source) == ("los-angeles", "lobby")
    assert out.stat().st_size > 5_000


def test_cli_link_without_a_bot_username_says_how_to_set_it_and_draws_no_broken_flyer(tmp_path):
    out = tmp_path / "flyer.png"
    result = CliRunner().invoke(cli(), ["link", "--facility", "downey", "--out", str(out)], env=cli_env(tmp_path, ""))
    assert result.exit_code == 0
    assert "https://t.me/<bot_username>?start=c" in result.output
    assert "CAREBOT_BOT_USERNAME" in result.output
    assert not out.exists()


def test_cli_link_refuses_an_unknown_clinic(tmp_path):
    result = CliRunner().invoke(cli(), ["link", "--facility", "Atlantis"], env=cli_env(tmp_path, "carebot_test_bot"))
    assert result.exit_code == 2
    assert "Atlantis" in result.output and "los-angeles" in result.output


@pytest.mark.parametrize("name", ["Anaheim", "Baldwin Hills-Crenshaw Medical Offices and a very long clinic name"])
def test_flyer_wraps_any_clinic_name(tmp_path, name):
    path = write_qr_png(URL, name, tmp_path / "f.png")
    with Image.open(path) as image:
        assert image.size[0] <= 2000
