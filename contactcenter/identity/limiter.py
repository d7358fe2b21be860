"""Slowing down password guessing at the login (inloggningsspärr).

Two counters of failed logins, each with an exponential backoff:

* **per address** (an IPv4 address, or an IPv6 /64, since one host holds a
  whole /64): slows an attacker who sprays one password over many usernames.
  Kept in memory, in a table of at most ``max_addresses`` entries from which
  the least recently seen is evicted; a failed login with an unknown or
  over-long username counts here only, so junk usernames cost no memory.
  Failures leak away (one every 45 s), because a whole call centre may sit
  behind one NAT address: its nurses' occasional typos must never add up to
  a wait, only a burst of guesses faster than that.
* **per account** (existing users only, across every address): slows a
  distributed attack on one nurse's password. Kept in the ``login_throttle``
  table, so a restart does not hand out a fresh set of guesses and every
  instance on one database counts together.

Why a short backoff and not a lock-out: before the password is checked the
limiter cannot tell the nurse from the attacker, and checking it during a
wait would hand the attacker free guesses; so an account that is being
guessed at also makes its owner wait. A long lock-out would let anyone who
knows a username keep a nurse off the line. The per-account wait is
therefore short (``ACCOUNT_BACKOFF``: 5 free failures, then 2 s doubling to at
most 2 minutes) and grows only with real guesses: an attempt refused during
a wait checks no password and does not lengthen it. To keep a nurse out an
attacker must keep guessing at that pace, which limits it to ~720 guesses a
day against an argon2id hash, and the nurse waits at most two minutes. The
per-address counter is the stronger brake (20 free failures, then 1 s
doubling to 15 minutes), since an attacker can only slow their own address
(or a NAT they share).

Each attempt is counted *before* the password is checked and the count
undone when the password was right, so concurrent requests cannot all slip
through between the check and the count.
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

#: Usernames longer than this are invalid and never used as a key.
MAX_USERNAME_LENGTH = 256
MAX_TRACKED_ADDRESSES = 10_000


@dataclass(frozen=True)
class Backoff:
    """How failures turn into waits: ``free`` failures cost nothing, then ``first`` doubling
    up to ``longest``; the count is forgotten ``forget_after`` past the end of the wait, and
    with ``leak`` one failure is forgiven every ``leak`` meanwhile."""

    free: int
    first: timedelta
    longest: timedelta
    forget_after: timedelta
    leak: timedelta | None = None

    def wait(self, failures: int) -> timedelta:
        """The wait after ``failures`` failures."""
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 40)  # beyond 40 doublings, longest wins anyway
        return min(self.first * (2 ** doublings), self.longest)


ADDRESS_BACKOFF = Backoff(free=20, first=timedelta(seconds=1), longest=timedelta(minutes=15),
                          forget_after=timedelta(minutes=15), leak=timedelta(seconds=45))
ACCOUNT_BACKOFF = Backoff(free=5, first=timedelta(seconds=2), longest=timedelta(minutes=2),
                          forget_after=timedelta(minutes=15))


@dataclass(frozen=True)
class Strikes:
    """Failed logins counted against one key, and when the last one was."""

    failures: int = 0
    last: datetime | None = None

    def current(self, now: datetime, policy: Backoff) -> Strikes:
        """These strikes, or none when they are old enough to be forgotten."""
        if self.last is None or now >= self.last + policy.wait(self.failures) + \
                policy.forget_after:
            return Strikes()
        if policy.leak is not None and now > self.last:
            forgiven = min(self.failures, int((now - self.last) / policy.leak))
            if forgiven == self.failures:
                return Strikes()
            if forgiven:  # only ever applied to the strikes as stored, never twice
                return Strikes(self.failures - forgiven, self.last)
        return self

    def wait(self, now: datetime, policy: Backoff) -> timedelta:
        """How long from ``now`` until another attempt is allowed (zero: now)."""
        if self.last is None:
            return timedelta(0)
        return max(timedelta(0), self.last + policy.wait(self.failures) - now)

    def plus_one(self, now: datetime) -> Strikes:
        """One more failure, at ``now``."""
        return Strikes(self.failures + 1, now)


class AccountStrikes(Protocol):
    """Where per-account strikes are kept (:class:`contactcenter.identity.sql.LoginThrottle`)."""

    async def reserve(self, username: str, now: datetime, policy: Backoff) -> timedelta:
        """Count an attempt on ``username``'s account, or return the wait still running."""

    async def clear(self, username: str) -> None:
        """Forget the account's failures (its password was right)."""


def address_key(remote: str | None) -> str:
    """The key an address is counted under: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address((remote or "").split("%", 1)[0])
    except ValueError:
        return (remote or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class AddressStrikes:
    """Per-address strikes in memory, at most ``max_keys`` of them (least recent evicted)."""

    def __init__(self, policy: Backoff, max_keys: int = MAX_TRACKED_ADDRESSES) -> None:
        self._policy = policy
        self._max_keys = max_keys
        self._strikes: OrderedDict[str, Strikes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._strikes)

    def reserve(self, key: str, now: datetime) -> timedelta:
        """Count an attempt from ``key``, or return the wait still running (nothing counted)."""
        stored = self._strikes.pop(key, Strikes())
        strikes = stored.current(now, self._policy)
        wait = strikes.wait(now, self._policy)
        self._strikes[key] = stored if wait else strikes.plus_one(now)
        while len(self._strikes) > self._max_keys:
            self._strikes.popitem(last=False)
        return wait

    def release(self, key: str) -> None:
        """Undo one counted attempt (the password was right)."""
        strikes = self._strikes.get(key)
        if strikes is None:
            return
        if strikes.failures <= 1:
            del self._strikes[key]
        else:
            self._strikes[key] = Strikes(strikes.failures - 1, strikes.last)


@dataclass(frozen=True)
class Attempt:
    """A login attempt let through by the limiter; ``retry_after`` is set when it was not."""

    username: str | None
    address: str
    retry_after: int | None = None


class LoginLimiter:
    """Both counters together: :meth:`begin` before checking a password, :meth:`succeeded`
    after a right one (a wrong one needs nothing more: it was counted at the start)."""

    def __init__(self, clock: Callable[[], datetime], accounts: AccountStrikes | None, *,
                 address_policy: Backoff = ADDRESS_BACKOFF,
                 account_policy: Backoff = ACCOUNT_BACKOFF,
                 max_addresses: int = MAX_TRACKED_ADDRESSES) -> None:
        self._clock = clock
        self._accounts = accounts
        self._account_policy = account_policy
        self.addresses = AddressStrikes(address_policy, max_addresses)

    async def begin(self, username: str | None, remote: str | None) -> Attempt:
        """Count an attempt; ``username=None`` for one that can name no account (too long)."""
        now = self._clock()
        key = address_key(remote)
        wait = self.addresses.reserve(key, now)
        if not wait and username is not None and self._accounts is not None:
            wait = await self._accounts.reserve(username, now, self._account_policy)
            if wait:
                self.addresses.release(key)  # refused unchecked: not a guess from here
        if wait:
            return Attempt(username, key, _whole_seconds(wait))
        return Attempt(username, key)

    async def succeeded(self, attempt: Attempt) -> None:
        """The password was right: it was no guess; the account's failures are forgotten."""
        self.addresses.release(attempt.address)
        if attempt.username is not None and self._accounts is not None:
            await self._accounts.clear(attempt.username)


def _whole_seconds(wait: timedelta) -> int:
    return max(1, int(wait.total_seconds() + 0.999))

