"""What a batch brings to the store, in the forms the store writes and compares.

An incoming incident whose id the store does not hold is *added*. One it holds with the
same content (the same fingerprint, ``row_hashes``) is *unchanged*. One whose content
differs is *updated*, unless both rows carry the source's change time (ACLED's
``timestamp``) and the incoming one is older: then the newer row in the store wins and
the incoming one counts as unchanged. The store applies that rule in SQL, joining the
batch's staged rows (``stored_table``) to its own (``base.PLAN_SQL``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from conflictmap.rows import keep_rows
from conflictmap.schema import BY_NAME, DATE, FLOAT, INT, NAMES

ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"


@dataclass
class Outcome:
    """What storing a batch did (or, for a duplicate file, did not do)."""

    batch_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_of: int | None = None  # the batch that already brought these same bytes
    linked: int = 0  # rows linked to another dataset's report of the same event
    vanished: list[str] = field(default_factory=list)


CHUNK = 50_000  # rows turned into Python values at a time: memory stays flat
HASH_ROWS = 65_536  # rows fingerprinted at a time (a text column's distinct values are copied)


def stored_rows(frame: pd.DataFrame, size: int = CHUNK) -> Iterator[list[tuple]]:
    """The rows in their stored form (ISO date strings, None for missing, plain Python
    values), a chunk at a time, so a million rows never exist as Python objects at once."""
    for first in range(0, len(frame), size):
        part = frame.iloc[first : first + size]
        columns = [
            (
                part[name].dt.strftime("%Y-%m-%d")
                if pd.api.types.is_datetime64_any_dtype(part[name])
                else part[name]
            ).to_numpy(dtype=object, na_value=None)
            for name in part.columns
        ]
        yield list(zip(*columns, strict=True))


def row_hashes(frame: pd.DataFrame) -> pd.Series:
    """A content fingerprint per row: every column but the id, as the text of its stored
    form (ISO dates), hashed. Stable across runs and versions: stores compare it with the
    hash they hold (a test pins it to its first definition). Columnar: each column's
    distinct values are turned into text and hashed once (a million rows: about 2 s), a
    chunk of rows at a time (a row's hash is its own: memory stays that of a chunk)."""
    out = np.empty(len(frame), dtype="int64")
    for first in range(0, len(frame), HASH_ROWS):
        part = frame.iloc[first : first + HASH_ROWS]
        text = {name: _as_text(part[name]) for name in NAMES if name != "incident_id"}
        hashes = pd.util.hash_pandas_object(pd.DataFrame(text, index=part.index), index=False)
        out[first : first + len(part)] = hashes.to_numpy().astype("int64")
    return pd.Series(out, index=frame.index)


def _as_text(column: pd.Series):
    """The column as text for hashing: text columns as they are, others as categories of
    their distinct values' text (pandas hashes a category as it hashes its value)."""
    if pd.api.types.is_string_dtype(column) and not pd.api.types.is_object_dtype(column):
        return column
    codes, uniques = pd.factorize(column)
    if pd.api.types.is_datetime64_any_dtype(column):  # numpy's ISO days, as strftime's
        words = np.datetime_as_string(uniques.to_numpy().astype("datetime64[D]"), unit="D")
    else:
        words = [str(value) for value in uniques.tolist()]
    return pd.Categorical.from_codes(codes, categories=pd.Index(words, dtype=object))


STORED = [*NAMES, "row_hash"]  # the staged columns (the batch's id is set in SQL)
_ARROW = {INT: pa.int64(), FLOAT: pa.float64()}


def stored_table(rows: pd.DataFrame, text_dates: bool) -> pa.Table:
    """The rows as the store keeps them, as one Arrow table (no Python value per cell):
    dates as ISO text (``text_dates``, SQLite) or as dates, numbers as int64/float64,
    missing values null. ``rows`` has the model's columns and ``row_hash``."""
    arrays = []
    for name in STORED:
        kind = BY_NAME[name].kind if name in BY_NAME else INT
        column = rows[name]
        if kind == DATE:
            array = pa.array(pd.to_datetime(column).astype("datetime64[s]")).cast(pa.date32())
            array = array.cast(pa.string()) if text_dates else array
        elif kind in _ARROW:
            array = pa.array(column.astype("float64" if kind == FLOAT else "Int64"))
            array = array.cast(_ARROW[kind])
        else:  # the text's own Arrow buffers, not a copy
            array = pa.chunked_array(column.astype("str").array.__arrow_array__())
            array = array.cast(pa.large_string())
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=STORED)


