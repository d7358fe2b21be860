"""Access decisions of the journal (behörighet): pure, stdlib only, no I/O, no clock.

Who may open, read, change, amend and export entries, and on what basis; every
decision is written to the access log (:mod:`journal.access_log`) by the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from journal.model import JournalEntry
from journal.ports import Actor, CallFacts


class AccessBasis(StrEnum):
    """Why an access was allowed; stored in the access log."""

    OWN_CALL = "own_call"  #: her own entry, or one of a call she took part in (call log)
    CARE_PROVIDER = "care_provider"  #: same vårdgivare, with a stated reason
    EMERGENCY = "emergency"  #: nödåtkomst, with a reason; flagged for follow-up
    AUDIT = "audit"  #: auditors (granskare) reading the access log
    FOLLOW_UP = "follow_up"  #: region admins exporting for uppföljning
    PATIENT_REQUEST = "patient_request"  #: a patient's own copy (utlämnande till patient)
    SYSTEM = "system"  #: CLI and scheduled jobs


@dataclass(frozen=True)
class AccessDecision:
    """The outcome of an access check; ``problem`` says why it was refused.

    ``reason_required`` marks a refusal that a stated reason would lift;
    ``region_mismatch`` one where the request named another region than the call's."""

    allowed: bool
    basis: AccessBasis | None = None
    emergency: bool = False
    problem: str = ""
    reason_required: bool = False
    region_mismatch: bool = False


def decide_read(actor: Actor, entry: JournalEntry, took_part: bool, reason: str | None,
                emergency: bool = False) -> AccessDecision:
    """May ``actor`` read ``entry``? Nurses read their own entries and the entries of calls
    they took part in (``took_part``, from the call log, never from the journal itself);
    with a stated reason, other entries of their care provider; with emergency access
    (nödåtkomst) and a reason, any entry (flagged)."""
    reason = (reason or "").strip()
    if actor.system:
        return AccessDecision(True, AccessBasis.SYSTEM)
    if not actor.has_role("nurse"):
        return AccessDecision(False, problem="only nurses read journal entries")
    if took_part or entry.nurse_id == actor.user_id:
        return AccessDecision(True, AccessBasis.OWN_CALL)
    if emergency:
        if not reason:
            return AccessDecision(False, problem="emergency access needs a reason",
                                  reason_required=True)
        return AccessDecision(True, AccessBasis.EMERGENCY, emergency=True)
    if actor.care_provider is None or actor.care_provider != entry.care_provider:
        return AccessDecision(False, problem="the entry belongs to another care provider; "
                                             "use emergency access if needed")
    if not reason:
        return AccessDecision(False, problem="state a reason to read another nurse's entry",
                              reason_required=True)
    return AccessDecision(True, AccessBasis.CARE_PROVIDER)


def decide_write(actor: Actor, entry: JournalEntry) -> AccessDecision:
    """May ``actor`` change or sign the draft ``entry``? Only its author."""
    if actor.has_role("nurse") and entry.nurse_id == actor.user_id:
        return AccessDecision(True, AccessBasis.OWN_CALL)
    return AccessDecision(False, problem="only the author edits or signs a draft")


def took_part(actor: Actor, call: CallFacts | None) -> bool:
    """True if the call log names ``actor`` among the nurses who took part in ``call``."""
    return call is not None and actor.user_id in call.participants


def decide_create(actor: Actor, call: CallFacts | None, region: str | None = None,
                  reason: str | None = None, emergency: bool = False) -> AccessDecision:
    """May ``actor`` open an entry for ``call`` (``None``: not in the call log)?

    A nurse who took part in the call (answered it, or made or answered its callback;
    pooled calls of other regions included) opens its entry; anyone else, and every
    call nobody answered or that the call log does not know, only with emergency
    access (nödåtkomst) and a reason, flagged. The entry belongs to the call's region
    and care provider: a ``region`` that names another one is refused. Only when the
    call's region is not known does ``region`` say it, and it must be the nurse's own.
    """
    reason = (reason or "").strip()
    if not actor.has_role("nurse"):
        return AccessDecision(False, problem="only nurses write journal entries")
    own = took_part(actor, call)
    if not own:
        if not emergency:
            return AccessDecision(False, problem=f"{_not_own(call)}; use emergency access "
                                                 "if you must document it")
        if not reason:
            return AccessDecision(False, problem="emergency access needs a reason",
                                  reason_required=True)
    if call is not None and call.region is not None:
        if region is not None and region != call.region:
            return AccessDecision(False, problem=f"the call belongs to region {call.region}, "
                                                 f"not {region}", region_mismatch=True)
        if call.care_provider is None:
            return AccessDecision(False, problem="the call's care provider is not known")
    elif region is None or not actor.can_access_region(region) or actor.care_provider is None:
        return AccessDecision(False, problem="the call's region is not known: name the "
                                             "region you work for")
    if own:
        return AccessDecision(True, AccessBasis.OWN_CALL)
    return AccessDecision(True, AccessBasis.EMERGENCY, emergency=True)


def entry_origin(actor: Actor, call: CallFacts | None, region: str | None) -> tuple[str, str]:
    """The region and care provider a new entry belongs to, once :func:`decide_create`
    allowed it: the call's; where the call log does not know them, the nurse's."""
    if call is not None and call.region is not None and call.care_provider is not None:
        return call.region, call.care_provider
    assert region is not None and actor.care_provider is not None  # decide_create checked
    return region, actor.care_provider


def _not_own(call: CallFacts | None) -> str:
    if call is None:
        return "the call log has no such call"
    if not call.answered:
        return "nobody answered this call"
    return "the nurse did not take part in this call"


def decide_export(actor: Actor, region: str | None) -> AccessDecision:
    """May ``actor`` export for follow-up? Region admins for their regions; system actors."""
    if actor.system:
        return AccessDecision(True, AccessBasis.SYSTEM)
    if not actor.has_role("region_admin"):
        return AccessDecision(False, problem="only region admins export the journal")
    if region is None and not actor.can_access_region("*"):
        return AccessDecision(False, problem="name a region you administer")
    if region is not None and not actor.can_access_region(region):
        return AccessDecision(False, problem="the region is not yours")
    return AccessDecision(True, AccessBasis.FOLLOW_UP)


def decide_log_query(actor: Actor) -> AccessDecision:
    """May ``actor`` read the access log (logguppföljning)? Auditors and system actors."""
    if actor.system:
        return AccessDecision(True, AccessBasis.SYSTEM)
    if actor.has_role("auditor"):
        return AccessDecision(True, AccessBasis.AUDIT)
    return AccessDecision(False, problem="only auditors read the access log")


def decide_patient_export(actor: Actor) -> AccessDecision:
    """May ``actor`` prepare a patient's own copy (patient view only)? Region admins,
    whose case handling covers such requests whichever region wrote the entries, and
    system actors (e.g. a patient e-service)."""
    if actor.system:
        return AccessDecision(True, AccessBasis.SYSTEM)
    if actor.has_role("region_admin"):
        return AccessDecision(True, AccessBasis.PATIENT_REQUEST)
    return AccessDecision(False, problem="only region admins prepare a patient's copy")
