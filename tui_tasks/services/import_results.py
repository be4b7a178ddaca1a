"""What an import reports: its progress while it runs, what it did, and the records that stopped it.

Part of the transfer API (`tui_tasks.services.transfer`); no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_tasks.services.formats import TransferError

READ_SHARE = 0.6  # of an import's time, what reading and checking take (the rest is writing)


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that was not imported: where it is in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import is: first `stage` "reading" (records read so far, bytes of the file read out of
    its size; 0 for a pipe), then "writing" (rows written out of those to write)."""

    records: int
    bytes_read: int
    bytes_total: int
    stage: str = "reading"
    written: int = 0
    to_write: int = 0

    @property
    def fraction(self) -> float:
        """Of the whole import: reading counts for READ_SHARE, writing for the rest."""
        if self.stage == "writing":
            return READ_SHARE + (1 - READ_SHARE) * (self.written / self.to_write if self.to_write else 1.0)
        return READ_SHARE * (min(1.0, self.bytes_read / self.bytes_total) if self.bytes_total else 0.0)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did. Records are merged by uuid: one whose uuid the user has updates that task (or
    series) when its updated_at (Taskwarrior's modified) is newer, and is `unchanged` if not; one without
    a uuid, or with a new one, is `added`. `problems` lists the first transfer.PROBLEMS_KEPT of `invalid`
    records skipped; `notes` the first of `dropped` links (a parent, dependency or series found nowhere, a
    cycle)."""

    format: str
    invalid: int
    ignored: int  # deleted Taskwarrior tasks
    problems: tuple[Problem, ...]
    seconds: float
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    dropped: int = 0
    notes: tuple[str, ...] = ()

    @property
    def imported(self) -> int:
        """Records written: added or updated."""
        return self.added + self.updated

    @property
    def skipped(self) -> int:
        return self.invalid + self.ignored

    @property
    def summary(self) -> str:
        """One line for people: "added 3, updated 1, unchanged 0, skipped 2 (2 invalid), 1 link dropped"."""
        text = f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}"
        why = [f"{self.invalid} invalid"] if self.invalid else []
        why += [f"{self.ignored} deleted"] if self.ignored else []
        if self.skipped:
            text += f", skipped {self.skipped} ({', '.join(why)})"
        if self.dropped:
            text += f", {self.dropped} link{'s' if self.dropped != 1 else ''} dropped"
        return text


class InvalidRecords(TransferError):
    """Some records are invalid, so nothing was imported; `problems` says which and why."""

    def __init__(self, invalid: int, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"nothing imported: {invalid} invalid record{'s' if invalid != 1 else ''}")
        self.invalid = invalid
        self.problems = problems