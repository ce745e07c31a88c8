"""The validation report: every problem found, with the record, column and value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import pandas as pd

from conflictmap.csvfile import csv_bytes
from conflictmap.i18n import ENGLISH, N_, Wording

ERROR, WARNING = N_("error"), N_("warning")
COLUMNS = (N_("line"), N_("column"), N_("value"), N_("message"), N_("severity"))
REJECTED_LINE, REJECTED_PROBLEM = "conflictmap_line", "conflictmap_problem"
GROUP_COLUMNS = (
    N_("severity"),
    N_("rows"),
    N_("message"),
    N_("lines"),
    N_("column"),
    N_("example"),
)
FORMAT_NAMES = {  # detect.detect_format's codes in plain words
    "acled": N_("ACLED export"),
    "acled-legacy": N_("ACLED export (layout before 2023)"),
    "ucdp-ged": N_("UCDP GED"),
    "ucdp-ged-candidate": N_("UCDP Candidate GED"),
    "sheet": N_("analyst's sheet"),
    "conflictmap": N_("conflictmap export"),
    "places": N_("rows placed by an analyst"),
}


FRAMES = ("rejected_rows", "pending")  # a report's tables, not part of its JSON


@dataclass(frozen=True)
class Issue:
    """One problem. ``line`` counts records as a spreadsheet shows them (header = 1).

    An issue is data: ``code`` is its sentence as a template (the catalogue's key, with
    ``{placeholders}``) and ``params`` the values put in it; ``message`` is that sentence
    in English. Other languages render ``code`` with ``params`` (``render``), so no
    translation depends on reading the English back."""

    line: int
    column: str
    value: str
    message: str
    severity: str = ERROR
    code: str = ""
    params: tuple = ()

    def render(self, w: Wording = ENGLISH) -> str:
        if w.lang == "en":
            return self.message
        return w.issue(self.code or self.message, dict(self.params), self.message)


@dataclass
class Report:
    """What an import (or a dry-run validation) found and did."""

    file: str
    format: str = ""
    encoding: str = ""
    sha256: str = ""  # of the file's bytes (a batch is known by it)
    rows_read: int = 0
    imported: int = 0
    rejected: int = 0
    issues: list[Issue] = field(default_factory=list)
    stored: bool = False
    batch_id: int | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_of: int | None = None
    linked: int = 0
    vanished: list[str] = field(default_factory=list)
    rejected_rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    held: int = 0  # rows kept aside until an analyst chooses their place
    pending: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def add(
        self,
        line: int,
        column: str,
        value: object,
        message: str,
        /,
        severity: str = ERROR,
        **params,
    ):
        """An issue; with ``params``, ``message`` is a template (see ``Issue``)."""
        text = message.format(**params) if params else message
        shown = tuple(sorted((k, str(v)) for k, v in params.items()))
        self.issues.append(Issue(int(line), column, _shown(value), text, severity, message, shown))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def rejected_lines(self) -> set[int]:
        return {i.line for i in self.issues if i.severity == ERROR and i.line > 1}

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in FRAMES}
        data["issues"] = [
            asdict(i) | {"params": dict(i.params)} for i in sorted(self.issues, key=issue_order)
        ]
        return data

    def rejected_csv(self) -> bytes:
        """The rejected rows as the file had them, with their line and problems first, to
        fix and import again (the two added columns are ignored on import)."""
        rows = self.rejected_rows if self.rejected_rows is not None else pd.DataFrame()
        return csv_bytes(rows)

    def to_frame(self, w: Wording = ENGLISH) -> pd.DataFrame:
        """One row per issue, sorted by line; in Arabic (``w``) the messages, the
        severities and the headings are Arabic, the values as the file has them."""
        ordered = sorted(self.issues, key=issue_order)
        rows = [asdict(i) | {"message": i.render(w)} for i in ordered]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        if w.lang == "en":
            return frame
        frame["severity"] = frame["severity"].map(w)
        return frame.rename(columns={c: w(c) for c in COLUMNS})

    def groups(self, w: Wording = ENGLISH, severities: tuple[str, ...] = (ERROR, WARNING)):
        """The issues grouped by message: one row per distinct message and severity, with
        how many rows it concerns and the first of their lines; errors first, then the
        most frequent. The 4,000 identical warnings of a world export are one row."""
        chosen = [i for i in self.issues if i.severity in severities]
        heads = [w(c) for c in GROUP_COLUMNS]
        if not chosen:
            return pd.DataFrame(columns=heads)
        frame = pd.DataFrame([asdict(i) | {"said": i.render(w)} for i in chosen])
        grouped = frame.groupby(["severity", "message"], sort=False).agg(
            said=("said", "first"),
            rows=("line", "size"),
            lines=("line", lambda s: _first_lines(sorted(set(s)))),
            column=("column", lambda s: ", ".join(sorted({c for c in s if c})[:3])),
            example=("value", "first"),
        )
        grouped = grouped.reset_index()
        grouped["order"] = grouped["severity"] != ERROR
        grouped = grouped.sort_values(["order", "rows"], ascending=[True, False], kind="stable")
        grouped["message"] = grouped["said"]
        grouped["severity"] = grouped["severity"].map(w)
        grouped["rows"] = grouped["rows"].map("{:,}".format)
        out = grouped[list(GROUP_COLUMNS)].reset_index(drop=True)
        out.columns = heads
        return out

    def to_csv(self, w: Wording = ENGLISH) -> bytes:
        """The issues as a CSV an analyst opens in Excel (UTF-8 with BOM)."""
        return csv_bytes(self.to_frame(w), bom=True)

    def summary(self, w: Wording = ENGLISH) -> str:
        """What was read and done, in sentences (in the language of ``w``)."""
        counts = {
            "file": self.file,
            "format": w(FORMAT_NAMES.get(self.format, self.format)) or w("unknown format"),
            "read": f"{self.rows_read:,}",
            "count": f"{self.imported:,}",
            "rejected": f"{self.rejected:,}",
        }
        if self.stored:
            text = w(
                "{file} ({format}): {read} rows read, {count} imported, {rejected} rejected",
                **counts,
            )
        else:
            text = w(
                "{file} ({format}): {read} rows read, {count} to import, {rejected} rejected",
                **counts,
            )
        warnings = len(self.issues) - len(self.errors)
        text += (w(", {count} warning(s)", count=f"{warnings:,}") if warnings else "") + "."
        if self.duplicate_of is not None:
            said = w(
                "This file was already imported as batch {batch}: nothing changed.",
                batch=self.duplicate_of,
            )
            return f"{text} {said}"
        if self.stored and self.batch_id is not None:
            text += " " + w(
                "Batch {batch}: {added} added, {updated} updated, {unchanged} unchanged.",
                batch=self.batch_id,
                added=f"{self.added:,}",
                updated=f"{self.updated:,}",
                unchanged=f"{self.unchanged:,}",
            )
            if self.linked:
                text += " " + w(
                    "{count} linked to another dataset's report of the same event "
                    "(`conflictmap split ID` undoes a wrong link).",
                    count=self.linked,
                )
        if self.held and self.stored:
            text += " " + w(
                "{count} row(s) wait for their place, kept with the batch: choose it under "
                "Places to check (`conflictmap places pending`).",
                count=f"{self.held:,}",
            )
        elif self.held:
            text += " " + w(
                "{count} row(s) will wait for their place: the import keeps them aside until "
                "you choose it under Places to check.",
                count=f"{self.held:,}",
            )
        if self.vanished:
            text += " " + w(
                "{count} incident(s) of this dataset, countries and dates are in the store "
                "but not in this file (listed in the report; kept).",
                count=len(self.vanished),
            )
        return text


def _first_lines(lines: list[int], most: int = 5) -> str:
    shown = ", ".join(f"{n:,}" for n in lines[:most])
    return shown + (f", … (+{len(lines) - most:,})" if len(lines) > most else "")


def issue_order(issue: Issue) -> tuple:
    """Issues as reports list them: by line, errors first within a line."""
    return (issue.line, issue.severity != ERROR, issue.column)


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."
