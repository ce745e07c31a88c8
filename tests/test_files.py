import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conflictmap.files import replace_atomically


def test_many_writers_at_once_all_succeed_and_the_file_is_one_of_theirs(tmp_path):
    target = tmp_path / "cache" / "places.json"
    texts = [str(n) * 200_000 for n in range(8)]

    def write(text):
        for _ in range(5):
            replace_atomically(target, lambda tmp, text=text: tmp.write_text(text))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, texts))
    assert target.read_text() in texts
    assert sorted(p.name for p in target.parent.iterdir()) == ["places.json"]


def test_writers_in_other_processes_too(tmp_path):
    target = tmp_path / "factions.csv"
    code = (
        "import sys; from pathlib import Path; from conflictmap.files import replace_atomically\n"
        "for _ in range(30):\n"
        "    replace_atomically(Path(sys.argv[1]), lambda t: t.write_text(sys.argv[2] * 50000))\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", code, str(target), letter]) for letter in "abc"]
    assert [run.wait(timeout=60) for run in runs] == [0, 0, 0]
    assert target.read_text() in {letter * 50000 for letter in "abc"}
    assert [p.name for p in tmp_path.iterdir()] == ["factions.csv"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "users.toml"
    target.write_text("old")

    def half(tmp):
        tmp.write_text("ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        replace_atomically(target, half)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["users.toml"]


def test_the_new_file_has_the_umasks_mode_or_the_one_asked_for(tmp_path):
    old = os.umask(0o027)
    try:
        replace_atomically(tmp_path / "shared.csv", lambda tmp: tmp.write_text("x"))
    finally:
        os.umask(old)
    replace_atomically(tmp_path / "secret.toml", lambda tmp: tmp.write_text("x"), mode=0o600)
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "secret.toml").stat().st_mode) == 0o600


def test_the_temporary_ends_as_the_file_does_so_gdal_writes_a_file_not_a_folder(tmp_path):
    import geopandas as gpd
    import pyogrio
    import shapely

    target = tmp_path / "lakes.fgb"
    frame = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    replace_atomically(target, lambda tmp: pyogrio.write_dataframe(frame, tmp, driver="FlatGeobuf"))
    assert target.is_file() and len(pyogrio.read_dataframe(target)) == 1
