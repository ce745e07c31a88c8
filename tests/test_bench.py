import os
import subprocess
import sys

from conftest import ROOT


def test_benchmark_smoke_prints_the_table(tmp_path):
    backends = ["sqlite", "postgis"] if os.environ.get("CONFLICTMAP_TEST_PG") else ["sqlite"]
    args = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--sizes",
        "2000",
        "--backends",
        *backends,
    ]
    if os.environ.get("CONFLICTMAP_TEST_PG"):
        args += ["--pg", os.environ["CONFLICTMAP_TEST_PG"]]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "| backend" in done.stdout and "all unchanged" in done.stdout
    assert done.stdout.count("| 2,000 ") == len(backends)
    head, _rule, *rows = [line for line in done.stdout.splitlines() if line.startswith("|")]
    names = [c.strip() for c in head.split("|")[1:-1]]
    for line in rows:  # the floors, measured in the same run, and our ratios to them
        cells = dict(zip(names, (c.strip() for c in line.split("|")[1:-1]), strict=True))
        floors = [float(cells[n].replace(",", "")) for n in ("GeoDataFrame s", "bare load s")]
        ratios = [float(cells[n].replace(",", "")) for n in ("x GeoDataFrame", "x bare load")]
        assert all(f > 0 for f in floors) and all(r > 0 for r in ratios)


def test_scale_benchmark_smoke_prints_both_tables():
    """bench/scale.py end to end at 1,500 incidents (above the 1,000 drawn one by one)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--sizes", "1500"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "| incidents | import s | import peak MB | GeoDataFrame s | bare load s |" in out
    assert "| rerun s | areas s | areas rerun s |" in out and "| x bare load |" in out
    rows = {
        line.split("|")[2].strip(): [c.strip() for c in line.split("|")[3:-1]]
        for line in out.splitlines()
        if line.startswith("|     1,500 |") and line.count("|") == 6
    }
    assert set(rows) == {"conflictmap", "folium MarkerCluster", "folium FastMarkerCluster"}
    _build, page_mb, paint = rows["conflictmap"]
    assert float(page_mb) < 2 and float(paint) > 0


def test_features_benchmark_smoke_prints_the_table():
    """bench/features.py at 2,000 incidents, without the GIF (a browser test makes one)."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "features.py"),
            "--sizes",
            "2000",
            "--gif-frames",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| incidents | per area ms | choropleth ms | what changed ms |" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("|     2,000 |"))
    assert all(float(c.replace(",", "")) >= 0 for c in row.split("|")[2:-1])
