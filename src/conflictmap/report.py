"""The validation report: every problem found, with the record, column and value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from conflictmap.i18n import ENGLISH, N_, Wording

ERROR, WARNING = N_("error"), N_("warning")
COLUMNS = (N_("line"), N_("column"), N_("value"), N_("message"), N_("severity"))


@dataclass(frozen=True)
class Issue:
    """One problem. ``line`` counts records as a spreadsheet shows them (header = 1)."""

    line: int
    column: str
    value: str
    message: str
    severity: str = ERROR


@dataclass
class Report:
    """What an import (or a dry-run validation) found and did."""

    file: str
    format: str = ""
    encoding: str = ""
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

    def add(self, line: int, column: str, value: object, message: str, severity: str = ERROR):
        self.issues.append(Issue(int(line), column, _shown(value), message, severity))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def rejected_lines(self) -> set[int]:
        return {i.line for i in self.issues if i.severity == ERROR and i.line > 1}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["issues"] = [asdict(i) for i in sorted(self.issues, key=_order)]
        return data

    def to_frame(self, w: Wording = ENGLISH) -> pd.DataFrame:
        """One row per issue, sorted by line; in Arabic (``w``) the messages, the
        severities and the headings are Arabic, the values as the file has them."""
        rows = [asdict(i) for i in sorted(self.issues, key=_order)]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        if w.lang == "en":
            return frame
        frame["message"] = frame["message"].map(w.message)
        frame["severity"] = frame["severity"].map(w)
        return frame.rename(columns={c: w(c) for c in COLUMNS})

    def to_csv(self, w: Wording = ENGLISH) -> bytes:
        """The issues as a CSV an analyst opens in Excel (UTF-8 with BOM)."""
        frame = self.to_frame(w)
        frame = frame.map(_defuse) if len(self.issues) else frame
        return frame.to_csv(index=False).encode("utf-8-sig")

    def summary(self, w: Wording = ENGLISH) -> str:
        """What was read and done, in sentences (in the language of ``w``)."""
        counts = {
            "file": self.file,
            "format": self.format or w("unknown format"),
            "read": self.rows_read,
            "count": self.imported,
            "rejected": self.rejected,
        }
        if self.stored:
            text = w(
                "{file}: {format}, {read} rows read, imported {count}, rejected {rejected}",
                **counts,
            )
        else:
            text = w(
                "{file}: {format}, {read} rows read, would import {count}, rejected {rejected}",
                **counts,
            )
        warnings = len(self.issues) - len(self.errors)
        text += (w(", {count} warning(s)", count=warnings) if warnings else "") + "."
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
                added=self.added,
                updated=self.updated,
                unchanged=self.unchanged,
            )
            if self.linked:
                text += " " + w(
                    "{count} linked to another dataset's report of the same event "
                    "(`conflictmap split ID` undoes a wrong link).",
                    count=self.linked,
                )
        if self.vanished:
            text += " " + w(
                "{count} incident(s) of this dataset, countries and dates are in the store "
                "but not in this file (listed in the report; kept).",
                count=len(self.vanished),
            )
        return text


def _order(issue: Issue) -> tuple:
    return (issue.line, issue.severity != ERROR, issue.column)


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _defuse(value: object) -> object:
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
