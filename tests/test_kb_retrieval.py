"""Answers members can trust: the fact that answers the question first, an honest "not sure", the member's language."""

from __future__ import annotations

import shutil
import textwrap
import tomllib
from pathlib import Path

import pytest

from knowledge.campaign import load_campaign
from knowledge.kb import KNOWLEDGE_DIR, LANGUAGES, load_knowledge_base
from knowledge.kbeval import EVAL_FILE, first_reply, load_eval, score
from knowledge.language import OTHER, detect_language
from knowledge.retrieval import (
    MEMBER_QUESTIONS_FILE,
    OUT_OF_SCOPE_FILE,
    Retriever,
    Weights,
    load_out_of_scope,
    passages_of,
)
from knowledge.text import normalize

MIN_RIGHT_FACT = 0.90
MIN_ABSTAINED = 0.80
MAX_CONFIDENT_WRONG = 0.05


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


@pytest.fixture(scope="module")
def retriever(kb):
    return Retriever(kb)


@pytest.fixture(scope="module")
def evaluation(retriever, campaign):
    return score(retriever, campaign, load_eval())


def reply(retriever, campaign, text, mode="en"):
    return first_reply(retriever, campaign, text, mode)


# --- the frozen evaluation file -------------------------------------------------


def test_evaluation_file_is_frozen_big_and_apart_from_everything_the_retriever_learns_from(kb):
    raw = tomllib.loads(EVAL_FILE.read_text(encoding="utf-8"))
    assert raw["frozen"].isoformat() == "2026-12-06"
    first = [q for q in raw["q"] if q["round"] == 1]
    for lang in LANGUAGES:
        assert sum(q["lang"] == lang and q["expect"] != "" for q in first) >= 120
        assert sum(q["lang"] == lang and q["expect"] == "" for q in first) >= 40
    assert sum(q["lang"] != q["mode"] for q in first) >= 20, "cross-language questions"
    assert {q["expect"] for q in raw["q"]} - {""} <= set(kb.ids)
    assert all(q["fact"] for q in raw["q"] if q["expect"]), "every answerable question names its fact"
    assert raw["pending_topics"]["q"], "questions for topics still to be written"
    assert {"round1", "round2"} <= set(raw["scores"])
    # Written apart from the training questions: a few short ones ("what is an imr") came out
    # word for word the same; `kb eval` leaves those out of the figures.
    learned = {normalize(s) for a in kb.articles for t in a.texts.values() for s in t.questions}
    learned |= {normalize(q["text"]) for q in tomllib.loads(MEMBER_QUESTIONS_FILE.read_text(encoding="utf-8"))["q"]}
    learned |= {normalize(q) for _, q in load_out_of_scope()}
    copied = [q["text"] for q in raw["q"] if normalize(q["text"]) in learned]
    assert len(copied) <= len(raw["q"]) // 10


def test_evaluation_leaves_out_questions_the_retriever_learned_word_for_word(retriever, evaluation):
    assert evaluation.skipped > 0
    scored = sum(evaluation.total.values())
    assert scored + evaluation.skipped == len(load_eval())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_reply_carries_the_asked_fact_for_at_least_90_percent_of_member_questions(evaluation, lang):
    misses = [
        f"{q['text']!r}: {q['expect']} {q['fact']!r} -> {r.article_id}"
        for q, r in evaluation.misses
        if q["lang"] == lang and q["expect"]
    ]
    assert evaluation.rate("right", lang) >= MIN_RIGHT_FACT, "\n".join(misses)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_out_of_scope_questions_get_not_sure_at_least_80_percent_of_the_time(evaluation, lang):
    answered = [f"{q['text']!r} -> {r.article_id}" for q, r in evaluation.misses if q["lang"] == lang and not q["expect"]]
    assert evaluation.rate("abstained", lang) >= MIN_ABSTAINED, "\n".join(answered)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_confident_wrong_answers_stay_at_or_under_5_percent(evaluation, lang):
    assert evaluation.rate("wrong", lang) <= MAX_CONFIDENT_WRONG


# --- answers lead with the fact asked ----------------------------------------------


def test_member_asking_for_the_dmhc_website_sees_it_first(retriever, campaign):
    r = reply(retriever, campaign, "dmhc website")
    assert r.article_id == "dmhc-complaint"
    body = r.text.split("\n\n", 1)[1]
    assert "www.dmhc.ca.gov" in body.split("\n\n")[0]


def test_member_asking_about_a_psychiatrist_gets_15_business_days_in_the_first_sentence(retriever, campaign):
    r = reply(retriever, campaign, "cuanto tiempo tiene kaiser para darme cita con el psiquiatra", "es")
    assert r.article_id == "timely-access"
    assert "15 días hábiles" in r.text.split("\n\n")[1]


def test_the_rest_of_the_short_answer_follows_the_lead(retriever, campaign, kb):
    r = reply(retriever, campaign, "dmhc website")
    rendered = kb.render("dmhc-complaint", "en", campaign)
    assert rendered.answer in r.text


# --- an honest "not sure" ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "can i sue kaiser",
        "puedo demandar a kaiser por cancelarme la cita",
        "how much is my copay for therapy",
        "will kaiser pay for my uber to the clinic",
        "should i stop my antidepressant while i wait",
    ],
)
def test_question_the_knowledge_base_cannot_answer_gets_no_article(retriever, text):
    assert retriever.answer(text, "en").article_id is None


@pytest.mark.parametrize(
    "text, article",
    [
        ("does kaiser cover therapy for suicidal thoughts", "out-of-network"),
        ("this wait is killing me, how long can they make me wait for a therapist", "timely-access"),
        ("i could die waiting for this appointment, whats the legal limit", "timely-access"),
    ],
)
def test_coverage_questions_and_idioms_about_dying_are_answered_not_sent_to_crisis(retriever, text, article):
    assert retriever.answer(text, "en").article_id == article


