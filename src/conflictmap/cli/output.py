"""What the CLI prints: progress on stderr, results on stdout, reports grouped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conflictmap.i18n import ENGLISH, Wording
from conflictmap.ingest.issues import issue_order
from conflictmap.language import wording
from conflictmap.settings import Settings


def progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def emit(data, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)


def report_text(report, w: Wording = ENGLISH, every: bool = False) -> str:
    """The summary, then the issues grouped by message (errors first, with how many rows
    and the first lines), or with ``every`` one line per issue."""
    lines = [report.summary(w)]
    if every:
        line = w("line")
        lines += [
            f"  {line} {i.line}, {i.column or '-'} = {i.value!r}: {i.render(w)} [{w(i.severity)}]"
            for i in sorted(report.issues, key=issue_order)
        ]
        return "\n".join(lines)
    for severity, rows, message, at, column, example in report.groups(w).itertuples(index=False):
        where = f"{w('lines')} {at}" + (f", {column} = {example!r}" if column else "")
        lines.append(f"  [{severity}] {rows} × {message} ({where})")
    return "\n".join(lines)


def write_rejected(report, path: str | None) -> None:
    if path and report.rejected:
        Path(path).write_bytes(report.rejected_csv())
        progress(1.0, f"Wrote the {report.rejected:,} rejected rows to {path}")


def words_of(args, settings: Settings) -> Wording:
    return wording(getattr(args, "lang", "en") or "en", settings)