# the steps of a batch's transaction that ``SqlStore.add_batch`` tells as they start
STEP_WRITE, STEP_INDEXES, STEP_LINKS = "write", "indexes", "links"
STAGE_ROWS = 65_536  # rows per Arrow batch a driver writes (and progress is told)


def stream(table: pa.Table, progress=None) -> pa.RecordBatchReader:
    """``table`` as a stream of batches, telling ``progress(done, total)`` after each."""
    return _told(table.schema, table.to_batches(max_chunksize=STAGE_ROWS), table.num_rows, progress)


def _told(schema: pa.Schema, batches, total: int, progress) -> pa.RecordBatchReader:
    """``batches`` as a reader, telling ``progress(done, total)`` every ``STAGE_ROWS`` rows
    or so and at the end (a chunk of text can be a few thousand rows: a million rows
    are told some fifteen times, not five hundred)."""

    def told():
        done, tell = 0, STAGE_ROWS
        for batch in batches:
            yield batch
            done += batch.num_rows
            if progress and (done >= tell or done == total):
                progress(done, total)
                tell = done + STAGE_ROWS

    return pa.RecordBatchReader.from_batches(schema, told())


STAGE_WRITERS = 2  # drivers staging a batch at once (``write_split``): one per core


def write_split(rows: pa.RecordBatchReader, writers: list[Callable]) -> list[tuple[int, int]]:
    """``rows`` written by all the ``writers`` at once, each on a thread of its own and
    given every ``len(writers)``-th batch (a writer takes a reader and writes it in C,
    without Python's lock: two of them stage a batch on two cores). This thread reads
    ``rows``, so the progress it tells is told here (a page's own thread), and hands each
    batch on; one batch at most waits for each writer. Returns, batch by batch in the
    order of ``rows``, which writer wrote it and how many rows it held. The first
    writer's error is raised once they all stopped."""
    waiting = [queue.Queue(maxsize=1) for _ in writers]

    def fed(batches: queue.Queue):
        while (batch := batches.get()) is not None:
            yield batch

    with ThreadPoolExecutor(len(writers)) as pool:
        running = [
            pool.submit(write, pa.RecordBatchReader.from_batches(rows.schema, fed(batches)))
            for write, batches in zip(writers, waiting, strict=True)
        ]
        handed = []
        try:
            for number, batch in enumerate(rows):
                turn = number % len(writers)
                _hand(waiting[turn], batch, running[turn])
                handed.append((turn, batch.num_rows))
        finally:
            for batches, writer in zip(waiting, running, strict=True):
                _hand(batches, None, writer)
        for writer in running:
            writer.result()
    return handed


def _hand(batches: queue.Queue, batch, writer: Future) -> None:
    """Put ``batch`` in ``writer``'s queue, unless the writer stopped (its error is raised
    where ``write_split`` collects them)."""
    while not writer.done():
        try:
            batches.put(batch, timeout=0.05)
            return
        except queue.Full:
            continue
    if batch is not None:
        writer.result()  # raises what stopped it


