"""SQLite query plans of the statements the services really run, on a database of 100,000 tasks.

Each list, count and stats statement is captured as the engine sends it and explained with its own
parameters: a user's tasks are always reached through an index on user_id (never a full scan), and the
default list and the pending list are read in index order for every sort (no temporary B-tree).
Plans are checked twice: on a fresh database without planner statistics, and after the app closed it
once (Database.close runs PRAGMA optimize, which may gather statistics that change the plans).
"""

from __future__ import annotations

import random
import uuid
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import OperationalError

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.config import Settings, parse_database
from tui_tasks.db.tables import Task, TaskTag
from tui_tasks.domain import PageCursor, SortField, TaskFilter, TaskQuery, UserView, due_moment
from tui_tasks.services.facade import Services, open_services

pytestmark = pytest.mark.slow

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
OWNER_TASKS = 100_000
OTHER_TASKS = 3_000
PROJECTS = [None, None, "home", "work", "garden", "books", "taxes", "music"]
TAGS = ["urgent", "errand", "call", "email", "read", "bug", "idea"]
WORDS = ["call", "write", "fix", "buy", "plan", "read", "clean", "book", "pay", "send", "review", "water"]
ORDERS = [(sort, descending) for sort in SortField for descending in (True, False)]
STRICT_FILTERS = (TaskFilter.ALL, TaskFilter.PENDING)  # the lists shown first: never a sort in memory


def clock() -> datetime:
    return NOW


