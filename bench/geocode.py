"""How far geocoded points land from the truth, on real files (``../shared/data``):

(a) ucdp   the UCDP candidate file, coordinates withheld: its place names (the
           ``where_coordinates`` our importer reads) against its own points;
(b) acled  the ACLED world sample: places learned from its first six days, the
           remaining days' names geocoded with their coordinates withheld;
(c) ocha   OCHA's Syrian communities against the gazetteer with each community's own
           row left out (in folds: the others of its fold are left out too), named as
           ACLED would (name, governorate, district): how far the next-best answer lands.

    python bench/geocode.py [--shared DIR] [--small]

Prints one table: rows, then the share within 5 / 10 / 25 km, placed but more than 25 km
away, and not found. ``--small`` runs fewer OCHA folds (the CI floor, tests/test_bench.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from run import table  # noqa: E402

from conflictmap.gazetteer import load_gazetteer  # noqa: E402
from conflictmap.ingest.pipeline import check_bytes, import_bytes  # noqa: E402
from conflictmap.settings import Settings  # noqa: E402
from conflictmap.store import open_store  # noqa: E402

UCDP = "ucdp/ucdp_candidate_ged_v26_0_7_syria.csv"
ACLED = "acled/acled_world_2020-04-27_to_2020-05-09_without_syria_iraq.csv"
COMMUNITIES = "syria-communities.csv"
LEARN_DAYS = 6


def km(lat1, lon1, lat2, lon2) -> pd.Series:
    lat1, lon1, lat2, lon2 = (
        pd.Series(v, dtype=float).map(math.radians) for v in (lat1, lon1, lat2, lon2)
    )
    h = ((lat2 - lat1) / 2).map(math.sin) ** 2 + lat1.map(math.cos) * lat2.map(math.cos) * (
        (lon2 - lon1) / 2
    ).map(math.sin) ** 2
    return 2 * 6371.0 * h.map(math.sqrt).map(math.asin)


def score(name: str, truth: pd.DataFrame, placed: pd.DataFrame, seconds: float) -> dict:
    """truth and placed: id, latitude, longitude (placed holds the rows that landed)."""
    both = truth.merge(placed, on="id", how="left", suffixes=("", "_placed"))
    found = both["latitude_placed"].notna()
    away = km(
        both["latitude"], both["longitude"], both["latitude_placed"], both["longitude_placed"]
    )
    n = len(both)

    def share(mask) -> float:
        return round(100 * float(mask.sum()) / n, 1) if n else 0.0  # per cent

    return {
        "set": name,
        "rows": n,
        "≤5 km %": share(found & (away <= 5)),
        "≤10 km %": share(found & (away <= 10)),
        "≤25 km %": share(found & (away <= 25)),
        ">25 km %": share(found & (away > 25)),
        "not found %": share(~found),
        "s": round(seconds, 1),
    }


def _withheld(frame: pd.DataFrame, columns: list[str]) -> bytes:
    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = ""
    return out.to_csv(index=False).encode()


def ucdp(shared: Path, settings: Settings) -> dict:
    frame = pd.read_csv(shared / UCDP, dtype=str, keep_default_na=False)
    truth = pd.DataFrame(
        {
            "id": "ucdp:" + frame["id"],
            "latitude": frame["latitude"].astype(float),
            "longitude": frame["longitude"].astype(float),
        }
    )
    start = time.perf_counter()
    _, good = check_bytes(
        _withheld(frame, ["latitude", "longitude", "geom_wkt"]), "u.csv", settings
    )
    placed = good.rename(columns={"incident_id": "id"})[["id", "latitude", "longitude"]]
    return score("ucdp (names against own points)", truth, placed, time.perf_counter() - start)


def acled(shared: Path, settings: Settings) -> dict:
    raw = (shared / ACLED).read_bytes()
    text = raw.decode("utf-8", errors="replace")
    lines = text.splitlines()
    frame = pd.read_csv(io.StringIO("\n".join(lines[:-1])), dtype=str, keep_default_na=False)
    dates = pd.to_datetime(frame["event_date"], format="%d-%b-%y")
    first = dates.min() + pd.Timedelta(days=LEARN_DAYS - 1)
    early, late = frame.loc[dates <= first], frame.loc[dates > first]
    store = open_store(None, settings)
    import_bytes(early.to_csv(index=False).encode(), "early.csv", store, settings, link=False)
    truth = pd.DataFrame(
        {
            "id": "acled:" + late["event_id_cnty"],
            "latitude": late["latitude"].astype(float),
            "longitude": late["longitude"].astype(float),
        }
    )
    start = time.perf_counter()
    withheld = _withheld(late, ["latitude", "longitude", "geo_precision"])
    _, good = check_bytes(withheld, "late.csv", settings, store=store)
    placed = good.rename(columns={"incident_id": "id"})[["id", "latitude", "longitude"]]
    label = f"acled (learned from {len(early):,} rows of {LEARN_DAYS} days)"
    return score(label, truth, placed, time.perf_counter() - start)


def ocha(settings: Settings, folds: int, used: int) -> dict:
    path = settings.geo_dir / COMMUNITIES
    header = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    rows = list(
        csv.DictReader(line for line in path.open(encoding="utf-8") if not line.startswith("#"))
    )
    rows = [r for r in rows if r["kind"] == "community" and r["admin1"]]
    with (settings.geo_dir / "admin1.csv").open(encoding="utf-8") as handle:
        governorate = {r["code"]: r["name"] for r in csv.DictReader(handle) if r["country"] == "SY"}
    truth, placed = [], []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(used):
            geo = Path(tmp) / f"geo{fold}"
            shutil.copytree(settings.geo_dir, geo)
            kept = [r for i, r in enumerate(rows) if i % folds != fold]
            asked = [r for i, r in enumerate(rows) if i % folds == fold]
            with (geo / COMMUNITIES).open("w", encoding="utf-8", newline="") as handle:
                handle.write("\n".join(header) + "\n")
                writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(kept)
            gaz = load_gazetteer(replace(settings, geo_dir=geo))
            for r in asked:
                match = gaz.lookup(r["name"], "Syria", governorate[r["admin1"]], r["admin2"])
                truth.append((r["pcode"] or r["name"], float(r["latitude"]), float(r["longitude"])))
                if match.place is not None:
                    placed.append(
                        (r["pcode"] or r["name"], match.place.latitude, match.place.longitude)
                    )
    columns = ["id", "latitude", "longitude"]
    truth_frame = pd.DataFrame(truth, columns=columns).drop_duplicates("id")
    placed_frame = pd.DataFrame(placed, columns=columns).drop_duplicates("id")
    label = f"ocha (own row left out, {used} of {folds} folds)"
    return score(label, truth_frame, placed_frame, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    parser.add_argument("--small", action="store_true", help="one OCHA fold of ten (CI floor)")
    args = parser.parse_args()
    shared = (
        args.shared or Path(os.environ.get("CONFLICTMAP_SHARED", ROOT.parent / "shared")) / "data"
    )
    with tempfile.TemporaryDirectory() as data:
        settings = replace(Settings(), data_dir=Path(data), store_url="")
        rows = [ucdp(shared, settings), acled(shared, settings)]
        rows.append(ocha(settings, 10, 1 if args.small else 10))
    print(table(rows))


if __name__ == "__main__":
    main()
