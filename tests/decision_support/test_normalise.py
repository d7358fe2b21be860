"""Text normalisation shared by indexing and querying."""

from __future__ import annotations

from decision_support.normalise import fold, stem, terms, words


def test_folding_lowercases_and_strips_swedish_diacritics() -> None:
    assert fold("Bröstsmärta, ÖRONVÄRK & Åska!") == "brostsmarta oronvark aska"


def test_folding_turns_punctuation_into_single_spaces() -> None:
    assert fold("  feber--39,5°  (barn) ") == "feber 39 5 barn"


def test_function_words_are_dropped_from_lay_phrasing() -> None:
    assert words("Har ont i bröstet sedan i går") == ["ont", "brostet", "gar"]


def test_definite_and_plural_forms_share_a_stem() -> None:
    assert stem("brostet") == stem("brost")
    assert stem("magen") == stem("mage") == "mag"
    assert stem("tanderna") == stem("tand")
    assert stem("ramlade") == stem("ramlat") == stem("ramla")
    assert stem("ogat") == stem("oga") and stem("knat") == stem("kna")


def test_short_words_are_not_over_stemmed() -> None:
    assert stem("ont") == "ont"
    assert stem("hals") == "hals"
    assert stem("39") == "39"


def test_indexing_and_querying_produce_the_same_terms_for_the_same_words() -> None:
    assert terms("Ont i BRÖSTET") == terms("ont i bröstet") == ["ont", "brost"]


def test_negations_and_age_words_are_not_search_words() -> None:
    # "ingen" stemmed to "ing" matched every -ning compound; age is a filter, not a topic
    assert words("får ingen luft") == ["luft"]
    assert words("4-åring kräks") == ["4", "kraks"]
