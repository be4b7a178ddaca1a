"""Task statistics, computed in SQL: no task is loaded to count it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Integer, cast, func
from sqlmodel import col, select

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import Task, TaskTag
from tui_tasks.domain import DayCount, Priority, TaskCounts, TaskStats, UserView, local_date, utcnow, visible
from tui_tasks.services.task_queries import due_today, overdue

DAYS = 30
TOP = 5
SLOT_S = 15 * 60


class Stats:
    """Counts and charts of the logged-in user's tasks."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def counts(self, user: UserView) -> TaskCounts:
        """Total, done, overdue and due-today counts: each a range of an index, counted without reading a
        row (twice as fast at 100k tasks as one pass that tests every task for each count)."""
        now = self.clock()
        done = col(Task.completed)

        def count(*conditions) -> object:
            return select(func.count()).select_from(Task).where(col(Task.user_id) == user.id, *conditions).scalar_subquery()

        with self.db.session() as session:
            total, n_done, n_overdue, n_today = session.exec(
                select(
                    count(), count(done.is_(True)), count(done.is_(False), overdue(now)), count(done.is_(False), due_today(now))
                )
            ).one()
        return TaskCounts(total, total - n_done, n_done, n_overdue, n_today)

    def _slot(self, column):
        """The 15-minute UTC slot of a timestamp column, as SQL: every UTC offset is a whole number of them."""
        if self.db.engine.dialect.name == "sqlite":
            return cast(func.strftime("%s", column), Integer) // SLOT_S
        return cast(func.floor(func.extract("epoch", column) / SLOT_S), Integer)

    def _per_day(self, session, user: UserView, column, since: datetime, days: list[date], *extra):
        """Counts per local calendar day: SQL counts per slot, Python gives each slot its local date
        (with the offset in force at that moment, so days stay right across a daylight-saving change)."""
        slot = self._slot(column)
        rows = session.exec(
            select(slot, func.count()).where(Task.user_id == user.id, column >= since, *extra).group_by(slot)
        )
        counts: Counter[date] = Counter()
        for key, n in rows:
            counts[datetime.fromtimestamp(int(key) * SLOT_S, timezone.utc).astimezone().date()] += n
        return tuple(DayCount(d, counts[d]) for d in days)

    def summary(self, user: UserView, days: int = DAYS, top: int = TOP) -> TaskStats:
        """Everything on the stats screen: counts, per-day series for `days` days, top projects and tags."""
        now = self.clock()
        today = local_date(now)
        span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
        since = datetime.combine(span[0], time()).astimezone()  # local midnight, whatever the offset then
        counts = self.counts(user)
        with self.db.session() as session:
            done_per_day = self._per_day(
                session, user, col(Task.completed_at), since, span, col(Task.completed).is_(True)
            )
            created_per_day = self._per_day(session, user, col(Task.created_at), since, span)
            by_priority = dict(
                session.exec(
                    select(Task.priority, func.count()).where(Task.user_id == user.id).group_by(Task.priority)
                ).all()
            )
            n = func.count().label("n")
            top_projects = session.exec(
                select(Task.project, n)
                .where(Task.user_id == user.id, col(Task.project).is_not(None))
                .group_by(Task.project)
                .order_by(n.desc(), Task.project)
                .limit(top)
            ).all()
            top_tags = session.exec(
                select(TaskTag.tag, n)
                .where(TaskTag.user_id == user.id)
                .group_by(TaskTag.tag)
                .order_by(n.desc(), TaskTag.tag)
                .limit(top)
            ).all()
        return TaskStats(
            counts=counts,
            done_last_7_days=sum(d.count for d in done_per_day[-7:]),
            done_per_day=done_per_day,
            created_per_day=created_per_day,
            by_priority=tuple((p, by_priority.get(int(p), 0)) for p in sorted(Priority, reverse=True)),
            top_projects=tuple((visible(name), count) for name, count in top_projects),
            top_tags=tuple((visible(name), count) for name, count in top_tags),
        )
