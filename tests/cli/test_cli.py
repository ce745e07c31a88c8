import json
import subprocess
import sys

import pytest

from conflictmap.cli import main, parser
from conftest import DATA, ROOT


def run(*args, env_data=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictmap.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_validate_json_stores_nothing(env_data):
    done = run("validate", str(DATA / "acled-current.csv"), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["format"], data["rows_read"], data["imported"], data["stored"]) == (
        "acled",
        3,
        3,
        False,
    )
    assert not (env_data / "conflictmap.sqlite").exists()


def test_the_command_ends_fast_with_its_output_whole_and_its_store_finished(env_data):
    """``cli.run`` ends the process without freeing its objects: what it printed still
    arrives whole, through a pipe closed early too, and the store's log is copied in."""
    done = run("import", str(DATA / "ucdp-ged.csv"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] > 0
    assert not (env_data / "conflictmap.sqlite-wal").exists()  # closed, log copied in
    piped = subprocess.run(
        f"{sys.executable} -m conflictmap.cli batches --json | head -c 5",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(piped.stdout) == 5
    assert "Traceback" not in piped.stderr


def test_import_json_reports_and_stores(env_data):
    done = run("import", str(DATA / "sheet-ar.csv"), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"format", "rows_read", "imported", "rejected", "issues"} <= set(data)
    assert data["imported"] == 4 and data["batch_id"] == 1
    assert "[100%]" in done.stderr  # progress is shown
    lines = done.stderr.splitlines()
    staged = next(i for i, line in enumerate(lines) if "Stored 4 of 4 incidents" in line)
    assert "Writing 4 incidents into the store in one transaction" in lines[staged + 1]
    assert (env_data / "conflictmap.sqlite").exists()


def test_import_several_files_and_explicit_store(tmp_path, env_data):
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    done = run(
        "import",
        str(DATA / "acled-current.csv"),
        str(DATA / "ucdp-ged.csv"),
        "--store",
        url,
        "--json",
    )
    assert [r["imported"] for r in json.loads(done.stdout)] == [3, 2]


def test_geocode_json(env_data):
    data = json.loads(run("geocode", "البوكمال", "--json").stdout)
    assert data["found"] and abs(data["match"]["latitude"] - 34.45) < 0.05
    assert data["match"]["precision"] == 1 and "OCHA" in data["match"]["source"]
    ambiguous = json.loads(run("geocode", "Sinjar", "--json").stdout)
    assert len(ambiguous["alternatives"]) >= 1


def test_geocode_unknown_exits_1(env_data):
    assert run("geocode", "Atlantisville").returncode == 1


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "html"])
def test_export_every_format_with_filters(env_data, tmp_path, fmt):
    run("import", str(DATA / "acled-current.csv"))
    out = tmp_path / f"out.{fmt}"
    done = run(
        "export",
        "--format",
        fmt,
        "-o",
        str(out),
        "--from",
        "2020-05-10",
        "--to",
        "2020-05-31",
        "--faction",
        "Iran-backed militias",
        "--event-type",
        "Battles",
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0 and "Wrote 1 incidents" in done.stderr
    if fmt == "csv":
        assert "IRQT001" in out.read_text() and "SYRT002" not in out.read_text()


def test_unusable_input_exits_1_with_a_message(env_data, tmp_path):
    bad = tmp_path / "image.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n")
    done = run("import", str(bad))
    assert done.returncode == 1 and "PNG image" in done.stderr
    assert run("validate", str(tmp_path / "missing.csv")).returncode == 1


def test_usage_errors_exit_2(env_data, tmp_path):
    assert run("export", "--format", "pdfx", "-o", "x").returncode == 2
    assert (
        run(
            "export", "--format", "csv", "-o", str(tmp_path / "x"), "--from", "2020-13-01"
        ).returncode
        == 2
    )
    done = run(
        "export",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "x"),
        "--from",
        "2020-02-01",
        "--to",
        "2020-01-01",
    )
    assert done.returncode == 2 and "after" in done.stderr


def test_not_a_store_is_refused_and_untouched(env_data, tmp_path):
    fake = tmp_path / "notes.sqlite"
    fake.write_text("my precious notes")
    done = run("import", str(DATA / "acled-current.csv"), "--store", f"sqlite:///{fake}")
    assert done.returncode == 1 and "not a SQLite store" in done.stderr
    assert fake.read_text() == "my precious notes"


def test_seed_loads_the_samples_once(env_data):
    assert main(["seed"]) == 0
    assert "nothing seeded" in run("seed").stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"conflictmap {name}" in readme, name


def test_readme_column_table_is_the_schema():
    from conflictmap.schema import markdown_table

    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split()[0:2] for line in block] == [["make", "run"], ["make", "test"]]


