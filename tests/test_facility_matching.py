"""Facilities and button choices that members type instead of tapping."""

import pytest

from knowledge.campaign import Campaign, Facility, load_campaign
from knowledge.facilities import CANDIDATE_CUTOFF, FacilityMatch, match_choice, match_facility


@pytest.fixture(scope="module")
def campaign():
    return load_campaign()


def ids(match: FacilityMatch) -> list[str]:
    return [f.id for f, _ in match.candidates]


@pytest.mark.parametrize(
    "text, facility_id",
    [
        ("Sunset", "los-angeles"),
        ("sunset", "los-angeles"),
        ("kaiser sunset", "los-angeles"),
        ("harbor city", "south-bay"),
        ("Harbor City", "south-bay"),
        ("san diego", "san-diego"),
        ("zion", "san-diego"),
        ("west la", "west-los-angeles"),
        ("West LA", "west-los-angeles"),
        ("Los Angeles Medical Center", "los-angeles"),
        ("LAMC", "los-angeles"),
        ("LA medical center", "los-angeles"),
        ("Kaiser Permanente Fontana Medical Center", "fontana"),
        ("baldwin park", "baldwin-park"),
        ("salud mental en riverside", "riverside"),
        ("la de sunset", "los-angeles"),
        ("I go to the Harbor City clinic", "south-bay"),
        ("Kearny Mesa", "san-diego"),
        ("Thousand Oaks", "ventura-county"),
    ],
)
def test_named_facility_or_alias_is_exact_and_confident(campaign, text, facility_id):
    match = match_facility(text, campaign)
    assert match.exact
    assert match.best is not None and match.best.id == facility_id
    assert match.candidates[0][0].id == facility_id


@pytest.mark.parametrize(
    "text, facility_id",
    [
        ("panorama", "panorama-city"),
        ("en la clínica de panorama", "panorama-city"),
        ("wodland hils", "woodland-hills"),
        ("woodlandhills", "woodland-hills"),
        ("bakersfeld", "kern-county"),
        ("rivrside", "riverside"),
        ("fontanna", "fontana"),
        ("ontaro", "ontario"),
        ("baldwin hills", "west-los-angeles"),
        ("mesa", "san-diego"),  # Kearny Mesa and Otay Mesa are both San Diego
        ("coachella", "coachella-valley"),
    ],
)
def test_partial_or_misspelled_name_is_confident_but_not_exact(campaign, text, facility_id):
    match = match_facility(text, campaign)
    assert not match.exact
    assert match.best is not None and match.best.id == facility_id
    assert match.candidates[0][0].id == facility_id


@pytest.mark.parametrize(
    "text, expected",
    [
        ("LA", {"los-angeles", "west-los-angeles"}),
        ("la", {"los-angeles", "west-los-angeles"}),
        ("los angeles", {"los-angeles", "west-los-angeles"}),
        ("kaiser de los angeles", {"los-angeles", "west-los-angeles"}),
        ("Baldwin", {"baldwin-park", "west-los-angeles"}),
        ("park", {"baldwin-park", "woodland-hills"}),
        ("riverside or fontana", {"riverside", "fontana"}),
    ],
)
def test_ambiguous_name_is_not_confident_and_offers_both(campaign, text, expected):
    match = match_facility(text, campaign)
    assert match.best is None
    assert not match.exact
    assert expected <= set(ids(match))


@pytest.mark.parametrize("text", ["valley", "city", "county", "san", "hills"])
def test_word_shared_by_many_facilities_offers_at_most_limit(campaign, text):
    match = match_facility(text, campaign)
    assert match.best is None
    assert len(match.candidates) == 3
    assert len(match_facility(text, campaign, limit=2).candidates) == 2


@pytest.mark.parametrize(
    "text",
    ["asdf", "pizza", "🙂", "", "   ", "hello", "hola", "no sé", "I don't know", "help", "yes", "no", "x" * 5000],
    ids=lambda t: f"{len(t)} chars" if len(t) > 40 else repr(t),
)
def test_nonsense_matches_nothing(campaign, text):
    match = match_facility(text, campaign)
    assert match == FacilityMatch(best=None, candidates=(), exact=False)


