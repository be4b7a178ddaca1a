"""The WHERE and ORDER BY of task lists: filters, search and sorts, every one scoped to the user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Numeric, and_, case, cast, column, exists, func, literal, or_, table
from sqlmodel import Session, col, select

from tui_tasks.db.tables import Task, TaskDependency, TaskTag
from tui_tasks.domain import URGENCY_AGE, URGENCY_BLOCKED, URGENCY_BLOCKING, URGENCY_DUE, URGENCY_PRIORITY, URGENCY_WAITING, SortField, TaskFilter, TaskQuery, UserView, day_bounds, local_date, search_words

SORT_COLUMNS = {
    SortField.CREATED: col(Task.created_at),
    SortField.UPDATED: col(Task.updated_at),
    SortField.DUE: col(Task.due),
    SortField.PRIORITY: col(Task.priority),
    SortField.TITLE: col(Task.title),
}


def urgency_now(now: datetime) -> datetime:
    """The moment urgency is computed at: the hour, so that the pages of one list agree on it."""
    return now.replace(minute=0, second=0, microsecond=0)


def urgency_sql(now: datetime, dialect: str) -> ColumnElement[float]:
    """domain.urgency as SQL: the sort of "next". Read whole (no index orders by it); rounded as there."""
    due, created, wait = col(Task.due), col(Task.created_at), col(Task.wait)
    moment = literal(now, Task.__table__.c.created_at.type)
    if dialect == "sqlite":
        days = func.julianday(due) - func.julianday(moment)
        age = func.julianday(moment) - func.julianday(created)
        at_most = func.min
    else:
        days = func.extract("epoch", due - moment) / 86400.0
        age = func.extract("epoch", moment - created) / 86400.0
        at_most = func.least
    due_part = case(
        (due.is_(None), 0.0), (days <= -7, URGENCY_DUE), (days >= 14, URGENCY_DUE * 0.2),
        else_=URGENCY_DUE * (0.2 + 0.8 * (14 - days) / 21),
    )  # fmt: skip
    priority = case(*((col(Task.priority) == int(p), points) for p, points in URGENCY_PRIORITY.items() if points), else_=0.0)
    age_part = case((age > 0, URGENCY_AGE * at_most(age / 365.0, 1.0)), else_=0.0)
    blocker, blocked = Task.__table__.alias("ublocker"), Task.__table__.alias("ublocked")
    blocks = exists().where(TaskDependency.blocker_id == Task.id, TaskDependency.task_id == blocked.c.id,
                            blocked.c.completed.is_(False))  # fmt: skip
    is_blocked = exists().where(TaskDependency.task_id == Task.id, TaskDependency.blocker_id == blocker.c.id,
                                blocker.c.completed.is_(False))  # fmt: skip
    total = (due_part + priority + age_part + case((blocks, URGENCY_BLOCKING), else_=0.0)
             + case((is_blocked, URGENCY_BLOCKED), else_=0.0)
             + case((and_(wait.is_not(None), wait > moment), URGENCY_WAITING), else_=0.0))  # fmt: skip
    score = case((col(Task.completed), 0.0), else_=total)
    return func.round(cast(score, Numeric(12, 6)) if dialect != "sqlite" else score, 4).label("urgency")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tagged_like(user: UserView, pattern: str) -> ColumnElement[bool]:
    """The user's tasks with a tag LIKE `pattern`: one list of ids from one range of the (user_id, tag,
    task_id) index, not a lookup per task."""
    tagged = select(TaskTag.task_id).where(TaskTag.user_id == user.id, col(TaskTag.tag).like(pattern, escape="\\"))
    return col(Task.id).in_(tagged)


RARE = 2000  # a word in fewer tasks than this is looked up in the text index (in more, a scan finds a page soon)
TEXT_INDEX = table("task_text", column("rowid"), column("body"))


def rarest_word(session: Session, search: str) -> str | None:
    """The search word (of 3 characters or more) that the fewest tasks hold, if fewer than RARE, from
    the text index: a few index lookups each. A common word is better served by the plain query, which
    walks the list in order and stops at a page of matches, than by sorting thousands of candidates.
    `%` and `_` would be wildcards there (the index cannot take an ESCAPE): such words are not looked up."""
    best: tuple[int, str] | None = None
    for is_tag, word in search_words(search):
        if is_tag or len(word) < 3 or "%" in word or "_" in word:
            continue
        held = select(literal(1)).select_from(TEXT_INDEX).where(TEXT_INDEX.c.body.like(f"%{word}%")).limit(RARE)
        n = session.exec(select(func.count()).select_from(held.subquery())).one()
        if n < RARE and (best is None or n < best[0]):
            best = (n, word)
    return best[1] if best else None


def task_conditions(
    user: UserView, query: TaskQuery, now: datetime, dialect: str = "sqlite", rare: str | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE clause of a list or count: the user's tasks that match the query's filter and search.

    SQLite's LIKE already ignores ASCII case; its ILIKE is lower(x) LIKE lower(y), twice the work.
    `rare`, a search word, is also looked up in the text index: only its candidates (a superset: the
    index ignores case beyond ASCII too) are tested in their text, and the planner reads them by id.
    """
    done, due, wait = col(Task.completed), col(Task.due), col(Task.wait)
    conditions: list[ColumnElement[bool]] = [col(Task.user_id) == user.id]
    showing = or_(wait.is_(None), wait <= now, done.is_(True))  # a waiting task is hidden until its wait
    match query.filter:
        case TaskFilter.ALL:
            conditions.append(showing)
        case TaskFilter.PENDING:
            conditions += [done.is_(False), or_(wait.is_(None), wait <= now)]
        case TaskFilter.DONE:
            conditions.append(done.is_(True))
        case TaskFilter.OVERDUE:
            conditions += [done.is_(False), due < now, or_(wait.is_(None), wait <= now)]
        case TaskFilter.TODAY:
            start, end = day_bounds(local_date(now))
            conditions += [done.is_(False), due >= start, due <= end, or_(wait.is_(None), wait <= now)]
        case TaskFilter.WAITING:
            conditions += [done.is_(False), wait > now]
    if query.project is not None:
        conditions.append(col(Task.project) == query.project)
    if query.tag is not None:
        tag = query.tag.strip().lstrip("#").lower()
        conditions.append(col(Task.id).in_(select(TaskTag.task_id).where(TaskTag.user_id == user.id, TaskTag.tag == tag)))
    for word in query.search.split():
        if word.startswith("#") and len(word) > 1:  # "#wor" searches tags only, by prefix
            prefix = f"{_escape_like(word[1:].lower())}%"
            conditions.append(_tagged_like(user, prefix))
            continue
        pattern = f"%{_escape_like(word)}%"
        matches = (lambda c: c.like(pattern, escape="\\")) if dialect == "sqlite" else (lambda c: c.ilike(pattern, escape="\\"))
        in_text = or_(matches(col(Task.title)), matches(col(Task.description)), matches(col(Task.project)))
        if word == rare:  # only the index's candidates can match in their text
            in_text = and_(col(Task.id).in_(select(TEXT_INDEX.c.rowid).where(TEXT_INDEX.c.body.like(f"%{word}%"))), in_text)
        conditions.append(or_(in_text, _tagged_like(user, pattern.lower())))
    return conditions
