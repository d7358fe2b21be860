"""Errors of the decision-support context (beslutsstöd).

Every error here is a :class:`DecisionSupportError`, a
:class:`~shared_kernel.errors.DomainError` with a stable ``error_id``, ``details``
and a kind (never an HTTP status), so an adapter can catch the whole family in one
place while still telling the cases apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shared_kernel.errors import DomainError, ErrorKind

if TYPE_CHECKING:
    from decision_support.content import ContentProblem


class DecisionSupportError(DomainError):
    """Base class of every error raised by :mod:`decision_support`."""

    kind = ErrorKind.INVALID
    error_id = "decision_support_error"


class Unauthenticated(DecisionSupportError):
    """Nobody is signed in: decision support needs to know who asks."""

    kind = ErrorKind.UNAUTHENTICATED
    error_id = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("sign in to use decision support")


class ContentError(DecisionSupportError, ValueError):
    """Guideline content or configuration failed validation.

    ``problems`` holds every problem found (not only the first), each naming the
    file, the field path and what is wrong.
    """

    error_id = "invalid_content"

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems[:20]]
        more = len(self.problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__(f"{len(self.problems)} content problem(s):\n" + "\n".join(lines),
                         {"problems": [{"file": p.file, "field": p.field, "problem": p.problem}
                                       for p in self.problems]})


class UnknownGuideline(DecisionSupportError, LookupError):
    """No guideline with this id is loaded."""

    kind = ErrorKind.NOT_FOUND
    error_id = "unknown_guideline"

    def __init__(self, guideline_id: str) -> None:
        self.guideline_id = guideline_id
        super().__init__(f"guideline {guideline_id!r} is not in the library")


class AssessmentError(DecisionSupportError, ValueError):
    """An assessment (bedömning) could not be made from the given input."""

    error_id = "invalid_assessment"


class UnknownCriterion(AssessmentError):
    """A ticked criterion id does not exist in the guideline."""

    error_id = "unknown_criterion"

    def __init__(self, guideline_id: str, criterion_ids: Sequence[str]) -> None:
        self.guideline_id = guideline_id
        self.criterion_ids = tuple(criterion_ids)
        ids = ", ".join(repr(c) for c in self.criterion_ids)
        super().__init__(f"guideline {guideline_id!r} has no criterion {ids}",
                         {"criteria": list(self.criterion_ids)})


class CriterionNotApplicable(AssessmentError):
    """A ticked criterion's age or sex condition does not hold for this patient.

    ``reasons`` maps each rejected criterion id to a human-readable reason, e.g.
    ``"gäller endast 0 dagar–3 månader; patienten är 2 år"``.
    """

    error_id = "criterion_not_applicable"

    def __init__(self, guideline_id: str, reasons: dict[str, str]) -> None:
        self.guideline_id = guideline_id
        self.reasons = dict(reasons)
        parts = "; ".join(f"{cid!r}: {why}" for cid, why in self.reasons.items())
        super().__init__(
            f"criteria in guideline {guideline_id!r} do not apply to this patient: {parts}",
            {"criteria": self.reasons},
        )


class NoCriteriaTicked(AssessmentError):
    """An assessment needs at least one ticked criterion."""

    def __init__(self, guideline_id: str) -> None:
        self.guideline_id = guideline_id
        super().__init__(f"no criterion ticked for guideline {guideline_id!r}")


class InvalidDeviation(AssessmentError):
    """A nurse's choice deviates from the recommendation without a valid coded reason and text."""

    error_id = "invalid_deviation"


class PermissionDenied(DecisionSupportError, PermissionError):
    """The actor's roles do not allow this action (or four-eyes forbids it)."""

    kind = ErrorKind.FORBIDDEN
    error_id = "forbidden"


class DraftNotFound(DecisionSupportError, LookupError):
    """No guideline draft (stored version) with this id."""

    kind = ErrorKind.NOT_FOUND
    error_id = "unknown_draft"

    def __init__(self, draft_id: int | str) -> None:
        self.draft_id = draft_id
        super().__init__(f"no guideline draft {draft_id!r}")


class UnknownVersion(DecisionSupportError, LookupError):
    """The guideline exists but not in this version."""

    kind = ErrorKind.NOT_FOUND
    error_id = "unknown_version"

    def __init__(self, guideline_id: str, version: str) -> None:
        self.guideline_id = guideline_id
        self.version = version
        super().__init__(f"guideline {guideline_id!r} has no version {version!r}")


class WorkflowError(DecisionSupportError, ValueError):
    """The editorial workflow does not allow this step now (e.g. publishing a draft)."""

    kind = ErrorKind.CONFLICT
    error_id = "workflow_conflict"


class InvalidRequest(DecisionSupportError, ValueError):
    """A request to the service is malformed (a missing comment, a bad parameter)."""

    error_id = "invalid_request"
