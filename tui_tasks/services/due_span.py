"""Spans of dues as SQL: "due on these local days", for timed and floating dues at once.

A timed due is an instant, inside the span if it falls in [t0, t1); a floating one (a day without a time,
stored as 23:59:59 UTC of that day: relations.stored_due) if it falls in [f0, f1), the same days' wall
clock written as UTC. The two ranges differ by the zone's offset, so most of a span is inside both (any
due there is in, whatever its kind) and only the edges need `due_has_time`, which the index over
(user_id, completed, due, id) does not hold: counts read the row only for dues near an edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from tui_tasks.db.tables import Task
from tui_tasks.services.relations import floating

YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone.utc)
FOREVER = datetime.max.replace(tzinfo=timezone.utc)


def day_start(day: date) -> datetime:
    """The first instant (UTC) of the local `day`; at the ends of the calendar, the end there is."""
    try:
        return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)
    except (OverflowError, ValueError, OSError):
        return YEAR_ONE if day.year == 1 else FOREVER


def _max(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two lower bounds (None: no bound, the earliest)."""
    return b if a is None else a if b is None else max(a, b)


def _min(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two upper bounds (None: no bound, the latest)."""
    return b if a is None else a if b is None else min(a, b)


def _between(lo: datetime | None, hi: datetime | None) -> list[ColumnElement[bool]]:
    due = col(Task.due)
    return [c for c in ((due >= lo) if lo is not None else None, (due < hi) if hi is not None else None) if c is not None]


@dataclass(frozen=True, slots=True)
class DueSpan:
    """Timed dues in [t0, t1), floating ones in [f0, f1); None: no bound that way."""

    t0: datetime | None
    t1: datetime | None
    f0: datetime | None
    f1: datetime | None

    @classmethod
    def days(cls, first: date, last: date | None, *, not_before: datetime | None = None) -> DueSpan:
        """Due on a local day from `first` through `last` (None: no end); `not_before` leaves out
        instants before it (today's section: those are overdue)."""
        after = None if last is None or last == date.max else last + timedelta(days=1)
        t0 = day_start(first) if not_before is None else max(day_start(first), not_before)
        return cls(t0, None if after is None else day_start(after), floating(first), None if after is None else floating(after))

    @classmethod
    def before(cls, now: datetime, today: date) -> DueSpan:
        """Past due: an instant before now, or a day before today (task_queries.overdue)."""
        return cls(None, now, None, floating(today))

    def condition(self) -> ColumnElement[bool]:
        """The SQL test, bounded first by one range of `due` (the wider of the two) for the index."""
        timed = col(Task.due_has_time)
        outer = _between(None if self.t0 is None or self.f0 is None else min(self.t0, self.f0),
                         None if self.t1 is None or self.f1 is None else max(self.t1, self.f1))  # fmt: skip
        return and_(*outer, or_(and_(timed, *_between(self.t0, self.t1)), and_(~timed, *_between(self.f0, self.f1))))

    def count_parts(self) -> list[ColumnElement[bool]]:
        """Disjoint conditions whose counts add up to the span's: the range inside both kinds' ranges
        (read from the index alone), and the edges, where the kind decides."""
        lo, hi = _max(self.t0, self.f0), _min(self.t1, self.f1)
        if lo is not None and hi is not None and lo >= hi:
            return [self.condition()]
        parts = [and_(*_between(lo, hi)) if (lo, hi) != (None, None) else col(Task.due).is_not(None)]
        outer_lo = None if self.t0 is None or self.f0 is None else min(self.t0, self.f0)
        outer_hi = None if self.t1 is None or self.f1 is None else max(self.t1, self.f1)
        if lo is not None and outer_lo != lo:
            parts.append(and_(*_between(outer_lo, lo), self.condition()))
        if hi is not None and outer_hi != hi:
            parts.append(and_(*_between(hi, outer_hi), self.condition()))
        return parts


def no_due() -> ColumnElement[bool]:
    """The "No date" section's test."""
    return col(Task.due).is_(None)