def test_extra_unknown_words_make_a_candidate_not_an_answer(campaign):
    # North Hollywood is not Hollywood: offer it, don't decide it.
    match = match_facility("north hollywood", campaign)
    assert match.best is None
    assert ids(match) == ["los-angeles"]


def test_candidates_are_distinct_best_first_and_above_the_cutoff(campaign):
    for text in ["LA", "Baldwin", "valley", "harbor city", "wodland hils", "sn diego"]:
        match = match_facility(text, campaign)
        scores = [s for _, s in match.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(CANDIDATE_CUTOFF <= s <= 100 for s in scores)
        assert len(set(ids(match))) == len(ids(match))
        if match.best:
            assert match.candidates[0][0] == match.best


def test_matching_works_on_any_campaign():
    other = Campaign(
        id="x",
        plan_name="Plan",
        plan_short="P",
        region="R",
        region_es="R",
        union="U",
        strike_start=None,
        timezone="UTC",
        reference_prefix="X",
        portal_name="",
        portal_complaint_path="",
        portal_complaint_path_es="",
        phones={},
        facilities=(Facility("oak", "Oakland", ("Broadway",)), Facility("sf", "San Francisco", ("Geary",))),
    )
    assert match_facility("oakland", other).best.id == "oak"
    assert match_facility("oaklnd", other).best.id == "oak"
    assert match_facility("sunset", other).candidates == ()


def test_one_wrong_letter_in_a_short_name_is_offered_not_decided(campaign):
    match = match_facility("irvune", campaign)
    assert match.best is None
    assert ids(match) == ["irvine"]


CHOICES = {
    "individual": ["Individual therapy", "Terapia individual", "therapy", "terapia"],
    "group": ["Group therapy", "Terapia de grupo", "group", "grupo"],
    "psychiatry": ["Psychiatry / medication", "Psiquiatría / medicamentos", "psychiatrist", "meds"],
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Individual therapy", "individual"),
        ("terapia individual", "individual"),
        ("therapy", "individual"),  # a synonym given for exactly one choice wins
        ("Terapia", "individual"),
        ("group", "group"),
        ("terapia de grupo", "group"),
        ("GROUP THERAPY!", "group"),
        ("psiquiatria", "psychiatry"),
        ("meds", "psychiatry"),
        ("psychiatrst", "psychiatry"),
        ("terapia individual por favor", "individual"),
    ],
)
def test_typed_choice_label_or_synonym_picks_the_choice(text, expected):
    assert match_choice(text, CHOICES) == expected


@pytest.mark.parametrize(
    "text",
    ["pizza", "", "🙂", "therapy group", "2", "individaul", "x" * 500],
    ids=lambda t: f"{len(t)} chars" if len(t) > 40 else repr(t),
)
def test_unclear_typed_choice_is_none(text):
    assert match_choice(text, CHOICES) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", "individual"),
        ("2", "group"),
        ("#2", "group"),
        ("2.", "group"),
        ("option 3", "psychiatry"),
        ("opción 1", "individual"),
        ("2nd", "group"),
        ("dos", "group"),
        ("the second", "group"),
        ("4", None),
        ("0", None),
        ("group", "group"),
    ],
)
def test_numbered_choice_accepts_its_position(text, expected):
    assert match_choice(text, CHOICES, numbered=True) == expected
    order = ["psychiatry", "group", "individual"]
    if expected and not text.isalpha():
        assert match_choice(text, CHOICES, numbered=order) == order[["individual", "group", "psychiatry"].index(expected)]


def test_yes_and_no_are_told_apart():
    labels = {"yes": ["Yes", "Sí", "si", "yeah"], "no": ["No", "nope"]}
    assert match_choice("sí", labels) == "yes"
    assert match_choice("Si!", labels) == "yes"
    assert match_choice("no", labels) == "no"
    assert match_choice("nop", labels) == "no"
    assert match_choice("maybe", labels) is None


def test_label_shared_by_two_choices_is_not_confident():
    labels = {"a": ["Phone call"], "b": ["Video call"]}
    assert match_choice("call", labels) is None
    assert match_choice("video", labels) == "b"
