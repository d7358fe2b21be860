"""Where the caller is: municipality, number, IVR digits and relay."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.callflow.region import (
    AreaCode,
    Municipality,
    RegionDecision,
    RegionResolver,
)

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def resolver() -> RegionResolver:
    return RegionResolver.from_config_dir(CONFIG)


# -- municipality delivered by the network ---------------------------------------------------


@pytest.mark.parametrize(("code", "county"), [
    ("0180", "01"), ("1480", "14"), ("1280", "12"), ("2580", "25"), ("0980", "09"),
    ("2584", "25"), ("0114", "01"),
])
def test_known_municipality_gives_its_county(resolver: RegionResolver, code: str,
                                             county: str) -> None:
    decision = resolver.from_channel(code, "+46701234567", None)
    assert decision is not None
    assert (decision.region, decision.queue, decision.source) == (county, "regional",
                                                                   "municipality")
    assert code in decision.detail
    assert resolver.region_of_municipality(code) == county


def test_municipality_wins_over_the_fixed_line_area_code(resolver: RegionResolver) -> None:
    # a Stockholm line, but the network says the caller is in Göteborg
    decision = resolver.from_channel("1480", "+46812345678", None)
    assert decision is not None and (decision.region, decision.source) == ("14", "municipality")


@pytest.mark.parametrize("code", ["9999", "0100", "0200", "1100"])
def test_unknown_municipality_is_ignored_and_the_number_decides(resolver: RegionResolver,
                                                                code: str) -> None:
    notes: list[str] = []
    decision = resolver.from_channel(code, "+46311234567", None, notes=notes)
    assert decision is not None
    assert (decision.region, decision.source) == ("14", "area_code")
    assert f"municipality code {code} is unknown" in decision.detail
    assert notes == [f"municipality code {code} is unknown"]
    assert resolver.region_of_municipality(code) is None


FULLWIDTH_0180 = "\uff10\uff11\uff18\uff10"


@pytest.mark.parametrize("code", ["180", "01800", "01a0", "abcd", FULLWIDTH_0180, "01 80"])
def test_malformed_municipality_is_ignored(resolver: RegionResolver, code: str) -> None:
    notes: list[str] = []
    assert resolver.from_channel(code, "+46701234567", None, notes=notes) is None
    assert "not a 4-digit code" in notes[0]
    assert resolver.region_of_municipality(code) is None


@pytest.mark.parametrize("code", [None, "", "   "])
def test_missing_municipality_is_no_note(resolver: RegionResolver, code: str | None) -> None:
    notes: list[str] = []
    assert resolver.from_channel(code, None, None, notes=notes) is None
    assert notes == []


def test_municipality_code_with_surrounding_whitespace_is_accepted(
        resolver: RegionResolver) -> None:
    decision = resolver.from_channel(" 0180\n", None, None)
    assert decision is not None and decision.region == "01"


# -- the caller's number ----------------------------------------------------------------------


@pytest.mark.parametrize(("number", "county", "area_code"), [
    ("+46812345678", "01", "08"),      # Stockholm
    ("08-123 456 78", "01", "08"),
    ("0046812345678", "01", "08"),
    ("46812345678", "01", "08"),       # E.164 without the plus
    ("+46311234567", "14", "031"),     # Göteborg
    ("+4640123456", "12", "040"),      # Malmö
    ("040-12 34 56", "12", "040"),
    ("+46920123456", "25", "0920"),    # Luleå
    ("0920-12345", "25", "0920"),
    ("+46980123456", "25", "0980"),    # Kiruna
    ("+46125123456", "05", "0125"),    # Vikbolandet (hand-mapped row)
    ("+46159123456", "04", "0159"),    # Mariefred (hand-mapped row)
    ("+46498123456", "09", "0498"),    # Gotland
])
def test_fixed_line_area_code_gives_a_county_hint(resolver: RegionResolver, number: str,
                                                   county: str, area_code: str) -> None:
    decision = resolver.from_channel(None, number, None)
    assert decision is not None
    assert decision == RegionDecision(county, "regional", "area_code", decision.detail)
    assert f"area code {area_code} " in decision.detail


@pytest.mark.parametrize("number", ["+46701234567", "0731112233", "+46761234567",
                                    "+46791234567"])
def test_mobile_number_gives_no_region(resolver: RegionResolver, number: str) -> None:
    notes: list[str] = []
    assert resolver.from_channel(None, number, None, notes=notes) is None
    assert notes and "mobile" in notes[0]


@pytest.mark.parametrize("number", ["+46101234567", "+46201234567", "+46771234567"])
def test_non_geographic_swedish_numbers_give_no_region(resolver: RegionResolver,
                                                       number: str) -> None:
    assert resolver.from_channel(None, number, None) is None


@pytest.mark.parametrize(("number", "country"), [
    ("+4520123456", "DK"), ("+358401234567", "FI"), ("+4791234567", "NO"),
    ("+4915112345678", "DE"), ("004520123456", "DK"), ("4520123456", "DK"),
])
def test_foreign_number_goes_to_the_national_queue(resolver: RegionResolver, number: str,
                                                   country: str) -> None:
    decision = resolver.from_channel(None, number, None)
    assert decision is not None
    assert (decision.region, decision.queue, decision.source) == (None, "national", "abroad")
    assert country in decision.detail


@pytest.mark.parametrize("number", [None, "", " ", "anonymous", "Anonymous", "unknown",
                                    "<unknown>", "withheld", "private", "restricted"])
def test_withheld_or_empty_number_gives_no_region(resolver: RegionResolver,
                                                  number: str | None) -> None:
    assert resolver.from_channel(None, number, None) is None


@pytest.mark.parametrize("number", ["+46", "+4612", "123", "abc", "+999123456", "+358", "08"])
def test_malformed_number_gives_no_region(resolver: RegionResolver, number: str) -> None:
    notes: list[str] = []
    assert resolver.from_channel(None, number, None, notes=notes) is None
    assert notes


def test_detail_lists_everything_ignored(resolver: RegionResolver) -> None:
    decision = resolver.from_channel("12x4", "+4520123456", None)
    assert decision is not None and decision.source == "abroad"
    assert "'12x4' is not a 4-digit code" in decision.detail


# -- relay ------------------------------------------------------------------------------------


@pytest.mark.parametrize("relay", ["text", "video", "TEXT "])
def test_relay_call_goes_to_the_national_queue(resolver: RegionResolver, relay: str) -> None:
    decision = resolver.from_channel(None, "+46812345678", relay)
    assert decision is not None
    assert (decision.region, decision.queue, decision.source) == (None, "national", "relay")
    assert relay.strip() in decision.detail


def test_relay_wins_over_the_relay_centre_s_municipality(resolver: RegionResolver) -> None:
    decision = resolver.from_channel("0180", "+46812345678", "video")
    assert decision is not None and decision.source == "relay"


@pytest.mark.parametrize("relay", [None, "", "  "])
def test_empty_relay_variable_is_not_a_relay_call(resolver: RegionResolver,
                                                  relay: str | None) -> None:
    decision = resolver.from_channel("0180", None, relay)
    assert decision is not None and decision.source == "municipality"


# -- IVR: the caller keys the area code of where they are --------------------------------------


@pytest.mark.parametrize(("digits", "county", "area_code"), [
    ("08#", "01", "08"), ("8#", "01", "08"), ("08", "01", "08"),
    ("031#", "14", "031"), ("31#", "14", "031"),
    ("040#", "12", "040"), ("0920#", "25", "0920"), ("920#", "25", "0920"),
    ("0980#", "25", "0980"), ("0981#", "25", "0981"), (" 0498# ", "09", "0498"),
])
def test_keyed_area_code(resolver: RegionResolver, digits: str, county: str,
                         area_code: str) -> None:
    decision = resolver.from_ivr_digits(digits)
    assert decision is not None
    assert (decision.region, decision.queue, decision.source) == (county, "regional", "ivr")
    assert area_code in decision.detail


@pytest.mark.parametrize("digits", [
    "9999#", "#", "", "0#", "00#", "0771#", "070#", "07#", "*8#", "8*#", "08##", "0812345#",
    "abc#", "\u0660\u0668#",  # Arabic-Indic digits
])
def test_invalid_keys_ask_again(resolver: RegionResolver, digits: str) -> None:
    assert resolver.from_ivr_digits(digits) is None


def test_ivr_none_is_none(resolver: RegionResolver) -> None:
    assert resolver.from_ivr_digits(None) is None


# -- building the resolver -------------------------------------------------------------------


def test_longest_prefix_wins() -> None:
    r = RegionResolver(
        [Municipality("0180", "Stockholm", "01"), Municipality("1480", "Göteborg", "14")],
        [AreaCode("08", "Stockholm", "0180", "01"), AreaCode("081", "Test", "1480", "14")],
    )
    assert r.area_code_of("0812345") == AreaCode("081", "Test", "1480", "14")
    assert r.area_code_of("0823456") == AreaCode("08", "Stockholm", "0180", "01")
    assert r.area_code_of("0912345") is None


def test_area_code_without_county_gives_no_hint() -> None:
    r = RegionResolver([Municipality("0180", "Stockholm", "01")],
                       [AreaCode("08", "Stockholm", None, None)])
    notes: list[str] = []
    assert r.from_channel(None, "+46812345678", None, notes=notes) is None
    assert "has no county" in notes[0]
    assert r.from_ivr_digits("08#") is None


@pytest.mark.parametrize(("municipalities", "area_codes", "message"), [
    ([Municipality("0180", "Stockholm", "02")], [], "first two digits"),
    ([Municipality("0180", "Stockholm", "01")], [AreaCode("08", "x", "0181", "01")],
     "unknown municipality"),
    ([Municipality("0180", "Stockholm", "01")], [AreaCode("08", "x", "0180", "14")],
     "does not match"),
    ([Municipality("0180", "Stockholm", "01")], [AreaCode("8", "x", "0180", "01")],
     "is not 0 and"),
    ([Municipality("0180", "Stockholm", "01")],
     [AreaCode("08", "x", "0180", "01"), AreaCode("08", "y", "0180", "01")], "twice"),
])
def test_inconsistent_data_is_refused_at_startup(municipalities: list[Municipality],
                                                 area_codes: list[AreaCode],
                                                 message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RegionResolver(municipalities, area_codes)


def test_a_decision_says_where_the_caller_is_as_near_as_known(resolver: RegionResolver) -> None:
    assert resolver.from_channel("0180", "+46701234567", None).municipality == "0180"
    by_fixed_line = resolver.from_channel(None, "+4611123456", None)  # Norrköping, 011
    assert (by_fixed_line.source, by_fixed_line.municipality) == ("area_code", "0581")
    keyed = resolver.from_ivr_digits("011#")
    assert keyed is not None and keyed.municipality == "0581"
    assert resolver.from_channel(None, "+4520123456", None).municipality is None  # abroad
