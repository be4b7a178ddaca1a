"""The agenda (pending tasks by when they are due) and the month (tasks due per day), read in SQL.

A task is in the agenda if it is pending and not waiting (the list's "pending" filter). Dues are stored as
`relations.stored_due` says: an instant for a due with a time, shown on its local day; a day without a time
"floating", the same calendar day in every zone. Every condition here bounds `due` by one range (the wider
of the two kinds' limits), so each section is one range of `ix_task_user_completed_due`.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlmodel import Session, col

from tui_tasks.agenda_model import AgendaSection, AgendaView, agenda_days
from tui_tasks.db.engine import Database
from tui_tasks.db.tables import Task
from tui_tasks.domain import TaskView, UserView, local_date, utcnow
from tui_tasks.errors import ValidationError
from tui_tasks.services.due_span import DueSpan, no_due
from tui_tasks.services.relations import floating
from tui_tasks.services.task_queries import not_waiting
from tui_tasks.services.tasks import task_views

LIMIT_MAX = 1000  # tasks read for one section or day, whatever is asked
DAY_LIMIT = 500
SLOT_S = 15 * 60  # every UTC offset in use is a whole number of these
EPOCH_SHIFT = 62_135_596_800  # seconds from 0001-01-01 to 1970-01-01: keeps slot numbers >= 0 (SQLite's / truncates)
YEAR_ONE = datetime(1, 1, 1, tzinfo=timezone.utc)


def due_on_days(first: date, last: date | None, *, not_before: datetime | None = None) -> ColumnElement[bool]:
    """Due on a local day from `first` through `last` (None: no end): see DueSpan.days."""
    return DueSpan.days(first, last, not_before=not_before).condition()


def _order(one_day: bool) -> tuple:
    """By due, then priority (highest first), then id: the index gives (due, id), equal dues are sorted.
    Within one day the tasks with a time come first, by time, then the day's floating ones: a day without
    a time is the end of that day (domain.due_moment), wherever UTC puts 23:59:59 in this zone."""
    # `+ 0`: no index orders by it. Else SQLite may walk ix_task_user_priority for "No date" to skip
    # the sort, reading every task of the user when few have no date; the due index reads only those.
    by_due = (col(Task.due), (col(Task.priority) + 0).desc(), col(Task.id))
    return (col(Task.due_has_time).desc(), *by_due) if one_day else by_due


class Agenda:
    """The logged-in user's agenda, month counts and day lists."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def _pending(self, user: UserView, now: datetime) -> list[ColumnElement[bool]]:
        return [col(Task.user_id) == user.id, col(Task.completed).is_(False), not_waiting(now)]

    def agenda(self, user: UserView, *, limit_per_section: int = 200) -> AgendaView:
        """Pending tasks in sections: Overdue, Today, Tomorrow, each other day left in this week (by name),
        Later, No date. Each holds at most `limit_per_section` tasks and counts all of its own."""
        limit = _limit(limit_per_section, "limit_per_section")
        now = self.clock()
        today = local_date(now)
        days = agenda_days(today)
        plan: list[tuple[str, str, date | None, date | None, DueSpan | None]] = [
            ("overdue", "Overdue", None, None, DueSpan.before(now, today))
        ]
        for key, title, day in days:
            plan.append((key, title, day, day, DueSpan.days(day, day, not_before=now if key == "today" else None)))
        if days[-1][2] < date.max:
            after = days[-1][2] + timedelta(days=1)
            plan.append(("later", "Later", after, None, DueSpan.days(after, None)))
        plan.append(("none", "No date", None, None, None))  # None: no due
        with self.db.session() as session:
            totals = self._totals(session, user, now, [span for *_, span in plan])
            found: list[list[Task]] = []
            for (_key, _title, first, last, span), total in zip(plan, totals):
                cond = no_due() if span is None else span.condition()
                one_day = first is not None and first == last
                found.append(self._rows(session, [*self._pending(user, now), cond], limit, one_day) if total and limit else [])
            views = iter(task_views(session, [row for rows in found for row in rows]))
            sections = tuple(
                AgendaSection(key, title, first, last, tuple(next(views) for _ in rows), total)
                for (key, title, first, last, _), rows, total in zip(plan, found, totals)
            )
        return AgendaView(now, today, sections)

    def month(self, user: UserView, year: int, month: int) -> dict[date, int]:
        """How many pending, not waiting tasks are due on each day of the month (local days; days
        without any are left out)."""
        first, last = _month(year, month)
        now = self.clock()
        timed = col(Task.due_has_time)
        slot = self._slot(col(Task.due))
        with self.db.session() as session:
            rows = session.exec(
                select(timed, slot, func.count())
                .where(*self._pending(user, now), due_on_days(first, last))
                .group_by(timed, slot)
            ).all()
        counts: Counter[date] = Counter()
        for has_time, key, n in rows:
            moment = YEAR_ONE + timedelta(seconds=int(key) * SLOT_S)
            day = local_date(moment) if has_time else moment.date()
            if first <= day <= last:
                counts[day] += n
        return dict(sorted(counts.items()))

    def day(self, user: UserView, day: date, *, limit: int = DAY_LIMIT) -> list[TaskView]:
        """The pending, not waiting tasks due on the local `day` (at most `limit`), in agenda order."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValidationError("day", "A day is a calendar date")
        limit = _limit(limit, "limit")
        with self.db.session() as session:
            rows = self._rows(session, [*self._pending(user, self.clock()), due_on_days(day, day)], limit, True)
            return task_views(session, rows)

    def _totals(self, session: Session, user: UserView, now: datetime, spans: list[DueSpan | None]) -> list[int]:
        """Each span's count of pending tasks that are not waiting: all pending ones, counted from the
        index (the row read only near a span's edges), less the waiting ones: a pass over the pending
        rows (reading `wait`) unless an index over (user_id, completed, wait) finds the few waits not over."""
        mine = [col(Task.user_id) == user.id, col(Task.completed).is_(False)]
        parts = [[no_due()] if span is None else span.count_parts() for span in spans]
        flat = [select(func.count()).select_from(Task).where(*mine, part).scalar_subquery() for ps in parts for part in ps]
        counts = iter(session.exec(select(*flat)).one())
        totals = [sum(next(counts) for _ in ps) for ps in parts]
        which = case(*((no_due() if span is None else span.condition(), n) for n, span in enumerate(spans)), else_=-1)
        waiting = (
            select(which.label("section"))
            .where(*mine, col(Task.wait) > min(now, floating(local_date(now))), ~not_waiting(now))
            .subquery()
        )
        for n, held in session.exec(select(waiting.c.section, func.count()).group_by(waiting.c.section)):
            if n >= 0:
                totals[n] -= held
        return totals

    def _rows(self, session: Session, conditions: list, limit: int, one_day: bool) -> list[Task]:
        """The first `limit` tasks matching, in agenda order."""
        return list(session.exec(select(Task).where(*conditions).order_by(*_order(one_day)).limit(limit)).scalars())

    def _slot(self, column) -> ColumnElement[int]:
        """The 15-minute UTC slot of a timestamp, counted from 0001-01-01, as SQL."""
        if self.db.engine.dialect.name == "sqlite":
            return (cast(func.strftime("%s", column), Integer) + EPOCH_SHIFT) // SLOT_S
        return cast(func.floor(func.extract("epoch", column) / SLOT_S), Integer) + EPOCH_SHIFT // SLOT_S


def _limit(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(name, "A limit is a whole number, 0 or more")
    return min(value, LIMIT_MAX)


def _month(year: object, month: object) -> tuple[date, date]:
    """The first and last day of the month; ValidationError for a month the calendar does not have."""
    for value in (year, month):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("month", "A month is a year and a month number")
    if not 1 <= month <= 12:
        raise ValidationError("month", f"There is no month {month}: months are 1 to 12")
    if not 1 <= year <= 9999:
        raise ValidationError("month", f"The year {year} is outside the calendar (1 to 9999)")
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
