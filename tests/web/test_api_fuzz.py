"""Schemathesis over every operation of the OpenAPI document, against the whole service.

One run per demo role, each with that role's API token, so every operation is
reached past its role check by at least one of them. The checks: no server
error, every status code and content type is one the document lists, and
every JSON answer matches the documented schema. Seeded, deterministic and
bounded in examples, so the run is the same on every machine.
"""

from __future__ import annotations

import asyncio
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contactcenter.identity.service import DEMO_USERS
from tests.web.conftest import WebSystem

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,unsupported_method")
MAX_EXAMPLES = 6
SEED = 20261203


async def _schemathesis(base_url: str, token: str, report: Path) -> tuple[int, str]:
    # Run in the test's folder: schemathesis keeps a cache in its working directory. One
    # worker: with two threads, Python 3.11's ast.parse (hypothesis describing a filter
    # lambda) races on the interpreter's AST state ("AST constructor recursion depth
    # mismatch") and a whole role's run ends in a runtime error.
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/api/v1/openapi.json",
        "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--generation-deterministic", "--no-shrink", "--workers", "1",
        "--suppress-health-check", "all",
        "--header", f"Authorization: Bearer {token}", "--no-color",
        "--report", "junit", "--report-junit-path", str(report),
        cwd=report.parent, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    return proc.returncode or 0, output.decode(errors="replace")


@pytest.mark.timeout(600)
async def test_no_operation_answers_a_server_error_or_an_undocumented_response(
    web_system: WebSystem, tmp_path: Path,
) -> None:
    identity = web_system.system.services.identity
    failures = []
    operations = 0
    for username, _name, role, _regions in DEMO_USERS:
        token = await identity.create_token(username, "fuzz")
        report = tmp_path / f"{role.value}.xml"
        code, output = await _schemathesis(web_system.base_url, token, report)
        (tmp_path / f"{role.value}.txt").write_text(output)
        assert report.exists(), output[-6000:]
        suite = ET.parse(report).getroot()
        operations = max(operations, len(suite.findall(".//testcase")))
        if code != 0:
            failures.append(f"--- as {role.value} ({username}) ---\n{output[-6000:]}")
    assert operations >= 45, f"only {operations} operations were tested"
    assert not failures, "\n".join(failures)
