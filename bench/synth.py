"""Realistic synthetic incidents in the ACLED 31-column layout.

Places cluster around real towns of the Euphrates valley (coordinates are facts
from the gazetteer files), actors and event types follow skewed distributions,
dates lean towards the recent end, notes have realistic length. Deterministic for a
given seed. Used for the illustrative sample in data/sample/ and by the benchmarks.

    python bench/synth.py N OUT.csv [--seed S] [--start 2018-01-01] [--end 2018-12-31]
"""

from __future__ import annotations

import argparse
import datetime as dt

import numpy as np
import pandas as pd

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

# name, lat, lon, admin2, country, weight
TOWNS = [
    ("Deir-ez-Zor", 35.336, 40.141, "Deir-ez-Zor", "Syria", 10),
    ("Al Mayadin", 35.020, 40.452, "Al Mayadin", "Syria", 8),
    ("Abu Kamal", 34.452, 40.919, "Abu Kamal", "Syria", 9),
    ("Buqrus", 35.090, 40.390, "Al Mayadin", "Syria", 3),
    ("Hajin", 34.695, 40.831, "Abu Kamal", "Syria", 4),
    ("Ashara", 34.921, 40.560, "Al Mayadin", "Syria", 3),
    ("Quriyeh", 34.980, 40.515, "Al Mayadin", "Syria", 2),
    ("Thiban", 35.015, 40.510, "Al Mayadin", "Syria", 3),
    ("Basira", 35.156, 40.427, "Deir-ez-Zor", "Syria", 3),
    ("Susat", 34.534, 40.958, "Abu Kamal", "Syria", 2),
    ("Baghuz Fawqani", 34.465, 40.955, "Abu Kamal", "Syria", 2),
    ("Khasham", 35.301, 40.289, "Deir-ez-Zor", "Syria", 2),
    ("Mohasan", 35.233, 40.317, "Deir-ez-Zor", "Syria", 2),
    ("Kisreh", 35.567, 39.920, "Deir-ez-Zor", "Syria", 1),
    ("Al-Qaim", 34.393, 40.989, "Al-Qaim", "Iraq", 3),
]
DYADS = [  # actor1, inter1, actor2, inter2, weight
    (
        "Military Forces of Syria (2000-)",
        "State forces",
        "Liwa Fatemiyoun",
        "External/Other forces",
        6,
    ),
    ("NDF: National Defence Forces", "Political militia", "Hezbollah", "External/Other forces", 3),
    ("Military Forces of Syria (2000-)", "State forces", "Liwa al-Quds", "Political militia", 3),
    (
        "Popular Mobilization Forces",
        "External/Other forces",
        "Military Forces of Syria (2000-)",
        "State forces",
        3,
    ),
    (
        "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
        "External/Other forces",
        "Unidentified Armed Group (Syria)",
        "Political militia",
        2,
    ),
    ("Military Forces of Syria (2000-)", "State forces", "Islamic State (Syria)", "Rebel group", 5),
    ("Unidentified Armed Group (Syria)", "Political militia", "Civilians (Syria)", "Civilians", 2),
]
EVENTS = [  # event_type, sub_event_type, disorder, weight
    ("Battles", "Armed clash", "Political violence", 10),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 5),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 2),
    ("Violence against civilians", "Attack", "Political violence", 2),
    ("Strategic developments", "Headquarters or base established", "Strategic developments", 1),
]
NOTE_WORDS = [
    "clashes",
    "erupted",
    "between",
    "the",
    "two",
    "sides",
    "near",
    "the",
    "river",
    "crossing",
    "over",
    "control",
    "of",
    "checkpoints",
    "and",
    "levies",
    "on",
    "civilians",
    "crossing",
    "the",
    "Euphrates",
    "reinforcements",
    "arrived",
    "from",
    "the",
    "border",
    "area",
    "shelling",
    "targeted",
    "positions",
    "on",
    "the",
    "outskirts",
    "of",
    "the",
    "town",
    "sources",
    "reported",
    "casualties",
    "on",
    "both",
    "sides",
]


