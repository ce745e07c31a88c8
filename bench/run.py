"""Store benchmarks: import N ACLED-format rows into each backend, then re-import the same
rows (all unchanged), next to two floors measured in the same run. Prints a table: wall
time, rows per second, peak memory, and our times as ratios to the floors.

    python bench/run.py [--sizes 100000 1000000] [--pg URL]

Each import runs as a real `conflictmap import` subprocess, so peak memory is that
process's own (VmHWM). The floors, each in a process of its own too:

- *GeoDataFrame*: the file read by pyarrow's CSV reader into a GeoDataFrame of points
  (no checks, no store);
- *bare load*: the same file's Arrow table written as it is into the same kind of store
  by the same ADBC driver, into a fresh SQLite file (WAL) or a fresh PostgreSQL table, no
  checks, fingerprints, provenance or index.

Our times are the whole `conflictmap import` process's (its start-up included); a floor's
is its work alone.

With no --pg, a throwaway server is started with scripts/pg. Not part of the test suite
(too slow); tests/test_bench.py runs a 2,000-row smoke version.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def peak_mb(pid: int) -> float:
    """The process's own high-water resident memory (VmHWM). Not ru_maxrss: Linux folds
    the parent's memory at fork into a child's ru_maxrss."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed_import(path: Path, url: str) -> tuple[float, float, str]:
    """(seconds, peak MB, last stdout line) of one `conflictmap import` process."""
    start = time.perf_counter()
    env = dict(os.environ, CONFLICTMAP_MAX_FILE_MB="8192")  # the files are large on purpose
    with tempfile.TemporaryFile("w+") as errors, tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "conflictmap.cli", "import", str(path), "--store", url],
            stdout=out,
            stderr=errors,
            text=True,
            env=env,
        )
        peak = 0.0
        while process.poll() is None:  # the high-water mark only grows: sample it
            peak = max(peak, peak_mb(process.pid))
            time.sleep(0.1)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"import failed ({process.returncode}): {errors.read()[-2000:]}")
        out.seek(0)
        last = out.read().strip().splitlines()[-1]
    return time.perf_counter() - start, peak, last


FLOOR = r"""
import sys, time
import geopandas, pyarrow.csv
kind, path, url = sys.argv[1:4]
started = time.perf_counter()  # the work alone (ours counts its process's start-up too)
table = pyarrow.csv.read_csv(path)
if kind == "geodataframe":
    frame = table.to_pandas()
    points = geopandas.points_from_xy(frame["longitude"], frame["latitude"], crs="EPSG:4326")
    geopandas.GeoDataFrame(frame, geometry=points)
elif url.startswith("postgresql"):
    import adbc_driver_postgresql.dbapi as adbc
    with adbc.connect(url) as db, db.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bare_load")
        cursor.adbc_ingest("bare_load", table, mode="create")
        db.commit()
        cursor.execute("DROP TABLE bare_load")
        db.commit()
else:
    import adbc_driver_sqlite.dbapi as adbc
    with adbc.connect(url, autocommit=True) as db, db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.fetchall()
        cursor.execute("BEGIN")
        cursor.adbc_ingest("bare_load", table, mode="create")
        cursor.execute("COMMIT")
print(time.perf_counter() - started)
"""


def floor(kind: str, path: Path, url: str) -> float:
    """Seconds of one floor (``geodataframe`` or ``bare``), in a fresh process."""
    target = url
    if not url.startswith("postgresql"):
        target = str(path.with_suffix(".bare.sqlite"))
        Path(target).unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", FLOOR, kind, str(path), target],
        capture_output=True,
        text=True,
        check=True,
    )
    if not url.startswith("postgresql"):
        for leftover in Path(target).parent.glob(Path(target).name + "*"):
            leftover.unlink()
    return float(done.stdout.strip().splitlines()[-1])


def floors(path: Path, url: str) -> dict:
    """The two floors of importing ``path`` into the store at ``url`` (see the module)."""
    return {
        "GeoDataFrame s": floor("geodataframe", path, url),
        "bare load s": floor("bare", path, url),
    }


def with_ratios(row: dict, ours: str = "import s") -> dict:
    """``row`` with our time as a ratio to each floor."""
    return {
        **row,
        "x GeoDataFrame": row[ours] / row["GeoDataFrame s"],
        "x bare load": row[ours] / row["bare load s"],
    }


def synthesise(size: int, path: Path) -> None:
    """Synthetic ACLED rows written by another process (this one stays small, so the
    processes it starts are measured alone)."""
    subprocess.run(
        [
            sys.executable,
            str(HERE / "synth.py"),
            str(size),
            str(path),
            "--seed",
            "11",
            "--start",
            "2015-01-01",
            "--end",
            "2024-12-31",
            "--not-illustrative",
        ],
        check=True,
    )


def postgis_database(template: str) -> str:
    import psycopg

    server, _, name = template.rpartition("/")
    fresh = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {fresh} TEMPLATE {name}")
    return f"{server}/{fresh}"


def measure(size: int, backend: str, url: str, folder: Path) -> dict:
    source = folder / f"acled-{size}.csv"
    if not source.exists():
        synthesise(size, source)
    again = folder / f"acled-{size}-again.csv"  # same rows, other bytes: a new batch
    again.write_bytes(source.read_bytes() + b"\n")
    os.sync()  # the files just written go to disk now, not while an import is timed
    seconds, peak, _ = timed_import(source, url)
    re_seconds, re_peak, line = timed_import(again, url)
    return with_ratios(
        {
            "backend": backend,
            "rows": size,
            "import s": seconds,
            "rows/s": size / seconds,
            "peak MB": peak,
            "re-import s": re_seconds,
            "re-import peak MB": re_peak,
            "re-import": "all unchanged" if f"{size:,} unchanged" in line else line,
            **floors(source, url),
        }
    )


def table(rows: list[dict]) -> str:
    heads = list(rows[0])
    cells = [
        [
            (f"{r[h]:,.2f}" if abs(r[h]) < 10 else f"{r[h]:,.1f}")
            if isinstance(r[h], float)
            else f"{r[h]:,}"
            if isinstance(r[h], int)
            else str(r[h])
            for h in heads
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    return "\n".join([line, rule, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pg", help="PostGIS template database URL (default: scripts/pg)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgis"])
    args = parser.parse_args()
    started = None
    server = dict(os.environ, PG_PORT="54339", PG_DIR="/tmp/conflictmap-bench-pg")
    if "postgis" in args.backends and not args.pg:
        args.pg = started = subprocess.run(
            [str(ROOT / "scripts" / "pg"), "start"],
            check=True,
            capture_output=True,
            text=True,
            env=server,
        ).stdout.strip()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for size in args.sizes:
                for backend in args.backends:
                    url = (
                        f"sqlite:///{folder / f'bench-{size}.sqlite'}"
                        if backend == "sqlite"
                        else postgis_database(args.pg)
                    )
                    rows.append(measure(size, backend, url, folder))
                    print(table(rows[-1:]), file=sys.stderr, flush=True)
    finally:
        if started:
            subprocess.run([str(ROOT / "scripts" / "pg"), "stop"], check=False, env=server)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
