"""Sign-in for a shared deployment.

The operator keeps the users in a TOML file (``CONFLICTMAP_USERS``, default
``data/users.toml``, git-ignored), managed with ``conflictmap user add/remove/list``.
Passwords are stored only as Argon2id hashes (argon2-cffi). Two roles:

- ``viewer``: see, filter, export, snapshot;
- ``editor``: also import files and reports, undo batches, split links, edit factions
  and add layers.

With no users configured the dashboard is open, and then it serves this computer only:
it refuses to run open on any address but the loopback one.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import tomllib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from conflictmap.errors import InputError, SignInRefused, UsageError
from conflictmap.files import replace_atomically
from conflictmap.i18n import N_
from conflictmap.i18n.catalogue import msg

VIEWER, EDITOR = N_("viewer"), N_("editor")
ROLES = (VIEWER, EDITOR)
MIN_PASSWORD = 10
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()


@cache
def _dummy() -> str:
    """Checked when the name is unknown, so that a wrong name costs as long as a wrong
    password (made when users are first read, not at import: every CLI command would
    pay 0.1 s for it)."""
    return _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str = ""

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR


@dataclass(frozen=True)
class SignedIn:
    """A session's sign-in, as the dashboard keeps it (an object no client can send)."""

    name: str


OPEN = User("local user", EDITOR)  # no sign-in configured: this computer only


def load_users(path: Path) -> dict[str, User]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        users = {
            name: User(name, entry["role"], entry["hash"])
            for name, entry in data.get("users", {}).items()
        }
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            msg(
                (
                    "{path}: the users file cannot be read ({exc}). Recreate it with "
                    "`conflictmap user add`."
                ),
                path=path,
                exc=exc,
            )
        ) from None
    for user in users.values():
        if user.role not in ROLES:
            raise InputError(
                msg(
                    "{path}: user {name} has role {role}; use viewer or editor.",
                    path=path,
                    name=f"{user.name!r}",
                    role=f"{user.role!r}",
                )
            )
    if users:
        _dummy()  # made before the first sign-in, so the first wrong name costs no more
    return users


def _save(path: Path, users: dict[str, User]) -> None:
    lines = ["# conflictmap users: written by `conflictmap user`. Passwords are Argon2id hashes.\n"]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines.append(f"\n[users.{json.dumps(user.name)}]\n")
        lines.append(f"role = {json.dumps(user.role)}\nhash = {json.dumps(user.password_hash)}\n")
    text = "".join(lines)
    replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), mode=0o600)


def add_user(path: Path, name: str, password: str, role: str) -> User:
    """Add or replace a user (a new password, or a new role)."""
    if not _NAME.match(name):
        raise UsageError(
            msg(
                ("{name} cannot be a user name: use 1-64 letters, digits and . _ - @ only."),
                name=f"{name!r}",
            )
        )
    if role not in ROLES:
        raise UsageError(
            msg("Role {role} is not one of: {roles}.", role=f"{role!r}", roles=", ".join(ROLES))
        )
    if len(password) < MIN_PASSWORD:
        raise UsageError(
            msg("The password is too short: use at least {least} characters.", least=MIN_PASSWORD)
        )
    users = load_users(path)
    users[name] = User(name, role, _HASHER.hash(password))
    _save(path, users)
    return users[name]


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if name not in users:
        raise UsageError(
            msg("There is no user {name}; `conflictmap user list` shows them.", name=f"{name!r}")
        )
    del users[name]
    _save(path, users)


def verify(users: dict[str, User], name: str, password: str) -> User | None:
    """The user when the password is theirs, else None (same cost either way)."""
    user = users.get(name)
    try:
        _HASHER.verify(user.password_hash if user else _dummy(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user


def serves_only_this_computer(address: str | None) -> bool:
    return (address or "") in LOCAL_ADDRESSES


LOG = logging.getLogger(__name__)
FREE_FAILURES = 3  # failures (per name, per client) before each attempt has to wait
LOCK_FAILURES = 10  # failures within WINDOW_S that lock the name or client out
WINDOW_S = 15 * 60
LOCK_S = 15 * 60
MAX_DELAY_S = 60
AT_ONCE = 2  # Argon2 checks running together (each costs 64 MiB)
SLOT_WAIT_S = 5  # how long an attempt waits for a free check


@dataclass
class Throttle:
    """Backoff and temporary lockout for sign-in, per user name and per client address.

    After ``FREE_FAILURES`` failures within ``WINDOW_S``, each new attempt must wait
    1, 2, 4 ... up to ``MAX_DELAY_S`` seconds after the last failure; ``LOCK_FAILURES``
    failures lock a name out for ``LOCK_S`` (a client keeps waiting ``MAX_DELAY_S``: many
    people may share one address behind a proxy). Names that do not exist are counted
    the same way, so the answers never tell which names exist."""

    clock: object = time.monotonic
    failures: dict = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, keys: tuple[str, ...]) -> float:
        """Seconds before these keys may try again (0: now)."""
        now = self.clock()
        with self.lock:
            return max((self._wait(key, now) for key in keys), default=0.0)

    def _wait(self, key: str, now: float) -> float:
        seen = self.failures.get(key)
        if not seen:
            return 0.0
        while seen and now - seen[0] > WINDOW_S:
            seen.popleft()
        if len(seen) >= LOCK_FAILURES and key.startswith("name:"):
            # a name is locked out; a client only waits (behind a proxy many share one)
            return max(0.0, seen[-1] + LOCK_S - now)
        if len(seen) < FREE_FAILURES:
            return 0.0
        delay = min(2.0 ** (len(seen) - FREE_FAILURES), MAX_DELAY_S)
        return max(0.0, seen[-1] + delay - now)

    def failed(self, keys: tuple[str, ...]) -> None:
        now = self.clock()
        with self.lock:
            for key in keys:
                self.failures[key].append(now)
                if len(self.failures[key]) == LOCK_FAILURES:
                    LOG.warning(
                        "sign-in locked for %s s after %s failures: %s", LOCK_S, LOCK_FAILURES, key
                    )

    def succeeded(self, keys: tuple[str, ...]) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)


THROTTLE = Throttle()
_SLOTS = threading.BoundedSemaphore(AT_ONCE)


def sign_in(
    users: dict[str, User], name: str, password: str, client: str, throttle: Throttle = THROTTLE
) -> User | None:
    """``verify`` behind the throttle: refuses (SignInRefused, saying how long to wait)
    a name or client that failed too often, and more than ``AT_ONCE`` checks at a time."""
    keys = (f"name:{name.strip().lower()}", f"client:{client or '?'}")
    if (wait := throttle.wait(keys)) > 0:
        LOG.warning("sign-in refused for %.0f s more: %s", wait, ", ".join(keys))
        raise SignInRefused(
            msg(
                (
                    "Too many failed sign-ins for this name or from this computer: try "
                    "again in {seconds} s."
                ),
                seconds=max(1, round(wait)),
            )
        )
    if not _SLOTS.acquire(timeout=SLOT_WAIT_S):
        raise SignInRefused("The server is checking other sign-ins: try again in a moment.")
    try:
        found = verify(users, name, password)
    finally:
        _SLOTS.release()
    if found is None:
        LOG.info("failed sign-in: %s", ", ".join(keys))
        throttle.failed(keys)
    else:
        throttle.succeeded(keys)
    return found
