"""Sign-in for a shared deployment: hashed passwords, two roles, open only on localhost."""

import io
import json
import os
import stat

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from conflictmap import auth
from conflictmap.cli import main as cli
from conflictmap.errors import InputError, UsageError
from conftest import ROOT, page_titles

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path, monkeypatch, env_data):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("CONFLICTMAP_USERS", str(path))
    auth.add_user(path, "editor1", PASSWORD, auth.EDITOR)
    auth.add_user(path, "viewer1", PASSWORD + "!", auth.VIEWER)
    assert cli(["seed"]) == 0
    return path


def test_passwords_are_stored_as_argon2_hashes_only(users):
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text and text.count("$argon2id$") == 2
    assert stat.S_IMODE(os.stat(users).st_mode) == 0o600
    auth._dummy.cache_clear()
    loaded = auth.load_users(users)
    assert auth._dummy.cache_info().currsize == 1  # an unknown name's hash, made before
    assert auth.verify(loaded, "editor1", PASSWORD).role == auth.EDITOR
    assert auth.verify(loaded, "editor1", PASSWORD + "x") is None
    assert auth.verify(loaded, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("name", "password", "role"),
    [
        ("ok", "short", auth.EDITOR),
        ("../etc", PASSWORD, auth.EDITOR),
        ('a"] x', PASSWORD, auth.EDITOR),
        ("ok", PASSWORD, "admin"),
    ],
)
def test_bad_users_are_refused(tmp_path, name, password, role):
    with pytest.raises(UsageError):
        auth.add_user(tmp_path / "users.toml", name, password, role)
    assert not (tmp_path / "users.toml").exists()


def test_a_damaged_users_file_is_an_error_not_open_access(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text("[users.x]\nrole = 'viewer'\n", encoding="utf-8")
    with pytest.raises(InputError, match="users file"):
        auth.load_users(path)


def test_cli_manages_users(users, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert cli(["user", "add", "analyst", "--role", "editor", "--password-stdin"]) == 0
    capsys.readouterr()
    assert cli(["user", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"name": "analyst", "role": "editor"} in listed
    assert "analyst" in auth.load_users(users)
    assert cli(["user", "remove", "analyst"]) == 0
    assert "analyst" not in auth.load_users(users)
    assert cli(["user", "remove", "analyst"]) == 2


def _app():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def _sign_in(at, name, password):
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def test_sign_in_is_required_and_roles_decide_the_pages(users):
    at = _app()
    assert not at.exception and not page_titles(at) and not at.metric  # only the form
    _sign_in(at, "editor1", "wrong password here")
    assert any("Wrong name or password" in e.value for e in at.error) and not page_titles(at)
    viewer = _sign_in(_app(), "viewer1", PASSWORD + "!")
    assert page_titles(viewer) == ["Map"] and viewer.metric  # the map alone
    assert not viewer.get("file_uploader")
    editor = _sign_in(_app(), "editor1", PASSWORD)
    assert page_titles(editor) == [
        "Map",
        "Import",
        "Places to check",
        "Report",
        "Factions",
        "Layers",
    ]


def test_open_access_only_on_this_computer(env_data):
    assert cli(["seed"]) == 0
    at = _app()
    assert page_titles(at) and any("this computer only" in c.value for c in at.sidebar.caption)
    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        exposed = _app()
    finally:
        st_config.set_option("server.address", old)
    assert not page_titles(exposed)
    assert any("serves this computer only" in e.value for e in exposed.error)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def throttle():
    return auth.Throttle(clock=Clock())


def test_failed_sign_ins_back_off_then_lock_the_name(users, throttle):
    known = auth.load_users(users)
    clock = throttle.clock
    for _ in range(auth.FREE_FAILURES):  # the first few cost nothing more
        assert auth.sign_in(known, "editor1", "wrong password", "10.0.0.9", throttle) is None
    with pytest.raises(auth.SignInRefused, match="try again in 1 s"):
        auth.sign_in(known, "editor1", PASSWORD, "10.0.0.9", throttle)  # even the right one
    waits = []
    while len(throttle.failures["name:editor1"]) < auth.LOCK_FAILURES:
        clock.now += throttle.wait(("name:editor1", "client:10.0.0.9"))
        auth.sign_in(known, "editor1", "wrong password", "10.0.0.9", throttle)
        waits.append(throttle.wait(("name:editor1",)))
    assert waits[:4] == [2, 4, 8, 16]  # doubling
    clock.now += auth.MAX_DELAY_S + 1
    with pytest.raises(auth.SignInRefused):  # the name is locked out, from anywhere
        auth.sign_in(known, "editor1", PASSWORD, "10.0.0.77", throttle)
    clock.now += auth.LOCK_S
    assert auth.sign_in(known, "editor1", PASSWORD, "10.0.0.77", throttle).name == "editor1"


def test_unknown_names_are_throttled_like_known_ones(users, throttle):
    """The answers and waits never tell which names exist."""
    known = auth.load_users(users)
    said = []
    for name in ("editor1", "nobody-here"):
        for _ in range(auth.FREE_FAILURES):
            auth.sign_in(known, name, "wrong password", f"client-{name}", throttle)
        with pytest.raises(auth.SignInRefused) as refused:
            auth.sign_in(known, name, "wrong password", f"client-{name}", throttle)
        said.append(str(refused.value))
    assert said[0] == said[1]


def test_one_client_trying_many_names_waits_too(users, throttle):
    known = auth.load_users(users)
    for i in range(auth.FREE_FAILURES):
        auth.sign_in(known, f"guess{i}", "wrong password", "10.0.0.5", throttle)
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(known, "guess-next", "wrong password", "10.0.0.5", throttle)
    assert auth.sign_in(known, "editor1", PASSWORD, "10.0.0.6", throttle)  # others: not


def test_the_dashboard_refuses_a_guessing_client(users):
    """The attack: wrong passwords one after another in the sign-in form."""
    at = _app()
    for _ in range(auth.FREE_FAILURES):
        _sign_in(at, "editor1", "wrong password here")
    _sign_in(at, "editor1", PASSWORD)
    assert any("Too many failed sign-ins" in e.value.replace("\\", "") for e in at.error)
    assert not page_titles(at)


def test_argon2_checks_are_bounded(users, throttle, monkeypatch):
    monkeypatch.setattr(auth, "SLOT_WAIT_S", 0.1)
    known = auth.load_users(users)
    taken = [auth._SLOTS.acquire(timeout=1) for _ in range(auth.AT_ONCE)]
    try:
        with pytest.raises(auth.SignInRefused, match="checking other sign-ins"):
            auth.sign_in(known, "editor1", PASSWORD, "10.0.0.8", throttle)
    finally:
        for ok in taken:
            if ok:
                auth._SLOTS.release()


@pytest.mark.parametrize("key", ["cm_signed_in", "user_name"])
def test_a_forged_session_value_signs_nobody_in(users, key):
    """A client can send widget state under any id; the sign-in is an object of ours."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[key] = "editor1"
    at.run()
    assert not at.exception and not page_titles(at) and not at.metric  # still the sign-in form
    assert at.button[0].label == "Sign in"


def test_browsers_are_never_shown_tracebacks():
    text = (ROOT / ".streamlit" / "config.toml").read_text()
    assert 'showErrorDetails = "none"' in text.split("[client]")[1]