def _pick(rng, items, n):
    weights = np.array([item[-1] for item in items], dtype=float)
    return rng.choice(len(items), size=n, p=weights / weights.sum())


def grid_file(path):
    """A boundary file of 10 x 10 squares over the valley (areas to count incidents in)."""
    import json

    features = []
    for i in range(10):
        for j in range(10):
            w, s = 38.0 + i * 0.45, 33.5 + j * 0.3
            ring = [[w, s], [w + 0.45, s], [w + 0.45, s + 0.3], [w, s + 0.3], [w, s]]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": f"cell {i}-{j}"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def generate(
    n: int,
    seed: int = 7,
    start: str = "2018-01-01",
    end: str = "2018-12-31",
    illustrative: bool = True,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    towns, dyads, events = _pick(rng, TOWNS, n), _pick(rng, DYADS, n), _pick(rng, EVENTS, n)
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    span = (last - first).days
    days = np.minimum((rng.beta(2.0, 1.3, n) * (span + 1)).astype(int), span)
    dates = pd.to_datetime(first) + pd.to_timedelta(days, unit="D")
    precision = rng.choice([1, 2, 3], size=n, p=[0.7, 0.22, 0.08])
    jitter = np.where(precision == 1, 0.012, 0.045)
    town = [TOWNS[i] for i in towns]
    lat = np.array([t[1] for t in town]) + rng.normal(0, 1, n) * jitter
    lon = np.array([t[2] for t in town]) + rng.normal(0, 1, n) * jitter
    dyad, event = [DYADS[i] for i in dyads], [EVENTS[i] for i in events]
    fatalities = np.where(rng.random(n) < 0.45, 0, rng.geometric(0.25, n))
    words = rng.integers(15, 45, n)
    mark = "[ILLUSTRATIVE - not a real event] " if illustrative else ""
    notes = [mark + " ".join(rng.choice(NOTE_WORDS, w)).capitalize() + "." for w in words]
    iraq = np.array([t[4] == "Iraq" for t in town])
    return pd.DataFrame(
        {
            "event_id_cnty": [
                ("IRQX" if q else "SYRX") + f"{i + 1:07d}" for i, q in enumerate(iraq)
            ],
            "event_date": dates.strftime("%Y-%m-%d"),
            "year": dates.year,
            "time_precision": rng.choice([1, 2, 3], size=n, p=[0.8, 0.15, 0.05]),
            "disorder_type": [e[2] for e in event],
            "event_type": [e[0] for e in event],
            "sub_event_type": [e[1] for e in event],
            "actor1": [d[0] for d in dyad],
            "assoc_actor_1": "",
            "inter1": [d[1] for d in dyad],
            "actor2": [d[2] for d in dyad],
            "assoc_actor_2": "",
            "inter2": [d[3] for d in dyad],
            "interaction": [f"{d[1]}-{d[3]}" for d in dyad],
            "civilian_targeting": [
                "Civilian targeting" if e[0].startswith("Violence") else "" for e in event
            ],
            "iso": np.where(iraq, 368, 760),
            "region": "Middle East",
            "country": np.where(iraq, "Iraq", "Syria"),
            "admin1": np.where(iraq, "Al Anbar", "Deir-ez-Zor"),
            "admin2": [t[3] for t in town],
            "admin3": "",
            "location": [t[0] for t in town],
            "latitude": lat.round(4),
            "longitude": lon.round(4),
            "geo_precision": precision,
            "source": "conflictmap illustrative sample (synthetic)"
            if illustrative
            else "Synthetic",
            "source_scale": "Other",
            "notes": notes,
            "fatalities": fatalities,
            "tags": "",
            "timestamp": 1_700_000_000 + days * 60,
        },
        columns=ACLED_COLUMNS,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2018-01-01")
    parser.add_argument("--end", default="2018-12-31")
    parser.add_argument("--not-illustrative", action="store_true")
    args = parser.parse_args()
    frame = generate(args.n, args.seed, args.start, args.end, not args.not_illustrative)
    frame.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
