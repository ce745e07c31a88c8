"""Fuzz the import entry point: `python bench/fuzz.py [--count 10000] [--seed 1]`.

Each generated file is a mutation of a real or messy sample (tests/data): bytes flipped,
cut, repeated or inserted; delimiters, quotes, newlines, NULs, BOMs, Arabic text,
formulas, huge numbers and odd dates dropped in; or plain random bytes. Every file goes
through `check_bytes` (read, detect, validate, geocode). Anything raised that is not one
of conflictmap's own errors is a failure, printed with the file's number so that
`--seed S --only N` reproduces it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from conflictmap.errors import ConflictmapError  # noqa: E402
from conflictmap.ingest.pipeline import check_bytes  # noqa: E402
from conflictmap.settings import Settings  # noqa: E402

PIECES = [
    b",",
    b";",
    b"\t",
    b'"',
    b'""',
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    "البوكمال".encode(),
    "٣٤٫٥".encode(),
    "قوات النظام".encode(),
    b'=HYPERLINK("http://x")',
    b"<script>alert(1)</script>",
    b"1e308",
    b"-0",
    b"NaN",
    b"9" * 40,
    b"2020-02-30",
    b"31/12/1899",
    b"0,0",
    b"#",
    b"PK\x03\x04",
    b"\x89PNG",
    "\u202e".encode(),
]


def samples() -> list[bytes]:
    files = sorted((ROOT / "tests" / "data").glob("*.csv"))
    files += sorted((ROOT / "tests" / "data" / "bad").glob("*.csv"))
    return [p.read_bytes() for p in files]


def mutate(rng: random.Random, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[at:at] = rng.choice(PIECES)
        elif op == 2:
            del data[at : at + rng.randint(1, 40)]
        elif op == 3:
            data = data[:at]
        elif op == 4 and data:
            start = rng.randrange(len(data))
            data[at:at] = data[start : start + rng.randint(1, 200)] * rng.randint(1, 5)
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
    return bytes(data)


def generate(rng: random.Random, bases: list[bytes]) -> bytes:
    if rng.random() < 0.1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    return mutate(rng, rng.choice(bases))


def fuzz(count: int, seed: int, only: int | None = None, settings: Settings | None = None):
    """(files run, failures as (number, error text)). File n uses Random(f"{seed}-{n}")."""
    settings = settings or Settings()
    bases = samples()
    failures = []
    numbers = [only] if only is not None else range(count)
    for number in numbers:
        data = generate(random.Random(f"{seed}-{number}"), bases)
        try:
            check_bytes(data, f"fuzz-{number}.csv", settings)
        except ConflictmapError:
            pass
        except Exception:
            failures.append((number, traceback.format_exc(limit=4)))
    return len(numbers), failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, help="run file number N only (to reproduce)")
    args = parser.parse_args()
    started = time.perf_counter()
    done, failures = fuzz(args.count, args.seed, args.only)
    seconds = time.perf_counter() - started
    for number, text in failures[:20]:
        print(f"--- file {number} (--seed {args.seed} --only {number})\n{text}")
    print(
        f"| files | seed | unexpected exceptions | seconds |\n|---:|---:|---:|---:|\n"
        f"| {done:,} | {args.seed} | {len(failures)} | {seconds:.0f} |"
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
