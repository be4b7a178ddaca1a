"""The WHERE and ORDER BY of task lists: filters, search and sorts, every one scoped to the user."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import ColumnElement, Numeric, and_, case, cast, column, exists, false, func, literal, or_, table
from sqlmodel import Session, col, select

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import Task, TaskDependency, TaskSeries, TaskTag
from tui_tasks.filter_language import ParsedFilter, Term, next_day, parse_filter
from tui_tasks.services.relations import floating
from tui_tasks.domain import URGENCY_AGE, URGENCY_BLOCKED, URGENCY_BLOCKING, URGENCY_DUE, URGENCY_PRIORITY, URGENCY_WAITING, END_OF_DAY, SortField, TaskFilter, TaskQuery, UserView, day_bounds, local_date, utcnow

SORT_COLUMNS = {
    SortField.CREATED: col(Task.created_at),
    SortField.UPDATED: col(Task.updated_at),
    SortField.DUE: col(Task.due),
    SortField.PRIORITY: col(Task.priority),
    SortField.TITLE: col(Task.title),
}


# A due or wait with a time is an instant; one without is a day stored "floating" (relations.stored_due):
# compared with the local day's wall clock written as UTC. Each condition also bounds the column by the
# wider of its two limits, so that it stays one range of an index over `due`.


def _today(now: datetime) -> date:
    return local_date(now)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open or not, past its due: an instant before now, or a day before today."""
    due, timed = col(Task.due), col(Task.due_has_time)
    start = floating(_today(now))
    return and_(due < max(now, start), or_(and_(timed, due < now), and_(~timed, due < start)))


def due_today(now: datetime) -> ColumnElement[bool]:
    """Due on the local day: an instant within it, or that day."""
    due, timed = col(Task.due), col(Task.due_has_time)
    day = _today(now)
    first, last = day_bounds(day)
    start, end = floating(day), floating(day, END_OF_DAY)
    return and_(due >= min(first, start), due <= max(last, end),
                or_(and_(timed, due >= first, due <= last), and_(~timed, due >= start, due <= end)))  # fmt: skip


def not_waiting(now: datetime) -> ColumnElement[bool]:
    """No wait, or its instant or day has come."""
    wait, timed = col(Task.wait), col(Task.wait_has_time)
    return or_(wait.is_(None), and_(timed, wait <= now), and_(~timed, wait <= floating(_today(now))))


def urgency_now(now: datetime) -> datetime:
    """The moment urgency is computed at: the hour, so that the pages of one list agree on it."""
    return now.replace(minute=0, second=0, microsecond=0)


def urgency_sql(now: datetime, dialect: str) -> ColumnElement[float]:
    """domain.urgency as SQL: the sort of "next". Read whole (no index orders by it); rounded as there."""
    due, created, timed = col(Task.due), col(Task.created_at), col(Task.due_has_time)
    moment = literal(now, Task.__table__.c.created_at.type)
    wall = literal(now.astimezone().replace(tzinfo=timezone.utc), Task.__table__.c.created_at.type)  # for floating days
    if dialect == "sqlite":
        days = case((timed, func.julianday(due) - func.julianday(moment)), else_=func.julianday(due) - func.julianday(wall))
        age = func.julianday(moment) - func.julianday(created)
        at_most = func.min
    else:
        days = case((timed, func.extract("epoch", due - moment)), else_=func.extract("epoch", due - wall)) / 86400.0
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
             + case((~not_waiting(now), URGENCY_WAITING), else_=0.0))  # fmt: skip
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
    `%` and `_` would be wildcards there (the index cannot take an ESCAPE): such words are not looked up.
    Only words the filter searches as text count (not `project:x`, `-word` or `!high`)."""
    best: tuple[int, str] | None = None
    for word in text_words(parse_filter(search, utcnow())):
        if len(word) < 3 or "%" in word or "_" in word:
            continue
        held = select(literal(1)).select_from(TEXT_INDEX).where(TEXT_INDEX.c.body.like(f"%{word}%")).limit(RARE)
        n = session.exec(select(func.count()).select_from(held.subquery())).one()
        if n < RARE and (best is None or n < best[0]):
            best = (n, word)
    return best[1] if best else None


def text_words(parsed: ParsedFilter) -> list[str]:
    """The words (and quoted phrases) a task must hold in its text: the ones the text index can serve."""
    return [term.value for term in parsed.terms if term.kind == "text" and not term.negated]


def list_conditions(db: Database, session: Session, user: UserView, query: TaskQuery, now: datetime) -> list[ColumnElement[bool]]:
    """`task_conditions` for `db`, with the rarest search word looked up in the text index if it has one:
    what a list, a count and "every task the list shows" select by (`query` already cleaned)."""
    rare = rarest_word(session, query.search) if db.text_index else None
    return task_conditions(user, query, now, db.engine.dialect.name, rare)


def task_conditions(
    user: UserView, query: TaskQuery, now: datetime, dialect: str = "sqlite", rare: str | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE clause of a list or count: the user's tasks that match the query's filter and search.

    The search is the filter language (filter_language): its terms are ANDed to the fixed filter, which
    stays the base; a waiting task stays hidden unless the search asks for it (is:waiting).
    SQLite's LIKE already ignores ASCII case; its ILIKE is lower(x) LIKE lower(y), twice the work.
    `rare`, a search word, is also looked up in the text index: only its candidates (a superset: the
    index ignores case beyond ASCII too) are tested in their text, and the planner reads them by id.
    """
    parsed = parse_filter(query.search, now)
    done = col(Task.completed)
    hide_waiting = not parsed.shows_waiting
    conditions: list[ColumnElement[bool]] = [col(Task.user_id) == user.id]
    match query.filter:
        case TaskFilter.ALL:
            if hide_waiting:
                conditions.append(or_(not_waiting(now), done.is_(True)))  # a waiting task is hidden until its wait
        case TaskFilter.PENDING:
            conditions += [done.is_(False), *([not_waiting(now)] if hide_waiting else [])]
        case TaskFilter.DONE:
            conditions.append(done.is_(True))
        case TaskFilter.OVERDUE:
            conditions += [done.is_(False), overdue(now), *([not_waiting(now)] if hide_waiting else [])]
        case TaskFilter.TODAY:
            conditions += [done.is_(False), due_today(now), *([not_waiting(now)] if hide_waiting else [])]
        case TaskFilter.WAITING:
            conditions += [done.is_(False), ~not_waiting(now)]
    if query.project is not None:
        conditions.append(col(Task.project) == query.project)
    if query.tag is not None:
        tag = query.tag.strip().lstrip("#").lower()
        conditions.append(col(Task.id).in_(select(TaskTag.task_id).where(TaskTag.user_id == user.id, TaskTag.tag == tag)))
    conditions += [term_condition(user, term, now, dialect, rare) for term in parsed.terms]
    return conditions