@pytest.mark.parametrize(
    "text, lang",
    [
        ("no estoy pensando en matarme, nomas quiero saber cuando me dan cita", "es"),
        ("im not suicidal, they canceled my therapy and i need a new appt", "en"),
        ("me muero de la verguenza jaja, se me olvido la cita", "es"),
        ("ni me quiero morir ni nada, solo que me reagenden", "es"),
        ("i tried to kill myself back in 2012, doing fine now, how do i get a refill", "en"),
        ("trate de matarme hace 5 anos, ahora estoy estable, necesito mi receta", "es"),
    ],
)
def test_a_denied_crisis_or_a_dying_idiom_is_not_answered_with_the_crisis_article(retriever, text, lang):
    found = retriever.answer(text, lang)
    assert found.article_id not in ("crisis-help", "other-emergencies")


def test_the_crisis_article_still_answers_a_question_about_crisis_lines(retriever):
    assert retriever.answer("a que numero llamo si estoy en crisis", "es").article_id == "crisis-help"


def test_alternatives_are_three_real_articles_even_when_not_sure(retriever, kb):
    found = retriever.answer("can i sue kaiser", "en")
    assert found.article_id is None
    assert len(found.alternatives) == 3 and set(found.alternatives) <= set(kb.ids)


def test_a_retriever_without_a_floor_is_refused(kb):
    with pytest.raises(ValueError):
        Retriever(kb, weights=Weights(floor=0))


def test_an_impossible_floor_withholds_every_answer(kb):
    strict = Retriever(kb, weights=Weights(floor=2.0))
    assert strict.answer("how long does kaiser have to give me a therapy appointment", "en").article_id is None


# --- new articles need no code change ------------------------------------------------


def test_a_new_article_with_example_questions_is_found_and_its_passages_indexed(tmp_path):
    shutil.copytree(KNOWLEDGE_DIR / "articles", tmp_path / "articles")
    shutil.copy(KNOWLEDGE_DIR / "sources.toml", tmp_path / "sources.toml")
    (tmp_path / "articles" / "keep-records.toml").unlink(missing_ok=True)  # the shipped article on the same topic
    (tmp_path / "articles" / "record-keeping.toml").write_text(
        textwrap.dedent("""
        id = "record-keeping"
        reviewed = 2026-11-28
        sources = ["DMHC-FAC"]
        [en]
        title = "Keep a record of your calls"
        answer = "Write down the date of every call, the name of the person you spoke to and any reference number."
        questions = ["should i keep notes of my calls", "what do i write down when i call", "do i need a call log"]
        [es]
        title = "Guarde un registro de sus llamadas"
        answer = "Anote la fecha de cada llamada, el nombre de la persona y cualquier número de referencia."
        questions = ["debo anotar mis llamadas", "que apunto cuando llamo", "necesito un registro de llamadas"]
    """),
        encoding="utf-8",
    )
    kb = load_knowledge_base(tmp_path)
    assert any(p.article_id == "record-keeping" for p in passages_of(kb))
    found = Retriever(kb).answer("should i be writing down my phone calls with them", "en")
    assert found.article_id == "record-keeping"
    assert found.lead is not None and found.lead.article_id == "record-keeping"


# --- the member's language -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("how long do they have to give me an appointment", "en"),
        ("cuanto tiempo tienen para darme una cita", "es"),
        ("me cancelaron la cita con mi therapist, que hago", "es"),
        ("dmhc website", "en"),
        ("pagina web del dmhc", "es"),
    ],
)
def test_the_language_a_member_writes_in_is_recognised(retriever, text, lang):
    assert detect_language(text, retriever.vocabulary) == lang


@pytest.mark.parametrize(
    "text",
    [
        "paano ako magrereklamo tungkol sa nakanselang appointment ko",
        "tôi bị hủy hẹn khám phải làm sao",
        "我的预约被取消了怎么办",
        "как подать жалобу на отмену приёма",
    ],
)
def test_a_question_in_a_third_language_is_recognised_as_neither(text):
    assert detect_language(text) == OTHER


@pytest.mark.parametrize("text", ["👍👍", "?!?!", "", "   "])
def test_a_message_without_words_has_no_language(text):
    assert detect_language(text) is None


def test_spanish_question_in_an_english_chat_is_answered_in_spanish(retriever, campaign):
    r = reply(retriever, campaign, "cuantos dias tiene kaiser para resolver mi queja formal", "en")
    assert r.lang == "es" and r.article_id == "file-grievance"
    assert "30 días" in r.text


def test_english_question_in_a_spanish_chat_is_answered_in_english(retriever, campaign):
    r = reply(retriever, campaign, "whats the dmhc phone number", "es")
    assert r.lang == "en" and "1-888-466-2219" in r.text


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "?!?!", "😢😢😢", "x" * 5000, "asdfgh qwerty"])
def test_empty_emoji_huge_and_gibberish_messages_get_no_article_and_no_error(retriever, text):
    assert retriever.answer(text, "en").article_id is None


def test_a_5000_character_question_is_answered_from_its_start(retriever):
    text = "my therapy appointment was canceled, what are my rights? " + "please help. " * 400
    assert len(text) > 5000
    assert retriever.answer(text, "en").article_id in {"canceled-appointment", "strike-rights"}


def test_out_of_scope_examples_file_is_readable_in_both_languages():
    raw = tomllib.loads(Path(OUT_OF_SCOPE_FILE).read_text(encoding="utf-8"))
    assert len(raw["en"]) >= 30 and len(raw["es"]) >= 30
