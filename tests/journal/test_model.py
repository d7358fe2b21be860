"""Signing, amendments, the patient view and access decisions (pure domain rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from journal import access, model
from journal.access import AccessBasis
from journal.errors import EntrySigned, InvalidEntry, StaleRevision
from journal.model import (
    Deviation,
    EntryContent,
    EntryKind,
    EntryStatus,
    JournalEntry,
    Referral,
)
from journal.ports import CallFacts
from tests.journal.conftest import (
    ADMIN_01,
    ANNA,
    AUDITOR,
    BERIT,
    CARL,
    SUPERVISOR,
    complete_content,
    shipped_config,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VOCAB = shipped_config().vocabulary


def draft(content: EntryContent | None = None, nurse_id: str = "n-anna") -> JournalEntry:
    return JournalEntry("e-1", "call-1", EntryKind.ENTRY, EntryStatus.DRAFT, 1, "01", "vg-01",
                        nurse_id, nurse_id, content or complete_content(), NOW, NOW)


def test_a_complete_draft_is_signed_and_records_who_and_when():
    signed = model.sign(draft(), "n-anna", 1, NOW + timedelta(minutes=5), VOCAB)
    assert signed.status is EntryStatus.SIGNED
    assert signed.signed_by == "n-anna" and signed.signed_at == NOW + timedelta(minutes=5)
    assert signed.revision == 2


def test_a_signed_entry_cannot_be_updated_or_signed_again():
    signed = model.sign(draft(), "n-anna", 1, NOW, VOCAB)
    with pytest.raises(EntrySigned):
        model.update_draft(signed, complete_content(), signed.revision, NOW)
    with pytest.raises(EntrySigned):
        model.sign(signed, "n-anna", signed.revision, NOW, VOCAB)


def test_a_draft_saved_by_someone_else_since_it_was_read_is_stale():
    updated = model.update_draft(draft(), complete_content(), 1, NOW)
    assert updated.revision == 2
    with pytest.raises(StaleRevision):
        model.update_draft(updated, complete_content(), 1, NOW)


def test_signing_needs_contact_reason_urgency_and_an_outcome():
    empty = draft(EntryContent())
    with pytest.raises(InvalidEntry) as caught:
        model.sign(empty, "n-anna", 1, NOW, VOCAB)
    problems = caught.value.details["problems"]
    assert "contact_reason is required" in problems
    assert "urgency is required" in problems
    assert "a referral or self-care advice is required" in problems


NARAKUT = Referral("SE2321000016-E9", "Närakut (fiktiv)", "JOURMOTTAGNING")


def test_a_referral_that_deviates_from_the_guideline_needs_a_coded_reason():
    deviating = complete_content(referral=NARAKUT)
    with pytest.raises(InvalidEntry, match="cannot be signed"):
        model.sign(draft(deviating), "n-anna", 1, NOW, VOCAB)
    with_reason = replace(deviating, deviation=Deviation("UNIT_UNAVAILABLE", "stängt"))
    assert model.sign(draft(with_reason), "n-anna", 1, NOW, VOCAB).status is EntryStatus.SIGNED


def test_a_deviation_reason_outside_decision_supports_list_is_refused_naming_the_code():
    content = complete_content(referral=NARAKUT, deviation=Deviation("NO_UNIT_OPEN", "stängt"))
    with pytest.raises(InvalidEntry, match="unknown deviation reason code") as saving:
        model.check_content(content, VOCAB)
    assert saving.value.details["field"] == "deviation.reason_code"
    assert saving.value.details["value"] == "NO_UNIT_OPEN"
    assert "UNIT_UNAVAILABLE" in saving.value.details["allowed"]
    with pytest.raises(InvalidEntry, match="cannot be signed") as signing:
        model.sign(draft(content), "n-anna", 1, NOW, VOCAB)
    (problem,) = signing.value.details["problems"]
    assert problem.startswith("deviation.reason_code: unknown deviation reason code "
                              "'NO_UNIT_OPEN' (allowed: ")


def test_self_care_when_the_guideline_recommends_self_care_is_no_deviation():
    content = complete_content(referral=None, self_care=True, recommended_care_type="EGENVARD")
    assert not model.deviates(content)
    assert model.sign(draft(content), "n-anna", 1, NOW, VOCAB).status is EntryStatus.SIGNED


def test_self_care_when_the_guideline_recommends_a_unit_is_a_deviation():
    content = complete_content(referral=None, self_care=True)  # recommended: VARDCENTRAL
    assert model.deviates(content)
    with pytest.raises(InvalidEntry, match="cannot be signed"):
        model.sign(draft(content), "n-anna", 1, NOW, VOCAB)


def test_care_types_outside_decision_supports_list_are_refused():
    for content, name in ((complete_content(referral=replace(NARAKUT, care_type="narakut")),
                           "referral.care_type"),
                          (complete_content(recommended_care_type="vardcentral"),
                           "recommended_care_type")):
        with pytest.raises(InvalidEntry, match="unknown care type code") as caught:
            model.check_content(content, VOCAB)
        assert caught.value.details["field"] == name


def test_unknown_codes_are_rejected_when_saving():
    with pytest.raises(InvalidEntry, match="urgency"):
        model.check_content(complete_content(urgency="JATTEBRATTOM"), VOCAB)
    with pytest.raises(InvalidEntry, match="contact reason"):
        model.check_content(complete_content(contact_reason=model.ContactReason("NOPE")), VOCAB)
    with pytest.raises(InvalidEntry, match="not both"):
        model.check_content(complete_content(self_care=True), VOCAB)


def test_an_amendment_links_to_a_signed_original_and_keeps_its_person():
    original = model.sign(draft(), "n-anna", 1, NOW, VOCAB)
    other_person = replace(complete_content(), person=model.Person())
    amendment = model.new_amendment(original, "e-2", "n-berit", "berit", "vg-01",
                                    replace(other_person, amendment_reason="Fel dos angiven"), NOW)
    assert amendment.kind is EntryKind.AMENDMENT and amendment.amends == "e-1"
    assert amendment.status is EntryStatus.DRAFT
    assert amendment.content.person == original.content.person
    assert model.sign(amendment, "n-berit", 1, NOW, VOCAB).status is EntryStatus.SIGNED


def test_drafts_and_amendments_themselves_are_not_amended():
    with pytest.raises(InvalidEntry, match="signed"):
        model.new_amendment(draft(), "e-2", "n-anna", "anna", "vg-01",
                            complete_content(amendment_reason="x"), NOW)
    original = model.sign(draft(), "n-anna", 1, NOW, VOCAB)
    amendment = model.sign(model.new_amendment(original, "e-2", "n-anna", "anna", "vg-01",
                                               complete_content(amendment_reason="x"), NOW),
                           "n-anna", 1, NOW, VOCAB)
    with pytest.raises(InvalidEntry, match="original"):
        model.new_amendment(amendment, "e-3", "n-anna", "anna", "vg-01",
                            complete_content(amendment_reason="y"), NOW)


def test_an_amendment_needs_a_reason():
    original = model.sign(draft(), "n-anna", 1, NOW, VOCAB)
    with pytest.raises(InvalidEntry, match="reason"):
        model.new_amendment(original, "e-2", "n-anna", "anna", "vg-01", complete_content(), NOW)


def test_the_patient_view_leaves_out_hypotheses_and_third_party_information():
    view = model.patient_view(model.sign(draft(), "n-anna", 1, NOW, VOCAB))
    notes = view["content"]["notes"]
    assert "hypotheses" not in notes and "third_party" not in notes
    assert "name" not in view["content"]["caller"]
    assert notes["advice_given"] == "Ring igen vid försämring."
    assert "Trolig virusinfektion" not in str(view) and "Syskon" not in str(view)


def test_content_round_trips_through_its_plain_form():
    content = complete_content(attachments=("img-1",))
    assert model.content_from_plain(model.to_plain(content)) == content


def test_malformed_content_is_an_invalid_entry():
    with pytest.raises(InvalidEntry):
        model.content_from_plain({"notes": {"nonsense": 1}})


# -- access decisions -------------------------------------------------------------------


def test_a_nurse_reads_her_own_entries_and_those_of_calls_she_took_part_in_without_a_reason():
    decision = access.decide_read(ANNA, draft(), took_part=False, reason=None)
    assert decision.allowed and decision.basis is AccessBasis.OWN_CALL
    assert access.decide_read(BERIT, draft(), took_part=True, reason=None).allowed


def test_a_nurse_reads_other_entries_of_her_care_provider_only_with_a_reason():
    refused = access.decide_read(BERIT, draft(), took_part=False, reason="  ")
    assert not refused.allowed and refused.reason_required
    allowed = access.decide_read(BERIT, draft(), took_part=False, reason="Patienten ringer igen")
    assert allowed.allowed and allowed.basis is AccessBasis.CARE_PROVIDER


def test_a_nurse_of_another_care_provider_needs_emergency_access_which_is_flagged():
    assert not access.decide_read(CARL, draft(), False, "nyfiken").allowed
    assert not access.decide_read(CARL, draft(), False, "", emergency=True).allowed
    decision = access.decide_read(CARL, draft(), False, "Medvetslös patient", emergency=True)
    assert decision.allowed and decision.emergency and decision.basis is AccessBasis.EMERGENCY


@pytest.mark.parametrize("actor", [AUDITOR, ADMIN_01, SUPERVISOR])
def test_roles_other_than_nurse_do_not_read_entries(actor):
    assert not access.decide_read(actor, draft(), False, "reason", emergency=True).allowed


def call(*participants: str, region: str | None = "01", answered: bool | None = None,
         provider: str | None = "vg-01") -> CallFacts:
    return CallFacts("call-1", region, provider, frozenset(participants),
                     bool(participants) if answered is None else answered)


def test_only_the_author_writes_a_draft():
    assert access.decide_write(ANNA, draft()).allowed
    assert not access.decide_write(BERIT, draft()).allowed


def test_only_a_nurse_who_took_part_in_the_call_opens_its_entry():
    assert access.decide_create(ANNA, call("n-anna")).basis is AccessBasis.OWN_CALL
    assert not access.decide_create(BERIT, call("n-anna")).allowed
    assert not access.decide_create(SUPERVISOR, call("s-sara")).allowed


def test_the_nurse_who_answered_a_pooled_call_of_another_region_opens_its_entry():
    pooled = call("n-anna", region="14", provider="vg-14")
    assert access.decide_create(ANNA, pooled).allowed
    assert access.entry_origin(ANNA, pooled, None) == ("14", "vg-14")


@pytest.mark.parametrize("facts, problem", [
    (None, "no such call"),
    (call(region="01", answered=False), "nobody answered"),
    (call(region="01", answered=True), "did not take part"),  # a nurse without a login
    (call("n-dora", region="03", provider="vg-03"), "did not take part"),
])
def test_calls_she_did_not_take_part_in_are_refused_without_emergency_access(facts, problem):
    decision = access.decide_create(ANNA, facts, "01")
    assert not decision.allowed and problem in decision.problem
    assert not access.decide_create(ANNA, facts, "01", "", emergency=True).allowed
    assert access.decide_create(ANNA, facts, "01", "  ", emergency=True).reason_required
    allowed = access.decide_create(ANNA, facts, None if facts else "01", "Patienten ringde 112",
                                  emergency=True)
    assert allowed.allowed and allowed.emergency and allowed.basis is AccessBasis.EMERGENCY


def test_an_entry_takes_the_calls_region_and_a_request_naming_another_is_refused():
    foreign = call("n-anna", region="03", provider="vg-03")
    mismatch = access.decide_create(ANNA, foreign, "01")
    assert not mismatch.allowed and mismatch.region_mismatch
    assert access.entry_origin(ANNA, foreign, None) == ("03", "vg-03")


def test_a_call_of_unknown_region_needs_the_nurses_own_region():
    unknown = call("n-anna", region=None, provider=None)
    assert not access.decide_create(ANNA, unknown, None).allowed
    assert not access.decide_create(ANNA, unknown, "14").allowed
    assert access.decide_create(ANNA, unknown, "01").allowed
    assert access.entry_origin(ANNA, unknown, "01") == ("01", "vg-01")
    assert not access.decide_create(ANNA, None, "14", "akut", emergency=True).allowed


def test_only_auditors_query_the_access_log_and_region_admins_export_their_regions():
    assert access.decide_log_query(AUDITOR).allowed
    assert not access.decide_log_query(ANNA).allowed
    assert access.decide_export(ADMIN_01, "01").allowed
    assert not access.decide_export(ADMIN_01, "14").allowed
    assert not access.decide_export(ADMIN_01, None).allowed
    assert not access.decide_export(ANNA, "01").allowed
