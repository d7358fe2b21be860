"""SIPp on both sides of the real-Asterisk tier: callers through the trunk, nurse phones.

The scenarios are the XML files beside this module. Every SIPp process binds to
loopback on its own SIP and media ports; the nurse phones' ports are the static
contacts of ``PJSIP/test-nurse-NN`` in the sample ``config/asterisk/pjsip.conf``.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "sipp"
ASTERISK_SIP = "127.0.0.1:5060"
NURSE_PORTS = range(5071, 5081)  # test-nurse-01 .. test-nurse-10
CALLER_PORT = 5090


def available() -> bool:
    return shutil.which("sipp") is not None


def nurse_endpoint(index: int) -> str:
    return f"PJSIP/test-nurse-{index + 1:02d}"


@dataclass
class Sipp:
    process: asyncio.subprocess.Process
    argv: list[str]

    async def wait(self, timeout: float) -> tuple[int, str]:
        out, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        return self.process.returncode or 0, out.decode(errors="replace")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def _start(*args: str) -> Sipp:
    argv = ["sipp", *args, "-i", "127.0.0.1", "-nostdin", "-max_recv_loops", "1000"]
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    return Sipp(process, argv)


async def nurse_phone(index: int, talk_ms: int) -> Sipp:
    """A nurse phone that answers at once and hangs up after ``talk_ms``."""
    port = NURSE_PORTS[index]
    return await _start("-sf", str(SCENARIOS / "nurse.xml"), "-p", str(port),
                        "-mp", str(20000 + 10 * index), "-d", str(talk_ms))


async def nurse_phone_not_answering(index: int) -> Sipp:
    """A nurse phone that rings until Asterisk cancels the call."""
    return await _start("-sf", str(SCENARIOS / "noanswer.xml"), "-p", str(NURSE_PORTS[index]),
                        "-mp", str(20000 + 10 * index))


async def callers(count: int, rate: float, *, limit: int = 400) -> Sipp:
    """``count`` callers to 1177 at ``rate`` per second, each waiting until hung up."""
    return await _start(ASTERISK_SIP, "-sf", str(SCENARIOS / "caller.xml"), "-s", "1177",
                        "-p", str(CALLER_PORT), "-mp", str(21000), "-r", str(rate),
                        "-m", str(count), "-l", str(limit), "-timeout", "300s",
                        "-timeout_error")
