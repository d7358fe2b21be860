"""Guideline search: typos, diacritics, compounds, lay phrasing, filters and explanations."""

from __future__ import annotations

from decision_support.model import Age, Audience
from decision_support.search import GuidelineIndex, SearchHit


def top_ids(index: GuidelineIndex, query: str, n: int = 3, **filters: object) -> list[str]:
    return [h.guideline_id for h in index.search(query, limit=n, **filters)]  # type: ignore[arg-type]


def test_a_query_without_diacritics_finds_chest_pain(index: GuidelineIndex) -> None:
    assert top_ids(index, "brostsmarta", 1) == ["brostsmarta"]


def test_lay_phrasing_ont_i_brostet_finds_chest_pain(index: GuidelineIndex) -> None:
    assert top_ids(index, "ont i bröstet", 1) == ["brostsmarta"]


def test_a_compound_part_finds_the_compound(index: GuidelineIndex) -> None:
    hits = index.search("smärta", limit=10)
    ids = [h.guideline_id for h in hits]
    assert "brostsmarta" in ids and "buksmarta-vuxen" in ids
    belly = next(h for h in hits if h.guideline_id == "buksmarta-vuxen")
    assert belly.why == ["symtom 'buksmärta' (del av sammansatt ord: 'smarta')"]


def test_a_typo_finds_the_guideline_and_says_it_was_a_typo(index: GuidelineIndex) -> None:
    hit = index.search("brösmärta", limit=1)[0]
    assert hit.guideline_id == "brostsmarta"
    assert any("(stavfel: 'brosmarta')" in why for why in hit.why)


def test_events_and_body_parts_are_searchable(index: GuidelineIndex) -> None:
    assert top_ids(index, "getingstick", 1) == ["insektsstick"]
    assert "brannskada" in top_ids(index, "bränt sig")
    assert {"skallskada-vuxen", "skallskada-barn", "stukning-fraktur"} & set(
        top_ids(index, "ramlat")
    )
    assert top_ids(index, "ont i tanden", 1) == ["tandvark"]


def test_an_unknown_compound_is_read_as_its_parts(index: GuidelineIndex) -> None:
    assert top_ids(index, "bukont", 1) == ["buksmarta-vuxen"]


def test_the_beginning_of_a_word_is_enough(index: GuidelineIndex) -> None:
    assert top_ids(index, "yr", 1) == ["yrsel"]


def test_an_infant_age_filter_keeps_infant_guidelines_only(index: GuidelineIndex) -> None:
    ids = top_ids(index, "feber", 10, age=Age.of_days(40))
    assert ids[0] == "feber-spadbarn"
    assert "feber-vuxen" not in ids and "feber-barn" not in ids


def test_an_age_in_years_filters_out_guidelines_outside_their_age_bounds(
    index: GuidelineIndex,
) -> None:
    ids = top_ids(index, "feber", 10, age=4)
    assert ids[0] == "feber-barn"
    assert "feber-vuxen" not in ids and "feber-spadbarn" not in ids


def test_the_audience_filter_keeps_the_audience_and_guidelines_for_both(
    index: GuidelineIndex, library: object
) -> None:
    hits = index.search("hosta", audience=Audience.CHILD, limit=10)
    ids = [h.guideline_id for h in hits]
    assert ids[0] == "hosta-barn"
    assert "hosta-vuxen" not in ids
    assert "halsont" in top_ids(index, "halsont", 3, audience="adult")


def test_each_hit_says_which_field_and_term_matched(index: GuidelineIndex) -> None:
    hit = index.search("ont i bröstet", limit=1)[0]
    assert isinstance(hit, SearchHit)
    assert hit.title == "Bröstsmärta, vuxen" and hit.version == "1.0"
    assert hit.why[0] == "vardagsuttryck 'ont i bröstet' (hela frasen)"
    assert "vardagsuttryck 'ont i bröstet' (exakt: 'ont')" in hit.why


def test_results_are_ranked_by_score_and_limited(index: GuidelineIndex) -> None:
    hits = index.search("huvudvärk", limit=4)
    assert len(hits) <= 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].guideline_id == "huvudvark"


def test_an_empty_or_meaningless_query_returns_nothing(index: GuidelineIndex) -> None:
    assert index.search("") == []
    assert index.search("i på av") == []
    assert index.search("feber", limit=0) == []


def test_a_word_being_typed_that_starts_like_a_function_word_is_searched_as_a_start(
    index: GuidelineIndex,
) -> None:
    """Search as the nurse types: "hos" is on its way to "hosta"; once she types a space
    after it, it is the function word "hos" again and dropped."""
    cough = top_ids(index, "hosta", n=1)
    assert cough and cough[0] in top_ids(index, "hos")
    assert index.search("hos ") == []
    assert index.search("ont i") == index.search("ont i ")  # "i" is too short to start one