@pytest.mark.browser
def test_png_snapshot_from_the_cli(env_data, tmp_path):
    from PIL import Image

    run("seed")
    out = tmp_path / "map.png"
    done = run(
        "export",
        "--format",
        "png",
        "-o",
        str(out),
        "--bbox",
        "40.0,34.3,41.1,35.5",
        "--width",
        "800",
        "--height",
        "600",
        "--scale",
        "2",
        "--faction",
        "Iran-backed militias",
        "--title",
        "Around Al-Bukamal",
    )
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (1600, 1200)
    assert "Drawing the map in Chromium" in done.stderr
    centred = tmp_path / "c.pdf"
    done = run(
        "export", "--format", "pdf", "-o", str(centred), "--center", "34.45,40.92", "--zoom", "10"
    )
    assert done.returncode == 0 and centred.read_bytes().startswith(b"%PDF")


def test_bad_bbox_is_a_usage_error(env_data, tmp_path):
    done = run("export", "--format", "png", "-o", str(tmp_path / "x.png"), "--bbox", "41,35,40,34")
    assert done.returncode == 2 and "west < east" in done.stderr


def test_split_from_the_cli(env_data, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,date,place,actor 1,actor 2\nS-1,2020-05-09,Abu Kamal,NDF,IRGC\n")
    run("import", str(DATA / "acled-current.csv"))
    assert json.loads(run("import", str(sheet), "--json").stdout)["linked"] == 1
    done = run("split", "sheet:S-1")
    assert done.returncode == 0 and "no longer linked" in done.stdout
    assert run("split", "sheet:S-1").returncode == 1


def test_batches_and_undo(env_data):
    run("import", str(DATA / "acled-current.csv"))
    again = json.loads(run("import", str(DATA / "acled-current.csv"), "--json").stdout)
    assert again["duplicate_of"] == 1 and again["batch_id"] is None
    listed = json.loads(run("batches", "--json").stdout)
    assert len(listed) == 1
    assert {"id", "file", "sha256", "format", "added", "imported_at", "user"} <= set(listed[0])
    assert listed[0]["added"] == 3 and len(listed[0]["sha256"]) == 64
    done = run("undo", "1")
    assert done.returncode == 0 and "removed 3" in done.stdout
    assert "UNDONE" in run("batches").stdout
    assert run("undo", "1").returncode == 1


@pytest.mark.browser
def test_a_playback_gif_from_the_cli_in_arabic(env_data, tmp_path):
    from PIL import Image

    run("seed")
    out = tmp_path / "june.gif"
    done = run(
        "export",
        "--format",
        "gif",
        "-o",
        str(out),
        "--from",
        "2018-06-01",
        "--to",
        "2018-06-30",
        "--play",
        "week",
        "--bbox",
        "40.3,34.2,41.2,35.5",
        "--width",
        "640",
        "--height",
        "480",
        "--lang",
        "ar",
    )
    assert done.returncode == 0, done.stderr
    gif = Image.open(out)
    assert gif.n_frames == 5 and gif.size == (640, 480)
    assert "Frame 5 of 5" in done.stderr  # progress per frame
    wrong = run("export", "--format", "gif", "-o", str(tmp_path / "x.gif"))
    assert wrong.returncode == 2 and "--play" in wrong.stderr


def test_what_changed_from_the_cli(env_data):
    run("seed")
    done = run("changes", "--days", "7", "--end", "2018-06-30", "--by", "location", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["periods"] == "2018-06-24 to 2018-06-30 against 2018-06-17 to 2018-06-23"
    rows = data["table"]
    assert rows and {"place", "previous", "recent", "change"} <= set(rows[0])
    assert sum(r["recent"] + r["previous"] for r in rows) > 0
    text = run("changes", "--end", "2018-06-30", "--lang", "ar").stdout
    assert text.startswith("ما الذي تغيّر: من 24 حزيران 2018 إلى 30 حزيران 2018")


def test_the_validation_report_in_arabic_from_the_cli(env_data):
    done = run("validate", str(DATA / "bad" / "unknown-place.csv"), "--lang", "ar")
    assert "ليس في المعجم الجغرافي" in done.stdout and "[خطأ]" in done.stdout
    assert "الأسطر 2" in done.stdout


def test_an_import_loads_neither_the_maps_nor_the_report_lexicons(env_data):
    """folium, the maps and report drafting are imported by the commands that use them,
    and no password hash is made at start-up (each cost every command a tenth of a
    second or more)."""
    probe = (
        "import sys\n"
        "from conflictmap import auth\n"
        "from conflictmap.cli import main\n"
        f"assert main(['import', {str(DATA / 'acled-current.csv')!r}]) == 0\n"
        "loaded = [m for m in ('folium', 'conflictmap.maps', 'conflictmap.extract')"
        " if m in sys.modules]\n"
        "print(loaded, auth._dummy.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[] 0"
