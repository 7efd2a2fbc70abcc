"""The harm screen: a member telling us missed care is hurting them reaches a volunteer."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from knowledge.harm import reports_harm, screen_harm

CASES = tomllib.loads((Path(__file__).parent / "data" / "harm_phrases.toml").read_text(encoding="utf-8"))
HARM, SAFE = CASES["harm"], CASES["safe"]


def test_the_harm_test_set_has_both_languages_and_enough_look_alikes():
    assert len(HARM) >= 50 and len(SAFE) >= 40
    for items in (HARM, SAFE):
        assert sum(i["lang"] == "es" for i in items) >= len(items) // 3


@pytest.mark.parametrize("lang", ["en", "es"])
def test_harm_reports_are_recognised_in_each_language(lang):
    items = [i["text"] for i in HARM if i["lang"] == lang]
    missed = [t for t in items if not reports_harm(t)]
    assert len(missed) / len(items) <= 0.05, missed


def test_questions_about_coverage_and_hospitals_as_places_raise_nothing():
    alarms = [i["text"] for i in SAFE if reports_harm(i["text"])]
    assert len(alarms) / len(SAFE) <= 0.05, alarms


def test_a_long_rambling_message_with_harm_inside_is_recognised():
    text = (
        "hi so my therapist canceled again and nobody called me back, " * 40
        + "and honestly i'm getting worse every day, i ended up in the ER on friday"
    )
    assert reports_harm(text[-4000:])


@pytest.mark.parametrize("text", ["I'm so overwhelmed with all of this", "estoy muy ansiosa", "i feel so alone lately"])
def test_hard_feelings_short_of_harm_are_a_maybe_so_the_member_is_offered_a_person(text):
    assert screen_harm(text) == "maybe"


@pytest.mark.parametrize(
    "text",
    [
        "what if my anxiety gets worse while I wait?",
        "does kaiser cover depression treatment",
        "¿que pasa si se me acaban las pastillas?",
    ],
)
def test_questions_about_symptoms_are_neither_harm_nor_a_maybe(text):
    assert screen_harm(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "they put me in the hospital for depression back in 2020, im fine now",
        "i ended up in the ER for anxiety about eight years ago",
        "estuve internada en el psiquiatrico en 2015",
        "me hospitalizaron por depresion hace diez anos",
        "im afraid my panic attacks will get worse while i wait",
        "tengo miedo de que la depresion empeore sin terapia",
        "i'm not suicidal, just nervous and i want my therapist back",
    ],
)
def test_history_and_worry_are_not_harm_so_no_volunteer_is_sent_unasked(text):
    assert screen_harm(text) != "harm"


@pytest.mark.parametrize(
    "text",
    [
        "i was hospitalized in 2019 and now my panic attacks are back every day",
        "years ago i was fine, but now i'm getting worse every day",
        "hace dos anos estuve bien pero ahora cada dia estoy peor",
        "i ended up in the ER last night",
    ],
)
def test_harm_now_is_recognised_even_beside_history(text):
    assert screen_harm(text) == "harm"
