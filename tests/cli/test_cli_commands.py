"""Every CLI command, as a user runs it, on stores of thousands of incidents: a failure is
an exit code and a sentence, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conflictmap.cli import COMMANDS
from conflictmap.export import FORMATS
from conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from synth import generate

MAP_FORMATS = ("png", "pdf", "gif")


def cli(*args, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        input=stdin,
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def store_of(tmp_path_factory, n: int) -> dict:
    """An environment whose default store holds ``n`` synthetic ACLED incidents."""
    folder = tmp_path_factory.mktemp(f"store{n}")
    data = generate(n, seed=n, start="2019-01-01", end="2019-12-31", illustrative=False)
    source = folder / "acled.csv"
    data.to_csv(source, index=False)
    env = os.environ | {
        "CONFLICTMAP_DATA": str(folder / "data"),
        "CONFLICTMAP_USERS": str(folder / "users.toml"),
    }
    env.pop("CONFLICTMAP_STORE", None)
    done = cli("import", str(source), env=env)
    assert done.returncode == 0, done.stderr
    return env | {"_folder": str(folder)}


@pytest.fixture(scope="module", params=[999, 1001])  # either side of the hexagons' start
def sized(request, tmp_path_factory):
    return request.param, store_of(tmp_path_factory, request.param)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*FORMATS, *MAP_FORMATS])
def test_every_export_format_at_every_size(fmt, sized):
    """Past 1,000 incidents the maps count hexagons: the CLI's rows are read whole from
    the store (no map index), which once ended in KeyError: 'cell'."""
    n, env = sized
    out = os.path.join(env["_folder"], f"out.{fmt}")
    extra = ["--play", "month", "--width", "800", "--height", "500"] if fmt == "gif" else []
    done = cli("export", "--format", fmt, "-o", out, *extra, env=env)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {n:,} incidents" in done.stderr
    assert os.path.getsize(out) > 1000


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """3,000 incidents, and a sheet row linked to one of them."""
    env = store_of(tmp_path_factory, 3000)
    from conflictmap.settings import Settings
    from conflictmap.store import open_store

    rows = open_store(f"sqlite:///{env['CONFLICTMAP_DATA']}/conflictmap.sqlite", Settings()).read()
    first = rows.sort_values("event_date").iloc[0]
    sheet = os.path.join(env["_folder"], "sheet.csv")
    with open(sheet, "w") as f:
        f.write("id,date,latitude,longitude,actor 1,actor 2\n")
        f.write(
            f"S-1,{first.event_date:%Y-%m-%d},{first.latitude},{first.longitude},"
            f'"{first.actor1}","{first.actor2 or ""}"\n'
        )
    return env, str(first.incident_id), sheet


def test_every_command_on_a_store_of_thousands(busy, tmp_path):
    env, incident, sheet = busy
    report = tmp_path / "report.txt"
    report.write_text("Clashes in Al-Mayadin killed two fighters yesterday.", encoding="utf-8")
    calls = [
        ("validate", str(DATA / "acled-current.csv")),
        ("import", sheet, "--json"),
        ("geocode", "البوكمال"),
        ("export", "--format", "csv", "-o", str(tmp_path / "x.csv")),
        ("changes", "--days", "30"),
        ("changes", "--days", "30", "--by", "faction", "--json"),
        ("extract", str(report), "--published", "2019-06-02"),
        ("batches", "--json"),
        ("history", incident),
        ("correct", incident, "--fatalities", "7"),
        ("split", "sheet:S-1"),
        ("undo", "2"),
        ("seed",),
        ("user", "list"),
        ("places", "learned", "--json"),
        ("area",),
        ("area", "set", "Deir ez-Zor; Al Anbar"),
        ("factions", "add-seed", "--dry-run"),
    ]
    for call in calls:
        done = cli(*call, env=env)
        assert done.returncode == 0, (call, done.stderr)
    user = cli(
        *("user", "add", "ana", "--role", "editor", "--password-stdin"),
        env=env,
        stdin="a long pass phrase\n",
    )
    assert user.returncode == 0, user.stderr
    assert cli("user", "remove", "ana", env=env).returncode == 0
    tried = {c[0] for c in calls} | {"user"}
    assert tried == set(COMMANDS), set(COMMANDS) - tried
    assert json.loads(cli("batches", "--json", env=env).stdout)[1]["undone_at"]


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (("undo", "99"), "batch 99"),
        (("split", "nope"), "nope"),
        (("history", "nope"), "nope"),
        (("correct", "nope", "--fatalities", "1"), "nope"),
        (("import", "/nonexistent/file.csv"), "/nonexistent/file.csv"),
        (("export", "--format", "csv", "-o", "/nonexistent/dir/out.csv"), "/nonexistent/dir"),
        (("export", "--format", "gif", "-o", "x.gif"), "--play"),
        (("geocode", " "), "Give a place name"),
    ],
)
def test_a_failing_command_says_one_sentence(call, said, busy):
    env, _incident, _sheet = busy
    done = cli(*call, env=env)
    assert done.returncode in (0, 1, 2), done.stderr
    if done.returncode:
        sentence = done.stderr.strip().splitlines()[-1]
        assert sentence.startswith(f"conflictmap {call[0]}:") and said in sentence
