"""The todo.txt format (github.com/todotxt/todo.txt): one task per line.

    x 2026-03-10 2026-03-01 Call the plumber +home @phone due:2026-03-12 pri:A
    (B) 2026-03-01 Write the report +work @office

`x` marks a done task and is followed by the completion date, then the creation date; `(A)` is
high, `(B)` medium, `(C)` low (and `(D)`-`(Z)` low); a done task keeps its priority as `pri:A`,
as several todo.txt clients do. The first `+project` is the project (later ones stay in the title);
every `@context` is a tag; `due:2026-03-12` the due day, `due:2026-03-12T17:00` a due with its local
time (an offset such as `+01:00` follows when the clock shows that time twice); `t:` the threshold
(our wait), written the same way; `rec:1w` repeats a week after it is done, `rec:+1w` a week after
its due (d, w, m, y; `rec:1b` every weekday), as the rec extension of Simpletask and topydo has it;
`uuid:` keeps it the same task when the file is imported again. Dates are local calendar days.

What is not kept: the description and annotations (todo.txt has one line per task), subtasks,
dependencies, a rule rec: cannot say (last Friday of the month), the exact created and updated
times; a project's spaces become `_`; title words that start with `+` or `@` become a project or
tags when read back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from typing import TextIO

from tui_tasks.domain import Due, Priority, Recurrence
from tui_tasks.services.formats import TOO_LONG, Bad, Item, SeriesRecord, TaskRecord, local_midnight, parse_uuid, shown
from tui_tasks.services.formats.lines import Lines

_PRIORITY = re.compile(r"\(([A-Z])\)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LETTERS = {Priority.HIGH: "A", Priority.MEDIUM: "B", Priority.LOW: "C"}
_REC = re.compile(r"(\+?)(\d{1,3})([dwmyb])")
REC_UNITS = {"d": ("DAILY", "d"), "w": ("WEEKLY", "w"), "m": ("MONTHLY", "mo"), "y": ("YEARLY", "y")}


def _when(token: str, what: str) -> Due:
    """A day, or a day and a local time (or a time with its offset)."""
    if len(token) == 10:
        return _date(token, what)
    try:
        moment = datetime.fromisoformat(token)
    except ValueError:
        raise ValueError(f"{what} must be a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {shown(token)}") from None
    from tui_tasks.dates import localize

    return (moment if moment.utcoffset() is not None else localize(moment)).astimezone(timezone.utc)


def when_token(value: Due) -> str:
    if not isinstance(value, datetime):
        return value.isoformat()
    from tui_tasks.dates import localize

    local = value.astimezone()
    text = f"{local:%Y-%m-%dT%H:%M}" + (f":{local.second:02}" if local.second else "")
    naive = local.replace(tzinfo=None)
    if localize(naive).utcoffset() != localize(naive.replace(fold=1)).utcoffset():  # the hour DST repeats
        text += local.isoformat()[-6:]
    return text


def _rec(token: str) -> Recurrence:
    found = _REC.fullmatch(token)
    if found is None:
        raise ValueError(f"rec must be such as 1w or +2m (d, w, m, y or b), not {shown(token)}")
    strict, count, unit = found.groups()
    from tui_tasks.recurrence import from_taskwarrior

    if unit == "b":
        if count != "1":
            raise ValueError("rec: in business days can only be 1b (every weekday)")
        rule = from_taskwarrior("weekdays").rule
    else:
        rule = from_taskwarrior(f"{int(count)}{REC_UNITS[unit][1]}").rule
    return Recurrence(rule, after_completion=not strict)


def rec_token(rec: Recurrence) -> str | None:
    """rec: for a rule it can say (a period, or every weekday), else None."""
    parts = dict(part.split("=", 1) for part in rec.rule.split(";") if "=" in part)
    strict = "" if rec.after_completion else "+"
    if parts.get("BYDAY") == "MO,TU,WE,TH,FR" and set(parts) == {"FREQ", "INTERVAL", "BYDAY"} and parts["INTERVAL"] == "1":
        return f"{strict}1b"
    units = {freq: unit for unit, (freq, _) in REC_UNITS.items()}
    if set(parts) <= {"FREQ", "INTERVAL"} and parts.get("FREQ") in units:
        return f"{strict}{parts.get('INTERVAL', '1')}{units[parts['FREQ']]}"
    return None


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
        due = wait = recurrence = uuid = None
        for token in tokens[at:]:
            if token.startswith("+") and len(token) > 1 and project is None:
                project = token[1:]
            elif token.startswith("@") and len(token) > 1:
                tags.append(token[1:])
            elif token.startswith("due:") and len(token) > 4:
                due = _when(token[4:], "due")
            elif token.startswith("t:") and len(token) > 2:
                wait = _when(token[2:], "t")
            elif token.startswith("rec:") and len(token) > 4:
                recurrence = _rec(token[4:])
            elif token.startswith("uuid:") and len(token) > 5:
                uuid = parse_uuid(token[5:])
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
        project=project, tags=tuple(tags), created_at=created, updated_at=done or created, uuid=uuid, wait=wait,
        recurrence=recurrence,
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
        parts.append(f"due:{when_token(r.due)}")
    if r.wait is not None:
        parts.append(f"t:{when_token(r.wait)}")
    if r.recurrence is not None and (rec := rec_token(r.recurrence)):
        parts.append(f"rec:{rec}")
    if r.completed and r.priority in LETTERS:
        parts.append(f"pri:{LETTERS[r.priority]}")
    if r.uuid:
        parts.append(f"uuid:{r.uuid}")
    return " ".join(parts)


def write(records: Iterable[TaskRecord | SeriesRecord], out: TextIO) -> None:
    for record in records:
        if isinstance(record, SeriesRecord):
            continue  # its instances carry its rule
        out.write(format_line(record))
        out.write("\n")
