"""Quality and speed of drafting incidents from reports: `python bench/extract.py`.

First, on the 36 real published reports of ../shared/data/reports (coded by hand, read
from there, never copied here): precision and recall of incidents (a drafted incident is
a coded one at the same place, within 10 km, and within a day), and over the matched
ones the share with the right date, groups of both sides, event type and death toll, by
language. Then precision and recall per field on our own reports in tests/data/reports
(plus the seed article when ../shared/seed is present), and the time to draft a report
of about 2,000 words.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from conflictmap.extract import extract, load_lexicon  # noqa: E402
from conflictmap.extract.evaluate import (  # noqa: E402
    real_table,
    score_folder,
    score_real_folder,
    table,
)
from conflictmap.factions import load_factions  # noqa: E402
from conflictmap.gazetteer import load_gazetteer  # noqa: E402
from conflictmap.settings import Settings  # noqa: E402

REPORTS = ROOT / "tests" / "data" / "reports"
REAL = ROOT.parent / "shared" / "data" / "reports"


def main() -> None:
    settings = Settings()
    tools = (
        load_gazetteer(settings),
        load_factions(settings.factions_file),
        load_lexicon(settings.lexicon_file),
    )
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, {dt.date.today()}")
    print()
    if (REAL / "expected.json").exists():
        print("Real reports (../shared/data/reports):")
        print(real_table(score_real_folder(REAL, *tools)))
        print()
    print("Our own reports (tests/data/reports):")
    print(table(score_folder(REPORTS, *tools, seed=ROOT.parent / "shared" / "seed")))
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    text = "\n".join(texts)
    while len(text.split()) < 2000:
        text += "\n" + "\n".join(texts)
    extract(text, dt.date(2020, 1, 1), *tools)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        found = extract(text, dt.date(2020, 1, 1), *tools)
        runs.append(time.perf_counter() - started)
    print()
    print(
        f"Drafting a {len(text.split()):,}-word report ({len(found)} incidents): "
        f"best {min(runs) * 1000:.0f} ms, worst {max(runs) * 1000:.0f} ms of 5 runs."
    )


if __name__ == "__main__":
    main()