class Stored:
    """A batch's rows in their stored form with their fingerprints (``stored_table`` of
    ``row_hashes``), made a chunk at a time by a thread of its own while the store stages
    the chunks already made: fingerprinting (Python) and a driver's bulk write (C, which
    lets Python run) overlap on two cores. ``stream`` reads the chunks as they come, and
    again from the start when read again; ``table`` is all of them, once made. Once a
    reader reads them for the last time, the maker stays at most ``AHEAD`` rows ahead of
    it (a driver slower than the fingerprinting would otherwise let a third of the batch
    pile up)."""

    AHEAD = STAGE_ROWS

    def __init__(self, rows: pd.DataFrame, text_dates: bool):
        self.total = len(rows)
        self.schema = stored_table(rows.iloc[:0].assign(row_hash=0), text_dates).schema
        self._made: list[pa.RecordBatch] = []
        self._held = 0  # rows made and not yet let go by a last reader
        self._draining = False  # a last reader is reading
        self._done = self._stopped = False
        self._error: BaseException | None = None
        self._ready = threading.Condition()
        self._maker = threading.Thread(target=self._make, args=(rows, text_dates), daemon=True)
        self._maker.start()

    def _make(self, rows: pd.DataFrame, text_dates: bool) -> None:
        try:
            for first in range(0, len(rows), STAGE_ROWS):
                with self._ready:
                    while self._draining and self._held >= self.AHEAD and not self._stopped:
                        self._ready.wait()
                if self._stopped:
                    return
                part = rows.iloc[first : first + STAGE_ROWS]
                table = stored_table(part.assign(row_hash=row_hashes(part)), text_dates)
                with self._ready:
                    self._made.extend(table.to_batches())
                    self._held += table.num_rows
                    self._ready.notify_all()
        except BaseException as exc:  # told to whoever reads next (``_batches``)
            self._error = exc
        finally:
            with self._ready:
                self._done = True
                self._ready.notify_all()

    def _batches(self, last: bool = False) -> Iterator[pa.RecordBatch]:
        taken = 0
        if last:
            with self._ready:
                self._draining = True
        while True:
            with self._ready:
                while not self._done and len(self._made) == taken:
                    self._ready.wait()
                self.failed()
                if taken == len(self._made):
                    return
                batch = self._made[taken]
                if batch is None:
                    raise RuntimeError("the batch's chunks were read for the last time")
                if last:
                    self._made[taken] = None
                    self._held -= batch.num_rows
                    self._ready.notify_all()  # the maker may go on
            taken += 1
            yield batch

    def stream(self, progress=None, keys: bool = False, last: bool = False) -> pa.RecordBatchReader:
        """The chunks (``keys``: only what comparing needs, see ``keys_of``); ``last``:
        read for the last time, each chunk let go once the reader has it (a batch's
        memory is then its frame's and a chunk's)."""
        if not keys:
            return _told(self.schema, self._batches(last), self.total, progress)

        def compared():
            first = 0
            for batch in self._batches():
                yield keys_of(batch, first)
                first += batch.num_rows

        return _told(keys_of(self.schema.empty_table(), 0).schema, compared(), self.total, progress)

    def table(self) -> pa.Table:
        return pa.Table.from_batches(list(self._batches()), self.schema)

    def failed(self) -> None:
        """Raise what stopped the making, if anything did."""
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """No more chunks are needed (the batch was stored, or failed)."""
        with self._ready:
            self._stopped = True
            self._ready.notify_all()


def keys_of(rows, first: int):
    """What comparing a batch needs of its stored rows (a table or a record batch whose
    first row is the batch's ``first``): ids, fingerprints, change times, positions."""
    keys = rows.select(["incident_id", "row_hash", "timestamp"])
    positions = pa.array(range(first, first + rows.num_rows), pa.int64())
    return keys.append_column("position", positions)


def actions(rows: pd.DataFrame, changes: pd.DataFrame, added: int, updated: int) -> pd.Series:
    """ADDED/UPDATED/UNCHANGED per batch row, from the batch's recorded ``changes``
    (incident_id, action); ``changes`` is only read when the counts leave a doubt."""
    if added == len(rows):
        return pd.Series(ADDED, index=rows.index)
    if added + updated == 0:
        return pd.Series(UNCHANGED, index=rows.index)
    action = rows["incident_id"].map(changes.set_index("incident_id")["action"])
    return action.fillna(UNCHANGED)


def changed_rows(rows: pd.DataFrame, action: pd.Series) -> pd.DataFrame:
    """The rows a batch writes (all of them, without a copy, on a first import; none,
    without a copy either, on an unchanged re-import)."""
    return keep_rows(rows, (action != UNCHANGED).to_numpy())


def vanished(existing_scope: pd.DataFrame, incoming_ids: set[str]) -> list[str]:
    """Ids of the store's rows from the same dataset, countries and dates as a full export
    that the export no longer holds (listed for the analyst, never deleted silently)."""
    return sorted(set(existing_scope["incident_id"]) - incoming_ids)