# --- the filter language's terms -------------------------------------------------------------------
# Each positive condition is TRUE or FALSE, never NULL (a NULL due or project makes it FALSE), so that a
# "-" is its NOT.


def _day_start(day: date) -> tuple[datetime, datetime]:
    """The first instant of the local `day` (for a due with a time) and its floating start (for one without)."""
    return day_bounds(day)[0], floating(day)


def due_before(day: date | None) -> ColumnElement[bool]:
    """Due on a day before `day` (None: after the last day there is, so any due)."""
    due, timed = col(Task.due), col(Task.due_has_time)
    if day is None:
        return due.is_not(None)
    first, start = _day_start(day)
    return and_(due < max(first, start), or_(and_(timed, due < first), and_(~timed, due < start)))


def due_from(day: date | None) -> ColumnElement[bool]:
    """Due on `day` or later (None: never)."""
    due, timed = col(Task.due), col(Task.due_has_time)
    if day is None:
        return false()
    first, start = _day_start(day)
    return and_(due >= min(first, start), or_(and_(timed, due >= first), and_(~timed, due >= start)))


def _due_term(op: str, day: date | None, now: datetime) -> ColumnElement[bool]:
    due = col(Task.due)
    match op:
        case "none":
            return due.is_(None)
        case "overdue":
            held = and_(col(Task.completed).is_(False), overdue(now))
        case "on":
            held = and_(due_from(day), due_before(next_day(day)))
        case "before":
            held = due_before(day)
        case "until":
            held = due_before(next_day(day))
        case "after":
            held = due_from(next_day(day))
        case _:  # from
            held = due_from(day)
    return and_(due.is_not(None), held)  # FALSE, not NULL, without a due


def _text_term(user: UserView, word: str, negated: bool, dialect: str, rare: str | None) -> ColumnElement[bool]:
    """The word in the title, notes or project (ignoring case), or in a tag."""
    pattern = f"%{_escape_like(word)}%"
    matches = (lambda c: c.like(pattern, escape="\\")) if dialect == "sqlite" else (lambda c: c.ilike(pattern, escape="\\"))
    project = func.coalesce(col(Task.project), "") if negated else col(Task.project)  # NOT of NULL is NULL
    in_text = or_(matches(col(Task.title)), matches(col(Task.description)), matches(project))
    if word == rare and not negated:  # only the index's candidates can match in their text
        in_text = and_(col(Task.id).in_(select(TEXT_INDEX.c.rowid).where(TEXT_INDEX.c.body.like(f"%{word}%"))), in_text)
    return or_(in_text, _tagged_like(user, pattern.lower()))


def _state_term(user: UserView, state: str, now: datetime) -> ColumnElement[bool]:
    done = col(Task.completed)
    match state:
        case "done":
            return done.is_(True)
        case "pending":
            return and_(done.is_(False), not_waiting(now))
        case "waiting":
            return and_(done.is_(False), ~not_waiting(now))
        case "blocked":  # an open task blocks it: one range of the user's dependencies
            blocker = Task.__table__.alias("fblocker")
            blocked = (select(TaskDependency.task_id).join(blocker, blocker.c.id == TaskDependency.blocker_id)
                       .where(TaskDependency.user_id == user.id, blocker.c.completed.is_(False)))  # fmt: skip
            return col(Task.id).in_(blocked)
        case _:  # recurring: in a series still repeating, found from the user's series
            active = select(TaskSeries.id).where(TaskSeries.user_id == user.id, col(TaskSeries.active).is_(True))
            return and_(col(Task.series_id).is_not(None), col(Task.series_id).in_(active))


def term_condition(user: UserView, term: Term, now: datetime, dialect: str, rare: str | None) -> ColumnElement[bool]:
    """One term of the filter language as SQL (its "-" included), scoped to the user."""
    match term.kind:
        case "text":
            held = _text_term(user, term.value, term.negated, dialect, rare)
        case "tag":
            held = _tagged_like(user, f"{_escape_like(term.value)}%")
        case "project" if term.value is None:
            held = col(Task.project).is_(None)
        case "project":  # ignoring case: the user's projects of that name, each one range of its index
            names = select(Task.project).where(
                col(Task.user_id) == user.id, func.lower(col(Task.project)) == func.lower(literal(term.value))
            ).distinct()  # fmt: skip
            held = and_(col(Task.project).is_not(None), col(Task.project).in_(names))
        case "priority":
            held = col(Task.priority) == int(term.value)
        case "due":
            held = _due_term(*term.value, now)
        case _:
            held = _state_term(user, term.value, now)
    return ~held if term.negated else held
