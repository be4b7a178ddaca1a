"""The filter language evaluated in Python over a `TaskView`: the same rule as its SQL (services/task_queries).

The list narrows the rows it holds with it while typing (domain.search_accepts), and the tests use it as the
oracle the SQL must agree with. Text ignores ASCII case as SQLite's LIKE does (PostgreSQL's ILIKE also folds
other letters: there the SQL may list more, never less).
"""

from __future__ import annotations

from datetime import date, datetime

from tui_tasks.domain import TaskFilter, TaskQuery, TaskView, due_day, local_date, wait_moment
from tui_tasks.filter_language import ParsedFilter, Term, parse_filter

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def is_overdue(task: TaskView, now: datetime) -> bool:
    """Open, and past its due: an instant before now, or a day before today (as task_queries.overdue)."""
    if task.completed or task.due is None:
        return False
    if isinstance(task.due, datetime):
        return task.due < now
    return task.due < local_date(now)


def is_waiting(task: TaskView, now: datetime) -> bool:
    """Open, and its wait (an instant, or a day's start) has not come."""
    return not task.completed and task.wait is not None and wait_moment(task.wait) > now


def _text(task: TaskView, word: str) -> bool:
    folded = ascii_lower(word)
    if any(folded in ascii_lower(text) for text in (task.title, task.description, task.project or "")):
        return True
    return any(word.lower() in tag for tag in task.tags)


def _due(task: TaskView, op: str, day: date | None, now: datetime) -> bool:
    if op == "none":
        return task.due is None
    if op == "overdue":
        return is_overdue(task, now)
    if task.due is None:
        return False
    mine = due_day(task.due)
    return {"on": mine == day, "before": mine < day, "until": mine <= day, "after": mine > day, "from": mine >= day}[op]


def term_accepts(term: Term, task: TaskView, now: datetime) -> bool:
    """Whether `task` meets `term` (its "-" included)."""
    match term.kind:
        case "text":
            held = _text(task, term.value)
        case "tag":
            held = any(tag.startswith(term.value) for tag in task.tags)
        case "project":
            held = (task.project is None if term.value is None
                    else task.project is not None and ascii_lower(task.project) == ascii_lower(term.value))  # fmt: skip
        case "priority":
            held = task.priority == term.value
        case "due":
            held = _due(task, *term.value, now)
        case _:  # is:
            held = {
                "done": lambda: task.completed,
                "pending": lambda: not task.completed and not is_waiting(task, now),
                "waiting": lambda: is_waiting(task, now),
                "blocked": lambda: task.blocked,
                "recurring": lambda: task.recurrence is not None,
            }[term.value]()
    return held != term.negated


def filter_accepts(parsed: ParsedFilter, task: TaskView, now: datetime) -> bool:
    """Whether `task` meets every term."""
    return all(term_accepts(term, task, now) for term in parsed.terms)


def query_accepts(query: TaskQuery, task: TaskView, now: datetime) -> bool:
    """Whether the list of `query` shows `task`: its fixed filter, project, tag and search text together.
    A waiting task is shown by the WAITING filter, or when the search asks for it (is:waiting)."""
    parsed = parse_filter(query.search.strip(), now)
    waiting = is_waiting(task, now)
    if waiting and not parsed.shows_waiting and query.filter is not TaskFilter.WAITING:
        return False
    match query.filter:
        case TaskFilter.PENDING:
            base = not task.completed
        case TaskFilter.DONE:
            base = task.completed
        case TaskFilter.OVERDUE:
            base = is_overdue(task, now)
        case TaskFilter.TODAY:
            base = not task.completed and task.due is not None and due_day(task.due) == local_date(now)
        case TaskFilter.WAITING:
            base = waiting
        case _:
            base = True
    if query.project is not None and task.project != query.project:
        return False
    if query.tag is not None and query.tag.strip().lstrip("#").lower() not in task.tags:
        return False
    return base and filter_accepts(parsed, task, now)
