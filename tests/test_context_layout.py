"""Every bounded context has the same small file set, so a newcomer knows where to look."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTEXTS = ("queues", "decision_support", "referral_catalog", "journal")
FILE_SET = ("__init__.py", "model.py", "errors.py", "ports.py", "service.py", "sql.py",
            "http.py")


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_context_has_the_file_set(context: str) -> None:
    missing = [name for name in FILE_SET if not (ROOT / context / name).is_file()]
    assert not missing, f"{context}/ lacks {missing}"