def settings_for(path: Path) -> Settings:
    return Settings(db=parse_database(str(path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS)


def task_rows(user_id: int, n: int, rng: random.Random) -> list[dict]:
    """`n` tasks spread like a real list: two years of history, most done, due dates a year either side."""
    rows = []
    for _ in range(n):
        created = NOW - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        completed = rng.random() < 0.6
        completed_at = created + (NOW - created) * rng.random() if completed else None
        rows.append(
            {
                "user_id": user_id,
                "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))) + f" {rng.randrange(1000)}",
                "description": "" if rng.random() < 0.7 else "notes " * rng.randint(1, 20),
                "completed": completed,
                "completed_at": completed_at,
                "priority": rng.choices(range(4), weights=(50, 20, 20, 10))[0],
                "due": None if rng.random() < 0.3 else due_moment(NOW.date() + timedelta(days=rng.randint(-365, 365))),
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "project": rng.choice(PROJECTS),
                "created_at": created,
                "updated_at": max(created, completed_at or created) + timedelta(seconds=rng.randrange(3600)),
                "version": rng.randint(1, 5),
            }
        )
    return rows


def build_database(path: Path) -> tuple[UserView, UserView]:
    """The big database, left without planner statistics (the engine is disposed, not closed)."""
    services = open_services(settings_for(path), clock)
    try:
        owner = services.accounts.register("owner@example.com", "owner-password")
        other = services.accounts.register("other@example.com", "other-password")
        rng = random.Random(20260615)
        with services.db.engine.begin() as conn:
            conn.execute(insert(Task), task_rows(owner.id, OWNER_TASKS, rng))
            conn.execute(insert(Task), task_rows(other.id, OTHER_TASKS, rng))
            tags = [
                {"task_id": task_id, "tag": tag, "user_id": user_id}
                for task_id, user_id in conn.execute(select(Task.id, Task.user_id))
                if rng.random() < 0.3
                for tag in rng.sample(TAGS, rng.randint(1, 3))
            ]
            conn.execute(insert(TaskTag), tags)
            # A fifth of the tasks are subtasks of an earlier task of their owner (issue #10's workload).
            owners = {}
            for task_id, user_id in conn.execute(select(Task.id, Task.user_id).order_by(Task.id)):
                owners.setdefault(user_id, []).append(task_id)
            moves = [(rng.choice(ids[: n]), task_id) for ids in owners.values()
                     for n, task_id in enumerate(ids) if n and rng.random() < 0.2]  # fmt: skip
            conn.exec_driver_sql("UPDATE task SET parent_id = ? WHERE id = ?", moves)
    finally:
        services.db.engine.dispose()
    return owner, other


def copy_database(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file in source.parent.glob(source.name + "*"):
        shutil.copy2(file, folder / file.name)
    return folder / source.name


class Recorder:
    """Every SELECT the engine sends, with its parameters, while `capture` runs."""

    def __init__(self, services: Services) -> None:
        self.engine = services.db.engine
        self.statements: list[tuple[str, tuple]] = []
        event.listen(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "sqlite_master" not in statement:
            self.statements.append((statement, parameters))

    def capture(self, action: Callable[[], object]) -> list[tuple[str, tuple]]:
        self.statements.clear()
        action()
        captured, self.statements = self.statements, []
        return captured

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


@dataclass
class BigDatabase:
    name: str
    services: Services
    owner: UserView
    recorder: Recorder

    def plan(self, statement: str, parameters: tuple) -> list[str]:
        with self.services.db.engine.connect() as conn:
            return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]

    def plans(self, action: Callable[[], object]) -> list[tuple[str, list[str]]]:
        return [(statement, self.plan(statement, params)) for statement, params in self.recorder.capture(action)]


def every_list_query(services: Services, owner: UserView) -> None:
    for task_filter in TaskFilter:
        for sort, descending in ORDERS:
            query = TaskQuery(filter=task_filter, sort=sort, descending=descending)
            page = services.tasks.page(owner, query)
            if page.next_cursor is not None:
                services.tasks.page(owner, query, page.next_cursor)
        services.tasks.count(owner, TaskQuery(filter=task_filter))
    services.stats.summary(owner)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, UserView]:
    path = tmp_path_factory.mktemp("big") / "tasks.db"
    owner, _ = build_database(path)
    return path, owner


@pytest.fixture(scope="module", params=["no statistics", "after close"])
def big(request, built, tmp_path_factory) -> Iterator[BigDatabase]:
    source, owner = built
    path = copy_database(source, tmp_path_factory.mktemp(request.param.replace(" ", "-")))
    if request.param == "after close":
        first_session = open_services(settings_for(path), clock)
        every_list_query(first_session, owner)  # a session of use, then the app's own close
        first_session.close()
    services = open_services(settings_for(path), clock)
    recorder = Recorder(services)
    yield BigDatabase(request.param, services, owner, recorder)
    recorder.remove()
    services.db.engine.dispose()


# --- what a plan must not do ----------------------------------------------------------------------

_ACCESS = re.compile(r"^(SCAN|SEARCH) (\w+)")


def full_scans(plan: list[str]) -> list[str]:
    """Steps that read a whole table without an index."""
    return [
        step for step in plan
        if _ACCESS.match(step) and step.startswith("SCAN ") and "INDEX" not in step and step != "SCAN CONSTANT ROW"
        and not re.fullmatch(r"SCAN (anon_\d+|below|up)", step)
    ]  # fmt: skip  (a SELECT of scalar subqueries "scans" its one constant row; "anon_1" is a subquery's rows,
    #                "below" and "up" a tree walk's rows so far)


def task_reads_not_by_user(plan: list[str]) -> list[str]:
    """Steps reading `task` other than an index search on the user's rows."""
    return [
        step
        for step in plan
        if (m := _ACCESS.match(step)) and m.group(2) == "task"
        and not (step.startswith("SEARCH task USING") and "INDEX" in step and "(user_id=?" in step)
    ]  # fmt: skip


def temp_btrees(plan: list[str]) -> list[str]:
    return [step for step in plan if "TEMP B-TREE" in step]


def describe(plans: list[tuple[str, list[str]]]) -> str:
    return "\n\n".join(f"{' '.join(sql.split())}\n  -> {plan}" for sql, plan in plans)


def is_tag_lookup(statement: str) -> bool:
    """A statement loading what the tasks on a page have by their ids: tags, dependencies, subtask counts,
    parents' titles (test_a_flat_page_reads_parents_by_id checks that one reads by id)."""
    return statement.startswith((
        "SELECT task_tag.task_id, task_tag.tag \nFROM task_tag \nWHERE task_tag.task_id IN",
        "SELECT task_dependency.",
        "SELECT task.parent_id, count(*)",
        "WITH RECURSIVE up",  # a flat page's parents' titles, by id
    ))  # fmt: skip


# --- tests ----------------------------------------------------------------------------------------


def test_the_database_holds_the_tasks_it_was_built_with(big):
    assert big.services.tasks.count(big.owner) == OWNER_TASKS
    done = big.services.tasks.count(big.owner, TaskQuery(filter=TaskFilter.DONE))
    overdue = big.services.tasks.count(big.owner, TaskQuery(filter=TaskFilter.OVERDUE))
    assert 0.5 < done / OWNER_TASKS < 0.7
    assert overdue > 1000


@pytest.mark.parametrize("task_filter", list(TaskFilter))
@pytest.mark.parametrize(("sort", "descending"), ORDERS, ids=[f"{s}-{'desc' if d else 'asc'}" for s, d in ORDERS])
def test_list_query_reads_the_users_tasks_through_an_index(big, task_filter, sort, descending):
    query = TaskQuery(filter=task_filter, sort=sort, descending=descending)

    def list_pages() -> None:
        first = big.services.tasks.page(big.owner, query)
        if first.next_cursor is not None:
            big.services.tasks.page(big.owner, query, first.next_cursor)
        last = big.services.tasks.page(big.owner, query, backward=True)  # what End shows
        if last.next_cursor is not None:
            big.services.tasks.page(big.owner, query, last.next_cursor, backward=True)
        if sort is SortField.DUE:  # a page inside the undated part of the list, both ways
            big.services.tasks.page(big.owner, query, PageCursor(None, OWNER_TASKS // 2))
            big.services.tasks.page(big.owner, query, PageCursor(None, OWNER_TASKS // 2), backward=True)

    plans = big.plans(list_pages)
    assert plans
    report = describe(plans)
    for statement, plan in plans:
        assert full_scans(plan) == [], report
        if is_tag_lookup(statement):
            continue  # the tags of at most one page, by task id
        assert task_reads_not_by_user(plan) == [], report
        if task_filter in STRICT_FILTERS and sort is not SortField.URGENCY:  # "next" is computed: a sort
            assert temp_btrees(plan) == [], report


@pytest.mark.parametrize("task_filter", [TaskFilter.ALL, TaskFilter.PENDING])
@pytest.mark.parametrize(("sort", "descending"), ORDERS, ids=[f"{s}-{'desc' if d else 'asc'}" for s, d in ORDERS])
def test_a_tree_page_reads_top_tasks_by_index_and_subtasks_by_parent(big, task_filter, sort, descending):
    """With a fifth of 100,000 tasks being subtasks: the page of top tasks is the list's index range, and
    their subtasks come from ix_task_parent, a few lookups per top task, never a scan of the task table."""
    query = TaskQuery(filter=task_filter, sort=sort, descending=descending, tree=True)
    plans = big.plans(lambda: (big.services.tasks.page(big.owner, query), big.services.tasks.page(big.owner, query, backward=True)))
    plans = [(s, p) for s, p in plans if "sqlite_master" not in s]  # the text index's one-time probe
    report = describe(plans)
    below = [(s, p) for s, p in plans if "RECURSIVE" in s.upper()]
    assert below, report
    for statement, plan in plans:
        assert full_scans(plan) == [], report
        if statement in dict(below):
            assert any("ix_task_parent" in step for step in plan), report
            assert not any(step.startswith("SCAN task") for step in plan), report
        elif not is_tag_lookup(statement):
            assert task_reads_not_by_user(plan) == [], report
            if task_filter in STRICT_FILTERS and sort is not SortField.URGENCY:
                assert temp_btrees(plan) == [], report


def test_a_flat_page_reads_parents_by_id(big):
    """A search's page shows each task's parents: read by id, never the user's whole list."""
    plans = big.plans(lambda: big.services.tasks.page(big.owner, TaskQuery(search="fix")))
    [(_, plan)] = [(s, p) for s, p in plans if s.startswith("WITH RECURSIVE up")]
    assert [step for step in plan if step.startswith("SEARCH task")] == ["SEARCH task USING INTEGER PRIMARY KEY (rowid=?)"] * 2, plan
    assert full_scans(plan) == [], plan


def test_default_list_is_served_in_index_order(big):
    """TaskQuery() is what every start shows: newest first, straight from ix_task_user_created."""
    plans = big.plans(lambda: big.services.tasks.page(big.owner))
    [(_, plan)] = [(s, p) for s, p in plans if not is_tag_lookup(s)]
    assert plan == ["SEARCH task USING INDEX ix_task_user_created (user_id=?)"]


@pytest.mark.parametrize(
    "query",
    [
        TaskQuery(search="fix"),
        TaskQuery(search="fix plan", filter=TaskFilter.PENDING, sort=SortField.DUE),
        TaskQuery(project="home"),
        TaskQuery(project="home", sort=SortField.DUE, descending=False),
        TaskQuery(tag="urgent"),
        TaskQuery(tag="urgent", filter=TaskFilter.PENDING, sort=SortField.TITLE),
    ],
    ids=["search", "search-pending-due", "project", "project-due", "tag", "tag-pending-title"],
)
def test_search_project_and_tag_lists_never_scan_a_whole_table(big, query):
    plans = big.plans(lambda: (big.services.tasks.page(big.owner, query), big.services.tasks.count(big.owner, query)))
    assert len(plans) >= 2
    for _, plan in plans:
        assert full_scans(plan) == [], describe(plans)


@pytest.mark.parametrize("search", ["417", "fix 417", "#urgent 417"])
def test_a_rare_word_is_found_through_the_text_index_not_by_reading_every_task(big, search):
    """A word in ~100 of 100,000 tasks: the page and the count take their candidates from the text
    index's trigram lookup. The planner then fetches them by id, or walks the user's index testing
    each id against the candidates (the id is in the index: no other task row is read): ~10 ms at
    100k either way, where LIKE on every task's text took ~230 ms."""
    query = TaskQuery(search=search)
    plans = big.plans(lambda: (big.services.tasks.page(big.owner, query), big.services.tasks.count(big.owner, query)))
    lists = [(s, p) for s, p in plans if s.startswith(("SELECT task.id", "SELECT count(*) AS count_1 \nFROM task "))]
    assert len(lists) == 2, describe(plans)
    for _, plan in lists:
        assert "SCAN task_text VIRTUAL TABLE INDEX 0:L0" in plan, describe(plans)  # L0: LIKE, by the index
        assert full_scans(plan) == [], describe(plans)
    page = big.services.tasks.page(big.owner, query, limit=500)
    assert 0 < len(page.tasks) < 500 and all("417" in task.title for task in page.tasks)


@pytest.mark.parametrize("task_filter", list(TaskFilter))
def test_count_query_is_answered_from_an_index(big, task_filter):
    plans = big.plans(lambda: big.services.tasks.count(big.owner, TaskQuery(filter=task_filter)))
    [(_, plan)] = plans
    assert full_scans(plan) == [] and task_reads_not_by_user(plan) == [], describe(plans)
    assert temp_btrees(plan) == [], describe(plans)


def test_stats_queries_use_indexes(big):
    plans = big.plans(lambda: (big.services.stats.summary(big.owner), big.services.stats.counts(big.owner)))
    assert len(plans) >= 6
    for _, plan in plans:
        assert full_scans(plan) == [], describe(plans)
    # The top tags: one range of the user's tags, in tag order, without visiting a task.
    [tag_plan] = [plan for statement, plan in plans if "FROM task_tag" in statement]
    assert tag_plan[0] == "SEARCH task_tag USING COVERING INDEX ix_task_tag_user_tag (user_id=?)", describe(plans)
    assert not any("GROUP BY" in step or " task " in f"{step} " for step in tag_plan), describe(plans)


def test_closing_the_app_leaves_planner_statistics_for_the_task_table(built, tmp_path):
    """Database.close runs PRAGMA optimize: after one session of use the planner knows the task table."""
    source, owner = built
    path = copy_database(source, tmp_path / "closed")

    def analysed(services: Services) -> set[str]:
        with services.db.engine.connect() as conn:
            return {row[0] for row in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}

    services = open_services(settings_for(path), clock)
    try:
        with pytest.raises(OperationalError, match="no such table: sqlite_stat1"):
            analysed(services)  # built without statistics
        every_list_query(services, owner)
    finally:
        services.close()
    reopened = open_services(settings_for(path), clock)
    try:
        assert "task" in analysed(reopened)
    finally:
        reopened.close()


FIELD_FORMS = ["project:work", "pro:HOME", "project:none", "-project:work", "#urgent", "-#urgent", "!high", "-!high",
               "due:today", "due:tomorrow", "due:overdue", "due:none", "-due:none", "due<=fri", "due>2026-07-01",
               "due<2026-06-01", "is:done", "is:pending", "is:waiting", "-is:waiting", "is:blocked", "-is:blocked",
               "is:recurring", "-is:done", "-fix", '"fix plan"', "project:work !high due<=fri -#idea is:pending"]


@pytest.mark.parametrize("search", FIELD_FORMS)
@pytest.mark.parametrize("sort", [SortField.CREATED, SortField.DUE])
def test_each_field_of_the_filter_language_is_served_by_an_index(big, search, sort):
    """Every form of the search box's language: the page (both ways) and the count reach the user's tasks
    through an index on user_id, and the subqueries it adds (project names, tags, blockers, series) are
    ranges of the user's own index, never a scan of a table."""
    query = TaskQuery(search=search, sort=sort, descending=sort is SortField.CREATED)
    plans = big.plans(lambda: (big.services.tasks.page(big.owner, query), big.services.tasks.page(big.owner, query, backward=True),
                               big.services.tasks.count(big.owner, query)))  # fmt: skip
    report = describe(plans)
    assert len(plans) >= 3, report
    for statement, plan in plans:
        assert full_scans(plan) == [], report
        if not is_tag_lookup(statement):  # by id: the ids of a user-scoped range (tags, blockers, text index)
            assert [step for step in task_reads_not_by_user(plan) if "PRIMARY KEY (rowid=?)" not in step] == [], report
        assert not any(re.match(r"SCAN (task_tag|task_dependency|task_series)\b", step) for step in plan), report


@pytest.mark.parametrize("search", ["417 project:home", "-#idea 417", "417 is:pending !high"])
def test_a_rare_word_keeps_the_text_index_beside_fields(big, search):
    query = TaskQuery(search=search)
    plans = big.plans(lambda: (big.services.tasks.page(big.owner, query), big.services.tasks.count(big.owner, query)))
    lists = [(s, p) for s, p in plans if s.startswith(("SELECT task.id", "SELECT count(*) AS count_1 \nFROM task "))]
    assert len(lists) == 2, describe(plans)
    for _, plan in lists:
        assert "SCAN task_text VIRTUAL TABLE INDEX 0:L0" in plan, describe(plans)
