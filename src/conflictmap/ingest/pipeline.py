"""Import = read -> detect format -> map columns -> validate -> geocode -> store.

Each step is a pure function elsewhere; this module strings them together and keeps
the report. ``check_bytes`` stores nothing (``conflictmap validate`` and the upload
preview); ``import_bytes`` stores the good rows as one batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from conflictmap.errors import InputError
from conflictmap.factions import load_factions
from conflictmap.gazetteer import load_gazetteer
from conflictmap.i18n import N_
from conflictmap.i18n.catalogue import msg
from conflictmap.ingest.columns import to_incident_columns
from conflictmap.ingest.cutoff import cut_off_row
from conflictmap.ingest.detect import (
    ACLED,
    ACLED_LEGACY,
    SHEET,
    detect_format,
    unknown_sheet_columns,
)
from conflictmap.ingest.formats import (
    Table,
    digest_file,
    fast_file_table,
    file_ends,
    probe_file,
    read_table,
)
from conflictmap.ingest.geocode import HELD, REVIEW_COLUMNS, geocode
from conflictmap.ingest.issues import ERROR, REJECTED_LINE, REJECTED_PROBLEM, WARNING, Report
from conflictmap.ingest.validate import validate
from conflictmap.linkage import linker
from conflictmap.rows import keep_rows, take_rows
from conflictmap.schema import NAMES
from conflictmap.settings import Settings
from conflictmap.store import BatchInfo
from conflictmap.store.plan import STEP_INDEXES, STEP_LINKS, STEP_WRITE, stored_rows

Progress = Callable[[float, str], None]


class Follower(Protocol):
    """What follows a batch into the store (the workspace's map index): told the rows once
    the store has staged them (work it starts runs beside the transaction's write; not
    told when nothing was staged), then once the batch has landed with the rows it added
    or updated (none when it changed nothing)."""

    def prepare(self, rows: pd.DataFrame) -> None: ...

    def __call__(self, rows: pd.DataFrame) -> None: ...


def quiet(_fraction: float, _message: str) -> None:
    pass


def check_bytes(
    data: bytes,
    name: str,
    settings: Settings | None = None,
    progress: Progress = quiet,
    store=None,
) -> tuple[Report, pd.DataFrame]:
    """Validate and geocode without storing: the report and the rows that would land
    (with ``store``, names its rows taught are placed first, as the import will). A
    ``bytearray`` (``read_limited``'s) is emptied once read: a large file's bytes are not
    held through the rest of the import."""
    settings = settings or Settings()
    _refuse_larger(name, len(data), settings)
    report = Report(file=name)
    report.sha256 = hashlib.sha256(data).hexdigest()
    progress(0.05, msg("Reading {name}", name=name))
    table, gazetteer = _beside_gazetteer(
        lambda: read_table(data, settings.max_rows, settings.max_file_bytes), settings
    )
    ended = _ends_in_newline(data)
    if isinstance(data, bytearray):
        data.clear()
    return _checked(table, ended, report, gazetteer, progress, store)


def check_file(
    path: Path,
    settings: Settings | None = None,
    progress: Progress = quiet,
    store=None,
) -> tuple[Report, pd.DataFrame]:
    """``check_bytes`` of a file, which pyarrow reads a block at a time: a file in the
    common form (see ``formats.fast_file_table``) is never held whole in memory; any
    other is read whole and read carefully."""
    settings = settings or Settings()
    path = Path(path)
    size = _size_of(path)
    _refuse_larger(path.name, size, settings)
    progress(0.05, msg("Reading {name}", name=path.name))
    ends = file_ends(path)
    with ThreadPoolExecutor(2) as beside:  # while pyarrow parses (off the interpreter)
        probed = beside.submit(probe_file, path)  # the line counts
        places = beside.submit(load_gazetteer, settings)
        table = fast_file_table(path, ends, settings.max_rows, probed.result)
        if table is None:
            data = read_limited(path, settings)
            digest = beside.submit(lambda: hashlib.sha256(data).hexdigest())
            table = read_table(data, settings.max_rows, settings.max_file_bytes)
        else:  # beside the checks, which leave a core free
            digest = beside.submit(digest_file, path, ends)
        report = Report(file=path.name)
        gazetteer = places.result()
        report, good = _checked(
            table, _ends_in_newline(ends.tail), report, gazetteer, progress, store
        )
        report.sha256 = digest.result()
    return report, good


def _beside_gazetteer(read, settings: Settings):
    """``read()`` and the gazetteer, which loads while the file is parsed (its work area
    is the checks' too)."""
    with ThreadPoolExecutor(1) as beside:
        places = beside.submit(load_gazetteer, settings)
        table = read()
        return table, places.result()


def _refuse_larger(name: str, size: int, settings: Settings) -> None:
    limit = settings.max_file_bytes
    if size > limit:
        raise InputError(
            msg(
                (
                    "{name} is {size} MB; the limit is {limit} MB (setting "
                    "CONFLICTMAP_MAX_FILE_MB). Split the file or raise the limit."
                ),
                name=name,
                size=f"{size / 2**20:,.0f}",
                limit=f"{limit / 2**20:,.0f}",
            )
        )


def _checked(
    table: Table, ended: bool, report: Report, gazetteer, progress, store
) -> tuple[Report, pd.DataFrame]:
    """The checks of a file read into ``table`` (``ended``: its last line ends)."""
    report.encoding = table.encoding
    original = table.frame  # mostly the same columns as raw: kept for the rejected rows
    if found := cut_off_row(table.frame, ended):
        cut, sure = found
        if sure:  # not imported: its missing columns are unknown
            table.notes.append(cut)
            table.frame = table.frame.iloc[:-1]
        else:
            table.warnings.append(cut)
    for line, column, value, message, *values in table.notes:
        severity = WARNING if line == 1 else ERROR
        report.add(line, column, value, message, severity, **(values[0] if values else {}))
    for line, column, value, message, *values in table.warnings:  # rows still read
        report.add(line, column, value, message, WARNING, **(values[0] if values else {}))
    header = [c for c in table.frame.columns if c != "__line"]
    report.format = detect_format(header)
    if report.format == SHEET:
        for column in unknown_sheet_columns(header):
            report.add(
                1,
                column,
                column,
                N_("Column '{name}' is not one conflictmap knows; it was ignored."),
                WARNING,
                name=column,
            )
    raw = to_incident_columns(table.frame, report.format)
    report.rows_read = len(raw) + sum(1 for n in table.notes if n[0] > 1)
    del table
    if report.rows_read == 0:
        report.add(
            1, "", "", "The file has a header but no incident rows: nothing to import.", WARNING
        )
    progress(0.25, msg("Checking {count} rows", count=f"{len(raw):,}"))
    typed = validate(raw, gazetteer.region, report)
    del raw
    progress(0.5, "Geocoding place names")
    bad, review = geocode(typed, gazetteer, report, store.learned_places if store else None)
    good = keep_rows(typed, ~bad)
    report.pending = pending_rows(typed, review)
    held = report.pending.loc[report.pending["state"] == HELD, "line"]
    report.rejected_rows = rejected_rows(original, pd.concat([good["__line"], held]), report)
    good = good.drop(columns="__line")
    report.imported, report.held = len(good), len(held)
    report.rejected = report.rows_read - report.imported - report.held
    return report, good


def _ends_in_newline(data: bytes) -> bool:
    """Does the last line end (spaces and tabs after its break aside)? Read from the end,
    never copying the file (``rstrip`` would copy all of it)."""
    end = len(data)
    while end:
        tail = bytes(data[max(0, end - 4096) : end]).rstrip(b" \t")
        if tail:
            return tail.endswith(b"\n")
        end -= 4096
    return False


PENDING_COLUMNS = ["line", *REVIEW_COLUMNS, "incident_id", "record"]


def pending_rows(typed: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """The rows to look at, as the store keeps them: a held row whole (``record``, its
    stored form as JSON), an imported one by its id."""
    if review.empty:
        return pd.DataFrame(columns=PENDING_COLUMNS)
    rows = typed.loc[review.index]
    out = review.assign(line=rows["__line"].astype(int), incident_id=rows["incident_id"])
    out["record"] = None
    held = out["state"] == HELD
    if held.any():
        records = [
            json.dumps(dict(zip(NAMES, values, strict=True)), default=_plain, ensure_ascii=False)
            for chunk in stored_rows(rows.loc[held, list(NAMES)])
            for values in chunk
        ]
        out.loc[held, "record"] = records
    return out[PENDING_COLUMNS].reset_index(drop=True)


def _plain(value):
    """A NumPy number as JSON writes it."""
    return value.item() if hasattr(value, "item") else str(value)


def rejected_rows(original: pd.DataFrame, kept_lines: pd.Series, report: Report) -> pd.DataFrame:
    """The file's rows that will not land nor wait for their place, with their original
    columns, line and problems (to fix and import again); rows the reader could not split
    into columns carry their line and problem only."""
    problems: dict[int, list[str]] = {}
    for issue in report.errors:
        if issue.line > 1:
            problems.setdefault(issue.line, []).append(issue.message)
    out = take_rows(original, np.flatnonzero(~original["__line"].isin(kept_lines).to_numpy()))
    out = out.drop(columns=[c for c in (REJECTED_LINE, REJECTED_PROBLEM) if c in out.columns])
    unread = sorted(set(problems) - set(out["__line"].tolist()) - set(kept_lines.tolist()))
    if unread:
        out = pd.concat([out, pd.DataFrame({"__line": unread})], ignore_index=True)
    out = out.sort_values("__line", kind="stable").reset_index(drop=True)
    lines = out.pop("__line").astype(int)
    out = out.fillna("")
    out.insert(
        0, REJECTED_PROBLEM, [" | ".join(problems.get(n, ["(not imported)"])) for n in lines]
    )
    out.insert(0, REJECTED_LINE, lines.to_numpy())
    return out


def import_bytes(
    data: bytes,
    name: str,
    store,
    settings: Settings | None = None,
    user: str = "",
    progress: Progress = quiet,
    link: bool = True,
    stored: Follower | None = None,
) -> Report:
    """Check, then store the good rows as one batch (all or nothing), linking them to other
    datasets' reports of the same events (see ``link``) unless ``link`` is False;
    ``stored``, a ``Follower``, follows the batch."""
    settings = settings or Settings()
    report, good = check_bytes(data, name, settings, progress, store)
    return _store(report, good, store, settings, user, progress, link, stored)


def import_file(
    path: Path,
    store,
    settings: Settings | None = None,
    user: str = "",
    progress: Progress = quiet,
    link: bool = True,
    stored: Follower | None = None,
) -> Report:
    """``import_bytes`` of a file read by ``check_file``."""
    settings = settings or Settings()
    report, good = check_file(Path(path), settings, progress, store)
    return _store(report, good, store, settings, user, progress, link, stored)


def _steps(progress: Progress, good: pd.DataFrame, stored: Follower | None):
    """The steps of the batch's transaction, said as they start (see
    ``SqlStore.add_batch``; at a million rows each takes seconds). As the write starts,
    ``stored`` prepares its rows beside it (C, off the interpreter), not beside the
    staging, where the fingerprinting needs the interpreter."""

    def told(step: str, rows: int) -> None:
        if step == STEP_WRITE:
            progress(
                0.98,
                msg(
                    "Writing {total} incidents into the store in one transaction",
                    total=f"{rows:,}",
                ),
            )
            if stored is not None:
                stored.prepare(good)
        elif step == STEP_INDEXES:
            progress(0.985, msg("Building the store's indexes again, once for the whole batch"))
        elif step == STEP_LINKS:
            progress(0.99, msg("Linking the batch to the reports of other datasets"))

    return told


def _store(report: Report, good, store, settings, user, progress, link, stored) -> Report:
    """The checked rows stored as one batch (see ``import_bytes``)."""
    if len(good) or report.held:
        progress(0.8, msg("Storing {count} incidents", count=f"{len(good):,}"))
        info = BatchInfo(
            report.file,
            report.sha256,
            report.format,
            report.rows_read,
            report.rejected,
            user,
        )
        joiner = linker(load_factions(settings.factions_file)) if link else None

        def written(done: int, total: int) -> None:
            progress(
                0.8 + 0.18 * done / total,
                msg("Stored {done} of {total} incidents", done=f"{done:,}", total=f"{total:,}"),
            )

        steps = _steps(progress, good, stored)
        outcome = store.add_batch(good, info, joiner, written, pending=report.pending, steps=steps)
        report.batch_id, report.duplicate_of = outcome.batch_id, outcome.duplicate_of
        report.linked = outcome.linked
        report.added, report.updated = outcome.added, outcome.updated
        report.unchanged = outcome.unchanged
        report.vanished = _vanished(store, good) if report.format in (ACLED, ACLED_LEGACY) else []
        if stored is not None and outcome.batch_id is not None:
            stored(good if outcome.added + outcome.updated else good.iloc[:0])
    report.stored = True
    progress(1.0, report.summary())
    return report


def _vanished(store, good: pd.DataFrame) -> list[str]:
    """ACLED events the store holds for this export's countries and dates that it lacks."""
    if store.count() == len(good):  # the store holds this export and nothing else
        return []
    countries = sorted(c for c in good["country"].dropna().unique() if c)
    if not countries:
        return []
    first, last = good["event_date"].min(), good["event_date"].max()
    held = store.scope_ids("acled", countries, f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}")
    return sorted(held - set(good["incident_id"]))


def _size_of(path: Path) -> int:
    """A file's size, or a clear error for a path that cannot be read or is a folder."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(
            msg(
                ("Cannot read {path}: {strerror}. Check the path."),
                path=path,
                strerror=exc.strerror,
            )
        ) from None
    if path.is_dir():
        raise InputError(msg("{path} is a folder; give a CSV file.", path=path))
    return size


def read_limited(path: Path, settings: Settings) -> bytearray:
    """A file's bytes, refusing (before reading) one larger than the limit; a
    ``bytearray``, which ``check_bytes`` empties once it has read it."""
    size = _size_of(path)
    _refuse_larger(path.name, size, settings)
    data = bytearray(size)
    with path.open("rb") as handle:
        got = handle.readinto(data)
        rest = handle.read()  # a file that grew since its size was read
    del data[got:]
    return data + rest if rest else data


def validate_file(path: Path, settings: Settings | None = None) -> Report:
    return check_file(Path(path), settings or Settings())[0]


def import_files(
    paths,
    store,
    settings: Settings | None = None,
    user: str = "",
    progress: Progress = quiet,
    link: bool = True,
    stored: Follower | None = None,
) -> list[Report]:
    """Import each file as its own batch; a file that cannot be used stops nothing else."""
    settings = settings or Settings()
    return [import_file(p, store, settings, user, progress, link, stored) for p in paths]
