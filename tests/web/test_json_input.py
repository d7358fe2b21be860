"""The service's JSON parser keeps what is legitimate while it refuses what cannot be stored."""

from __future__ import annotations

import pytest

from contactcenter.web.errors import ApiError, status_of
from contactcenter.web.json_input import INT64, MAX_DEPTH, ascii_int, nesting_depth, parse_json


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert nesting_depth('{"note": "[[[[{{{{ \\" ]]]"}') == 1
    assert parse_json(b'{"note": "' + b"[" * 500 + b'"}') == {"note": "[" * 500}


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused() -> None:
    assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(ApiError) as refused:
        parse_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert status_of(refused.value) == 400 and refused.value.error_id == "invalid_json"


def test_a_surrogate_pair_is_an_ordinary_character_but_a_lone_half_is_refused() -> None:
    assert parse_json(b'{"mood": "\\ud83d\\ude00"}') == {"mood": "\U0001f600"}
    with pytest.raises(ApiError):
        parse_json(b'{"mood": "\\ude00"}')
    with pytest.raises(ApiError):
        parse_json(b'{"\\ud83d": 1}')


def test_integers_at_the_64_bit_bounds_are_read_and_beyond_them_refused() -> None:
    low, high = INT64
    assert parse_json(f'{{"n": {high}, "m": {low}}}'.encode()) == {"n": high, "m": low}
    for beyond in (high + 1, low - 1):
        with pytest.raises(ApiError):
            parse_json(f'{{"n": {beyond}}}'.encode())


def test_ordinary_floats_are_read_and_overflowing_ones_refused() -> None:
    assert parse_json(b'{"lat": 59.33, "tiny": 1e-400}') == {"lat": 59.33, "tiny": 0.0}
    with pytest.raises(ApiError):
        parse_json(b'{"lat": -1e400}')


@pytest.mark.parametrize("text", ["١٢", "１２", "²", "1_000", " 12", "12 ", "", "1.0", "0x10"])
def test_a_query_number_takes_ascii_digits_only(text: str) -> None:
    with pytest.raises(ApiError) as refused:
        ascii_int(text, "limit", 0, 10**6)
    assert refused.value.error_id == "invalid_query"


def test_a_query_number_in_ascii_digits_is_read_within_its_bounds() -> None:
    assert ascii_int("42", "limit", 1, 500) == 42
    assert ascii_int("-3", "priority", -9, 9) == -3
    with pytest.raises(ApiError):
        ascii_int("501", "limit", 1, 500)
