"""Organizer files in the organizer's language: translated charts, "<5" drawn as suppressed, empty charts that
say so, flyers with the clinic as members know it and the link in print, /export facility= by name or alias."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner
import click

from bot.charts import draw_charts
from bot.cli_organizers import register
from bot.qr import flyer_text
import pytest

from knowledge.campaign import load_campaign
from storage.clinic_report import build_report
from tests.organizer_fixtures import fresh_db
from tests.test_organizers_telegram import ORGANIZER, documents_in, filed, org_bot  # noqa: F401
from tests.test_report import DAY, build_fixture


@pytest.fixture
def campaign():
    return load_campaign()


@pytest.fixture
def db():
    database = fresh_db()
    build_fixture(database)
    return database


def _texts(fig) -> str:
    ax = fig.axes[0]
    return " ".join(
        [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts), *(t.get_text() for t in fig.texts)]
    )


def test_chart_labels_are_in_the_organizers_language(db, campaign):
    figures = draw_charts(db, build_report(db, campaign, day=DAY), lang="es")
    words = " ".join(_texts(f) for f in figures)
    assert "Cancelaciones reportadas por día" in words and "Clínica" in words and "Casos" in words
    assert "Cancellations" not in words and "Clinic" not in words


def test_a_public_count_under_five_is_drawn_as_suppressed_not_as_a_bar_of_five(db, campaign):
    report = build_report(db, campaign, day=DAY, public=True)
    past = draw_charts(db, report, lang="en")[1]
    ax = past.axes[0]
    widths = [round(p.get_width()) for p in ax.patches]
    labels = [t.get_text() for t in ax.texts]
    assert "<5" in labels
    assert 5 not in widths and 0 in widths  # no bar reaching 5: the hidden count has none
    assert any("fewer than 5" in t.get_text() for t in past.texts)


def test_empty_charts_say_no_data_yet_on_a_bare_frame(campaign):
    empty = fresh_db()
    for fig in draw_charts(empty, build_report(empty, campaign, day=DAY), lang="en"):
        ax = fig.axes[0]
        assert "No data yet" in _texts(fig)
        assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []


def test_a_flyer_asked_for_by_town_names_the_clinic_as_members_know_it_prints_the_link_and_says_it_opens_telegram():
    lines = flyer_text("https://t.me/carebot_local_bot?start=abc", "South Bay", known_as="Harbor City")
    assert lines[0] == "https://t.me/carebot_local_bot?start=abc"
    assert lines[1] == "South Bay — Harbor City"
    assert any("opens Telegram" in line for line in lines) and any("abre Telegram" in line for line in lines)


def test_cli_report_in_spanish_and_flyer_by_alias(tmp_path):
    db_path = tmp_path / "carebot.db"
    fixture = fresh_db(db_path)
    build_fixture(fixture)
    fixture.close()
    group = click.Group("carebot")
    register(group)
    env = {
        "CAREBOT_DB": str(db_path),
        "CAREBOT_CAMPAIGN": "",
        "CAREBOT_TIMEZONE": "",
        "CAREBOT_BOT_USERNAME": "carebot_local_bot",
    }
    out = tmp_path / "report"
    result = CliRunner().invoke(group, ["report", "--date", "2026-11-24", "--out", str(out), "--lang", "es"], env=env)
    assert result.exit_code == 0, result.output
    flyer = tmp_path / "flyer.png"
    result = CliRunner().invoke(group, ["link", "--facility", "harbor city", "--out", str(flyer)], env=env)
    assert result.exit_code == 0, result.output
    assert flyer.stat().st_size > 5_000


async def test_export_facility_accepts_a_name_with_spaces_or_an_alias(org_bot):  # noqa: F811
    await filed(org_bot, 9401)  # Los Angeles Medical Center, found as "sunset"
    organizer = org_bot.standin.user(ORGANIZER, "Olga")
    await organizer.send("/export csv facility=los angeles medical center")
    sent = await documents_in(org_bot.standin, ORGANIZER, 2)
    rows = list(csv.DictReader(io.StringIO(sent[0]["document"]["content"].decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["facility"] == "Los Angeles Medical Center"
    await organizer.send("/export facility=harbor city")
    sent = await documents_in(org_bot.standin, ORGANIZER, 4)
    rows = list(csv.DictReader(io.StringIO(sent[2]["document"]["content"].decode("utf-8-sig"))))
    assert rows == []  # South Bay (Harbor City) has no case: an empty export, not the usage text
    reply = await organizer.ask("/export facility=pasadena")
    assert "I don't know a clinic called “pasadena”" in reply.text and "South Bay" in reply.text
