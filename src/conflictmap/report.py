"""The validation report: every problem found, with the record, column and value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

ERROR, WARNING = "error", "warning"


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

    def to_frame(self) -> pd.DataFrame:
        rows = [asdict(i) for i in sorted(self.issues, key=_order)]
        return pd.DataFrame(rows, columns=["line", "column", "value", "message", "severity"])

    def to_csv(self) -> bytes:
        """The issues as a CSV an analyst opens in Excel (UTF-8 with BOM)."""
        frame = self.to_frame().map(_defuse) if len(self.issues) else self.to_frame()
        return frame.to_csv(index=False).encode("utf-8-sig")

    def summary(self) -> str:
        verb = "imported" if self.stored else "would import"
        text = (
            f"{self.file}: {self.format or 'unknown format'}, {self.rows_read} rows read, "
            f"{verb} {self.imported}, rejected {self.rejected}"
        )
        warnings = len(self.issues) - len(self.errors)
        text += (f", {warnings} warning(s)" if warnings else "") + "."
        if self.duplicate_of is not None:
            return text + (
                f" This file was already imported as batch {self.duplicate_of}: nothing changed."
            )
        if self.stored and self.batch_id is not None:
            text += (
                f" Batch {self.batch_id}: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged."
            )
            if self.linked:
                text += (
                    f" {self.linked} linked to another dataset's report of the same "
                    "event (`conflictmap split ID` undoes a wrong link)."
                )
        if self.vanished:
            text += (
                f" {len(self.vanished)} incident(s) of this dataset, countries and dates "
                "are in the store but not in this file (listed in the report; kept)."
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
