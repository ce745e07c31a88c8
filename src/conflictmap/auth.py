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
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from conflictmap.errors import InputError, UsageError
from conflictmap.i18n import N_

VIEWER, EDITOR = N_("viewer"), N_("editor")
ROLES = (VIEWER, EDITOR)
MIN_PASSWORD = 10
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()
# Checked when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str = ""

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR


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
            f"{path}: the users file cannot be read ({exc}). Recreate it with "
            "`conflictmap user add`."
        ) from None
    for user in users.values():
        if user.role not in ROLES:
            raise InputError(
                f"{path}: user {user.name!r} has role {user.role!r}; use viewer or editor."
            )
    return users


def _save(path: Path, users: dict[str, User]) -> None:
    lines = ["# conflictmap users: written by `conflictmap user`. Passwords are Argon2id hashes.\n"]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines.append(f"\n[users.{json.dumps(user.name)}]\n")
        lines.append(f"role = {json.dumps(user.role)}\nhash = {json.dumps(user.password_hash)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(lines))
    tmp.replace(path)


def add_user(path: Path, name: str, password: str, role: str) -> User:
    """Add or replace a user (a new password, or a new role)."""
    if not _NAME.match(name):
        raise UsageError(
            f"{name!r} cannot be a user name: use 1-64 letters, digits and . _ - @ only."
        )
    if role not in ROLES:
        raise UsageError(f"Role {role!r} is not one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    users = load_users(path)
    users[name] = User(name, role, _HASHER.hash(password))
    _save(path, users)
    return users[name]


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if name not in users:
        raise UsageError(f"There is no user {name!r}; `conflictmap user list` shows them.")
    del users[name]
    _save(path, users)


def verify(users: dict[str, User], name: str, password: str) -> User | None:
    """The user when the password is theirs, else None (same cost either way)."""
    user = users.get(name)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user


def serves_only_this_computer(address: str | None) -> bool:
    return (address or "") in LOCAL_ADDRESSES
