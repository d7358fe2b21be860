"""Roles, region scope and the validation rules for users (pure, no database)."""

from __future__ import annotations

import pytest

from contactcenter.identity.errors import InvalidPassword, InvalidRegion, InvalidRole, InvalidUser
from contactcenter.identity.model import (
    Principal,
    Role,
    parse_regions,
    parse_roles,
    validate_password,
    validate_username,
)


def principal(roles: set[Role], regions: set[str]) -> Principal:
    return Principal(1, "anna", "Anna", frozenset(roles), frozenset(regions), "session")


def test_has_role_is_true_when_any_of_the_roles_is_held():
    who = principal({Role.NURSE}, {"01"})
    assert who.has_role(Role.SUPERVISOR, Role.NURSE)
    assert not who.has_role(Role.SUPERVISOR, Role.AUDITOR)
    assert not who.has_role()


def test_region_access_is_limited_to_the_users_regions():
    who = principal({Role.SUPERVISOR}, {"01", "03"})
    assert who.can_access_region("03")
    assert not who.can_access_region("12")


def test_a_star_region_gives_access_to_every_region():
    assert principal({Role.AUDITOR}, {"*"}).can_access_region("25")


def test_roles_have_stable_string_values():
    assert [r.value for r in Role] == ["nurse", "supervisor", "region_admin", "content_editor",
                                       "auditor", "staffing_system"]


@pytest.mark.parametrize("name", ["Anna", "a", "1anna", "anna svensson", "anna@x", "x" * 101])
def test_usernames_must_be_lowercase_identifiers(name: str):
    with pytest.raises(InvalidUser):
        validate_username(name)


@pytest.mark.parametrize("name", ["anna", "anna.svensson", "a_b-2", "ab"])
def test_valid_usernames_are_accepted(name: str):
    assert validate_username(name) == name


def test_a_password_must_be_at_least_eight_characters_and_not_the_username():
    with pytest.raises(InvalidPassword):
        validate_password("kort", "anna")
    with pytest.raises(InvalidPassword):
        validate_password("annasvensson", "annasvensson")
    assert validate_password("korrekt häst batteri", "anna")


def test_unknown_roles_and_empty_role_lists_are_rejected():
    with pytest.raises(InvalidRole):
        parse_roles(["nurse", "boss"])
    with pytest.raises(InvalidRole):
        parse_roles([])
    assert parse_roles(["nurse", Role.AUDITOR]) == {Role.NURSE, Role.AUDITOR}


def test_region_codes_must_be_known_when_a_list_is_given():
    with pytest.raises(InvalidRegion):
        parse_regions(["02"], known=["01", "03"])
    with pytest.raises(InvalidRegion):
        parse_regions(["1"])
    with pytest.raises(InvalidRegion):
        parse_regions([])
    assert parse_regions(["*"], known=["01"]) == {"*"}
