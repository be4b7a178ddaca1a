"""The todo.txt format (github.com/todotxt/todo.txt): one task per line.

    x 2026-03-10 2026-03-01 Call the plumber +home @phone due:2026-03-12 pri:A
    (B) 2026-03-01 Write the report +work @office

`x` marks a done task and is followed by the completion date, then the creation date; `(A)` is
high, `(B)` medium, `(C)` low (and `(D)`-`(Z)` low); a done task keeps its priority as `pri:A`,
as several todo.txt clients do. The first `+project` is the project (later ones stay in the title);
every `@context` is a tag; `due:YYYY-MM-DD` the due date. Dates are local calendar days.

What is not kept: the description (todo.txt has one line per task), times of day, and the exact
updated_at; a project's spaces become `_`; title words that start with `+` or `@` become a project
or tags when read back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TextIO

from tui_tasks.domain import Priority
from tui_tasks.services.formats import TOO_LONG, Bad, Item, TaskRecord, local_midnight, shown
from tui_tasks.services.formats.lines import Lines

_PRIORITY = re.compile(r"\(([A-Z])\)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LETTERS = {Priority.HIGH: "A", Priority.MEDIUM: "B", Priority.LOW: "C"}


def _priority(letter: str) -> Priority:
    return {"A": Priority.HIGH, "B": Priority.MEDIUM}.get(letter, Priority.LOW)


def _date(token: str, what: str) -> date:
    try:
        return date.fromisoformat(token)
    except ValueError:
        raise ValueError(f"{what} must be a date YYYY-MM-DD, not {shown(token)}") from None


def parse_line(line: str) -> Item:
    tokens = line.split()
    completed = bool(tokens) and tokens[0] == "x"
    at = 1 if completed else 0
    priority = Priority.NONE
    done_on = created_on = None
    try:
        if not completed and at < len(tokens) and _PRIORITY.fullmatch(tokens[at]):
            priority = _priority(tokens[at][1])
            at += 1
        dates = 2 if completed else 1
        while dates and at < len(tokens) and _DATE.fullmatch(tokens[at]):
            if completed and done_on is None:
                done_on = _date(tokens[at], "the completion date")
            else:
                created_on = _date(tokens[at], "the creation date")
            at += 1
            dates -= 1
        words: list[str] = []
        project: str | None = None
        tags: list[str] = []
        due = None
        for token in tokens[at:]:
            if token.startswith("+") and len(token) > 1 and project is None:
                project = token[1:]
            elif token.startswith("@") and len(token) > 1:
                tags.append(token[1:])
            elif token.startswith("due:") and len(token) > 4:
                due = _date(token[4:], "due")
            elif token.startswith("pri:") and len(token) == 5 and "A" <= token[4] <= "Z":
                priority = _priority(token[4])
            else:
                words.append(token)
        created = None if created_on is None else local_midnight(created_on)
        done = None if done_on is None else local_midnight(done_on)
    except ValueError as exc:
        return Bad(str(exc))
    return TaskRecord(
        title=" ".join(words), completed=completed, completed_at=done, priority=priority, due=due,
        project=project, tags=tuple(tags), created_at=created, updated_at=done or created,
    )  # fmt: skip


def read(stream: TextIO) -> Iterator[tuple[int, Item]]:
    for number, line in Lines(stream):
        if line is None:
            yield number, Bad(TOO_LONG)
        elif line.strip():
            yield number, parse_line(line)


def format_line(r: TaskRecord) -> str:
    parts: list[str] = []
    if r.completed:
        parts.append("x")
        if r.completed_at is not None:
            parts.append(r.completed_at.astimezone().date().isoformat())
    elif r.priority in LETTERS:
        parts.append(f"({LETTERS[r.priority]})")
    if r.created_at is not None:
        parts.append(r.created_at.astimezone().date().isoformat())
    parts.append(r.title)
    if r.project:
        parts.append("+" + "_".join(r.project.split()))
    parts += [f"@{tag}" for tag in r.tags]
    if r.due is not None:
        parts.append(f"due:{r.due.isoformat()}")
    if r.completed and r.priority in LETTERS:
        parts.append(f"pri:{LETTERS[r.priority]}")
    return " ".join(parts)


def write(records: Iterable[TaskRecord], out: TextIO) -> None:
    for record in records:
        out.write(format_line(record))
        out.write("\n")
