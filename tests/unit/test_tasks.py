"""Tasks: create, read, update, toggle, delete, restore; isolation between users; filters, search, sorting, paging."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import (
    PageCursor,
    due_moment,
    urgency,
    Priority,
    SortField,
    TaskDraft,
    TaskFilter,
    TaskQuery,
    TaskView,
    UserView,
    local_date,
)
from tui_tasks.errors import NotFound, StaleTask, ValidationError

NOT_FOUND = "Task not found (it may have been deleted)"
_emails = itertools.count()


def new_user(services) -> UserView:
    return services.accounts.register(f"user{next(_emails)}@example.com", "password-123")


def add(services, user: UserView, title: str = "task", **fields) -> TaskView:
    return services.tasks.create(user, TaskDraft(title, **fields))


def all_pages(services, user: UserView, query: TaskQuery = TaskQuery(), limit: int = 50) -> list[TaskView]:
    """Every task of the query, following cursors to the end (and failing on a cursor loop)."""
    tasks: list[TaskView] = []
    cursor: PageCursor | None = None
    for _ in range(1000):
        page = services.tasks.page(user, query, cursor, limit)
        assert len(page.tasks) <= limit
        tasks += page.tasks
        if page.next_cursor is None:
            return tasks
        assert page.tasks, "a page with a next cursor must not be empty"
        cursor = page.next_cursor
    raise AssertionError("paging did not end")


def all_pages_backward(services, user: UserView, query: TaskQuery = TaskQuery(), limit: int = 50) -> list[TaskView]:
    """Every task of the query read from the end (as `End` then scrolling up does), put back in list order."""
    pages: list[tuple[TaskView, ...]] = []
    cursor: PageCursor | None = None
    for _ in range(1000):
        page = services.tasks.page(user, query, cursor, limit, backward=True)
        assert len(page.tasks) <= limit
        pages.insert(0, page.tasks)
        if page.next_cursor is None:
            return [task for tasks in pages for task in tasks]
        assert page.tasks, "a page with a next cursor must not be empty"
        cursor = page.next_cursor
    raise AssertionError("paging did not end")


def ids(tasks) -> list[int]:
    return [task.id for task in tasks]


def today_of(clock) -> date:
    return local_date(clock())


# --- create and get -----------------------------------------------------------------------------


def test_create_returns_normalised_fields_and_get_reads_them_back(services, alice, clock):
    due = today_of(clock) + timedelta(days=3)
    task = services.tasks.create(
        alice,
        TaskDraft(
            title="  Buy milk  ",
            description="  two\r\nlines\twith a tab  ",
            priority=Priority.HIGH,
            due=due,
            project="  Home ",
            tags=("#Errand", "errand", "Shop", " urgent ", "  "),
        ),
    )
    assert task.title == "Buy milk"
    assert task.description == "two\nlines\twith a tab"
    assert task.priority is Priority.HIGH
    assert task.due == due
    assert task.project == "Home"
    assert task.tags == ("errand", "shop", "urgent")
    assert (task.completed, task.completed_at) == (False, None)
    assert task.version == 1
    assert task.created_at == task.updated_at == clock()
    assert services.tasks.get(alice, task.id) == task


@pytest.mark.parametrize("project", ["", "   ", None])
def test_blank_project_is_stored_as_none(services, alice, project):
    task = add(services, alice, project=project)
    assert task.project is None
    assert services.tasks.get(alice, task.id).project is None


def test_tags_typed_as_text_are_split_on_spaces_and_commas(services, alice):
    task = services.tasks.create(alice, TaskDraft("tagged", tags="b, a  #C,,a"))
    assert task.tags == ("a", "b", "c")
    assert services.tasks.get(alice, task.id).tags == ("a", "b", "c")


def test_values_at_every_limit_are_accepted(services, alice):
    task = services.tasks.create(
        alice,
        TaskDraft(
            title="  " + "t" * 200 + "  ",
            description="d" * 10_000,
            project="p" * 80,
            tags=tuple(f"tag{n}" for n in range(19)) + ("x" * 40, "X" * 40),  # 21 given, 20 after dedup
        ),
    )
    stored = services.tasks.get(alice, task.id)
    assert stored == task
    assert stored.title == "t" * 200
    assert len(stored.description) == 10_000
    assert stored.project == "p" * 80
    assert len(stored.tags) == 20 and "x" * 40 in stored.tags


def test_each_new_task_gets_its_own_id(services, alice):
    first, second = add(services, alice, "one"), add(services, alice, "two")
    assert first.id != second.id
    assert services.tasks.get(alice, first.id).title == "one"
    assert services.tasks.get(alice, second.id).title == "two"


# --- validation ---------------------------------------------------------------------------------

INVALID = [
    pytest.param({"title": ""}, "title", "required", id="empty title"),
    pytest.param({"title": " \t "}, "title", "required", id="blank title"),
    pytest.param({"title": "t" * 201}, "title", "at most 200", id="201-char title"),
    pytest.param({"title": "\x1b[31mred"}, "title", "U+001B", id="escape sequence in title"),
    pytest.param({"title": "two\nlines"}, "title", "U+000A", id="newline in title"),
    pytest.param({"title": "a\tb"}, "title", "U+0009", id="tab in title"),
    pytest.param({"title": "line\u2028separator"}, "title", "U+2028", id="line separator in title"),
    pytest.param({"title": "nul\x00"}, "title", "U+0000", id="NUL in title"),
    pytest.param({"title": None}, "title", "text", id="title not text"),
    pytest.param({"description": "d" * 10_001}, "description", "at most 10000", id="description too long"),
    pytest.param({"description": "bell\x07"}, "description", "U+0007", id="control char in description"),
    pytest.param({"description": "carriage\rreturn"}, "description", "U+000D", id="lone CR in description"),
    pytest.param({"project": "p" * 81}, "project", "at most 80", id="project too long"),
    pytest.param({"project": "a\nb"}, "project", "control", id="newline in project"),
    pytest.param({"tags": ("two words",)}, "tags", "one word", id="tag with a space"),
    pytest.param({"tags": ("c++",)}, "tags", "one word", id="tag with symbols"),
    pytest.param({"tags": ("#",)}, "tags", "one word", id="tag of only a hash"),
    pytest.param({"tags": ("x" * 41,)}, "tags", "at most 40", id="41-char tag"),
    pytest.param({"tags": tuple(f"t{n}" for n in range(21))}, "tags", "at most 20", id="21 tags"),
    pytest.param({"due": datetime(2030, 1, 1)}, "due", "time zone", id="due is a naive datetime"),
    pytest.param({"due": date(1899, 12, 31)}, "due", "between 1900 and 9999", id="due before 1900"),
    pytest.param({"wait": "tomorrow"}, "wait", "date", id="wait is text"),
    pytest.param({"parent_id": 0}, "parent_id", "task number", id="parent 0"),
    pytest.param({"depends": (True,)}, "depends", "task number", id="depends on True"),
    pytest.param({"due": "2030-01-01"}, "due", "date", id="due is text"),
    pytest.param({"priority": 4}, "priority", "none, low, medium or high", id="priority 4"),
    pytest.param({"priority": -1}, "priority", "none, low, medium or high", id="priority -1"),
    pytest.param({"priority": "high"}, "priority", "none, low, medium or high", id="priority as text"),
]


def _draft(**changes) -> TaskDraft:
    return dataclasses.replace(TaskDraft("valid title"), **changes)


@pytest.mark.parametrize(("changes", "field", "words"), INVALID)
def test_invalid_draft_is_refused_on_create_and_nothing_is_written(services, alice, changes, field, words):
    add(services, alice, "existing", tags=("keep",))
    with pytest.raises(ValidationError) as caught:
        services.tasks.create(alice, _draft(**changes))
    assert caught.value.field == field
    assert words in caught.value.message
    assert str(caught.value) == caught.value.message
    assert services.tasks.count(alice) == 1
    assert [t.title for t in all_pages(services, alice)] == ["existing"]
    assert services.stats.summary(alice).top_tags == (("keep", 1),)


@pytest.mark.parametrize(("changes", "field", "words"), INVALID)
def test_invalid_draft_is_refused_on_update_and_the_task_is_unchanged(services, alice, clock, changes, field, words):
    task = add(services, alice, "original", project="home", tags=("keep",))
    clock.advance(minutes=5)
    with pytest.raises(ValidationError) as caught:
        services.tasks.update(alice, task.id, _draft(**changes))
    assert caught.value.field == field
    assert words in caught.value.message
    assert services.tasks.get(alice, task.id) == task


# --- update, toggle, delete, restore -------------------------------------------------------------


def test_update_replaces_fields_and_tags_and_bumps_version(services, alice, clock):
    task = add(services, alice, "old", description="old text", project="home", tags=("a", "b"), due=today_of(clock))
    created = clock()
    clock.advance(hours=1)
    new = TaskDraft(" new ", "new text", Priority.LOW, None, "  work ", ("C", "#d"))
    updated = services.tasks.update(alice, task.id, new)
    assert (updated.id, updated.title, updated.description) == (task.id, "new", "new text")
    assert (updated.priority, updated.due, updated.project, updated.tags) == (Priority.LOW, None, "work", ("c", "d"))
    assert updated.version == 2
    assert updated.created_at == created
    assert updated.updated_at == clock() != created
    assert services.tasks.get(alice, task.id) == updated
    assert services.tasks.count(alice, TaskQuery(tag="a")) == 0
    assert services.tasks.count(alice, TaskQuery(tag="c")) == 1


def test_update_can_remove_every_tag(services, alice):
    task = add(services, alice, tags=("a", "b"))
    updated = services.tasks.update(alice, task.id, dataclasses.replace(task.draft(), tags=()))
    assert updated.tags == ()
    assert services.tasks.get(alice, task.id).tags == ()
    assert services.stats.summary(alice).top_tags == ()


def test_update_keeps_the_completed_state(services, alice):
    task = add(services, alice)
    done = services.tasks.toggle(alice, task.id)
    updated = services.tasks.update(alice, task.id, dataclasses.replace(done.draft(), title="renamed"))
    assert (updated.completed, updated.completed_at) == (True, done.completed_at)
    assert updated.version == 3


def test_update_with_the_current_version_succeeds(services, alice):
    task = add(services, alice)
    updated = services.tasks.update(alice, task.id, _draft(title="next"), expected_version=1)
    assert (updated.title, updated.version) == ("next", 2)
    again = services.tasks.update(alice, task.id, _draft(title="third"), expected_version=2)
    assert (again.title, again.version) == ("third", 3)


def test_update_with_a_stale_version_raises_stale_task_and_changes_nothing(services, alice):
    task = add(services, alice, "first")
    current = services.tasks.update(alice, task.id, _draft(title="second"))
    with pytest.raises(StaleTask) as caught:
        services.tasks.update(alice, task.id, _draft(title="lost update"), expected_version=task.version)
    assert caught.value.current_version == 2
    assert caught.value.message
    assert services.tasks.get(alice, task.id) == current


def test_toggle_sets_and_clears_completed_at_and_bumps_version(services, alice, clock):
    task = add(services, alice, tags=("kept",))
    clock.advance(minutes=10)
    done = services.tasks.toggle(alice, task.id)
    assert (done.completed, done.completed_at, done.updated_at, done.version) == (True, clock(), clock(), 2)
    assert done.tags == ("kept",) and done.created_at == task.created_at
    assert services.tasks.get(alice, task.id) == done
    clock.advance(minutes=10)
    pending = services.tasks.toggle(alice, task.id, expected_version=2)
    assert (pending.completed, pending.completed_at, pending.updated_at, pending.version) == (False, None, clock(), 3)
    assert services.tasks.get(alice, task.id) == pending


def test_toggle_with_a_stale_version_raises_stale_task(services, alice):
    task = add(services, alice)
    services.tasks.toggle(alice, task.id)
    with pytest.raises(StaleTask) as caught:
        services.tasks.toggle(alice, task.id, expected_version=1)
    assert caught.value.current_version == 2
    assert services.tasks.get(alice, task.id).completed is True


def test_delete_returns_the_task_as_it_was_and_it_is_gone(services, alice):
    keep = add(services, alice, "keep", tags=("x",))
    task = add(services, alice, "doomed", project="home", tags=("x", "y"))
    deleted = services.tasks.delete(alice, task.id, expected_version=1)
    assert deleted == task
    with pytest.raises(NotFound, match="not found"):
        services.tasks.get(alice, task.id)
    assert ids(all_pages(services, alice)) == [keep.id]
    assert services.tasks.count(alice, TaskQuery(tag="y")) == 0
    assert services.stats.summary(alice).top_tags == (("x", 1),)
    with pytest.raises(NotFound):
        services.tasks.delete(alice, task.id)


def test_delete_with_a_stale_version_raises_stale_task_and_keeps_the_task(services, alice):
    task = add(services, alice)
    services.tasks.toggle(alice, task.id)
    with pytest.raises(StaleTask):
        services.tasks.delete(alice, task.id, expected_version=1)
    assert services.tasks.get(alice, task.id).version == 2


def test_undo_of_a_delete_brings_the_task_back_with_its_fields_tags_and_state_under_its_own_id(services, alice, clock):
    task = add(services, alice, " Report ", description="body", priority=Priority.MEDIUM,
               due=today_of(clock), project="work", tags=("b", "a"))  # fmt: skip
    clock.advance(minutes=1)
    done = services.tasks.toggle(alice, task.id)
    deleted = services.tasks.delete(alice, task.id)
    clock.advance(minutes=1)
    assert services.history.undo(alice).created == (task.id,)  # a stale reference to it finds it again
    restored = services.tasks.get(alice, task.id)
    assert restored.draft() == done.draft() and restored.uuid == task.uuid
    assert (restored.completed, restored.completed_at) == (True, done.completed_at)
    assert restored.created_at == task.created_at
    assert restored.updated_at == done.updated_at  # as it was: undo gives the task back untouched
    assert restored.version == deleted.version + 1  # versions only go up: a window holding it is told
    assert services.tasks.count(alice, TaskQuery(tag="a", filter=TaskFilter.DONE)) == 1


def test_a_delete_undone_redone_and_undone_again_is_one_task(services, alice):
    task = add(services, alice, "twice", tags=("t",))
    services.tasks.delete(alice, task.id)
    services.history.undo(alice)
    services.history.redo(alice)
    assert all_pages(services, alice) == []
    services.history.undo(alice)
    assert ids(all_pages(services, alice)) == [task.id]
    assert services.tasks.get(alice, task.id).tags == ("t",)


# --- isolation between users --------------------------------------------------------------------

OPERATIONS = {
    "get": lambda tasks, user, task_id: tasks.get(user, task_id),
    "update": lambda tasks, user, task_id: tasks.update(user, task_id, TaskDraft("hijacked")),
    "toggle": lambda tasks, user, task_id: tasks.toggle(user, task_id),
    "delete": lambda tasks, user, task_id: tasks.delete(user, task_id),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_other_users_task_is_not_found_like_a_missing_one(services, alice, bob, operation):
    task = add(services, alice, "private", tags=("secret",))
    run = OPERATIONS[operation]
    with pytest.raises(NotFound) as others:
        run(services.tasks, bob, task.id)
    with pytest.raises(NotFound) as missing:
        run(services.tasks, bob, 999_999)
    assert others.value.message == missing.value.message == NOT_FOUND
    assert services.tasks.get(alice, task.id) == task


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("task_id", ["1", True, 1.0, None, -1, 0], ids=repr)
def test_task_id_that_is_not_a_positive_int_is_not_found(services, alice, operation, task_id):
    task = add(services, alice)
    assert task.id == 1  # so that "1", True and 1.0 would hit it if they were accepted
    with pytest.raises(NotFound) as caught:
        OPERATIONS[operation](services.tasks, alice, task_id)
    assert caught.value.message == NOT_FOUND
    assert services.tasks.get(alice, task.id) == task


@pytest.mark.parametrize(
    "task_id", [2**31 - 1, 2**31, 2**63, -(2**63) - 1], ids=["2**31-1", "2**31", "2**63", "-2**63-1"]
)
def test_huge_task_id_is_not_found_like_any_missing_one(services, alice, task_id):
    """Ids beyond what the id column holds (int4 on PostgreSQL, int64 on SQLite) are simply missing."""
    task = add(services, alice)
    outcomes = {}
    for name, run in OPERATIONS.items():
        try:
            run(services.tasks, alice, task_id)
        except Exception as error:  # noqa: BLE001 - the type is what is checked
            outcomes[name] = (type(error).__name__, str(error))
        else:
            outcomes[name] = ("no error", "")
    assert outcomes == {name: ("NotFound", NOT_FOUND) for name in OPERATIONS}
    assert services.tasks.get(alice, task.id) == task


def test_other_users_tasks_never_appear_in_pages_counts_search_or_stats(services, alice, bob, clock):
    today = today_of(clock)
    for due in (today - timedelta(days=1), today, None):
        add(services, alice, "shared word", description="shared", due=due, project="shared", tags=("shared",))
    services.tasks.toggle(alice, add(services, alice, "shared done", project="shared", tags=("shared",)).id)
    mine = add(services, bob, "bob's own")
    expectations = [
        (TaskQuery(), [mine.id]),
        (TaskQuery(filter=TaskFilter.PENDING), [mine.id]),
        (TaskQuery(filter=TaskFilter.DONE), []),
        (TaskQuery(filter=TaskFilter.OVERDUE), []),
        (TaskQuery(filter=TaskFilter.TODAY), []),
        (TaskQuery(search="shared"), []),
        (TaskQuery(project="shared"), []),
        (TaskQuery(tag="shared"), []),
    ]
    for query, expected in expectations:
        for sort in SortField:
            assert ids(all_pages(services, bob, dataclasses.replace(query, sort=sort))) == expected, (query, sort)
        assert services.tasks.count(bob, query) == len(expected), query
    stats = services.stats.summary(bob)
    assert (stats.counts.total, stats.counts.done, stats.counts.overdue, stats.counts.due_today) == (1, 0, 0, 0)
    assert stats.top_projects == () and stats.top_tags == ()
    assert sum(day.count for day in stats.created_per_day) == 1
    assert services.tasks.count(alice) == 4


def test_stale_reference_to_a_deleted_task_cannot_change_a_newer_task(services, alice):
    """Another window still shows a task deleted here; its id must not now name a task created since.

    SQLite reuses the largest rowid after a delete unless the table is AUTOINCREMENT, and the new task's
    version 1 then passes the other window's version check.
    """
    shown_elsewhere = add(services, alice, "old task")
    services.tasks.delete(alice, shown_elsewhere.id)
    newer = add(services, alice, "new task")
    assert newer.id != shown_elsewhere.id
    with pytest.raises(NotFound):
        services.tasks.toggle(alice, shown_elsewhere.id, expected_version=shown_elsewhere.version)
    assert services.tasks.get(alice, newer.id).completed is False


# --- filters --------------------------------------------------------------------------------------


@pytest.fixture
def by_state(services, alice, clock) -> dict[str, TaskView]:
    """One task in every state the filters tell apart, named by it."""
    today = today_of(clock)
    specs = {
        "pending overdue": today - timedelta(days=1),
        "pending long overdue": today - timedelta(days=400),
        "pending today": today,
        "pending tomorrow": today + timedelta(days=1),
        "pending undated": None,
        "done overdue": today - timedelta(days=1),
        "done today": today,
        "done undated": None,
    }
    tasks = {name: add(services, alice, name, due=due) for name, due in specs.items()}
    for name, task in tasks.items():
        if name.startswith("done"):
            tasks[name] = services.tasks.toggle(alice, task.id)
    return tasks


FILTERED = {
    TaskFilter.ALL: {"pending overdue", "pending long overdue", "pending today", "pending tomorrow",
                     "pending undated", "done overdue", "done today", "done undated"},
    TaskFilter.PENDING: {"pending overdue", "pending long overdue", "pending today", "pending tomorrow",
                         "pending undated"},
    TaskFilter.DONE: {"done overdue", "done today", "done undated"},
    TaskFilter.OVERDUE: {"pending overdue", "pending long overdue"},
    TaskFilter.TODAY: {"pending today"},
    TaskFilter.WAITING: set(),
}  # fmt: skip


@pytest.mark.parametrize("task_filter", list(TaskFilter))
def test_filter_selects_tasks_by_state_and_due_date(services, alice, by_state, task_filter):
    query = TaskQuery(filter=task_filter)
    listed = all_pages(services, alice, query, limit=3)
    assert {task.title for task in listed} == FILTERED[task_filter]
    assert len(listed) == len(FILTERED[task_filter])
    assert services.tasks.count(alice, query) == len(FILTERED[task_filter])


def test_today_and_overdue_follow_the_clock(services, alice, clock):
    task = add(services, alice, due=today_of(clock) + timedelta(days=1))

    def listed() -> tuple[int, int]:
        return (services.tasks.count(alice, TaskQuery(filter=TaskFilter.TODAY)),
                services.tasks.count(alice, TaskQuery(filter=TaskFilter.OVERDUE)))  # fmt: skip

    assert listed() == (0, 0)
    clock.advance(days=1)
    assert listed() == (1, 0)
    assert ids(all_pages(services, alice, TaskQuery(filter=TaskFilter.TODAY))) == [task.id]
    clock.advance(days=1)
    assert listed() == (0, 1)
    assert ids(all_pages(services, alice, TaskQuery(filter=TaskFilter.OVERDUE))) == [task.id]
    services.tasks.toggle(alice, task.id)
    assert listed() == (0, 0)


def test_project_filter_matches_the_project_exactly(services, alice):
    home = add(services, alice, "a", project="home")
    add(services, alice, "b", project="homework")
    add(services, alice, "c")
    other = add(services, alice, "d", project="home")
    services.tasks.toggle(alice, other.id)
    assert sorted(ids(all_pages(services, alice, TaskQuery(project="home")))) == [home.id, other.id]
    assert ids(all_pages(services, alice, TaskQuery(project="home", filter=TaskFilter.PENDING))) == [home.id]
    assert services.tasks.count(alice, TaskQuery(project="home")) == 2
    assert services.tasks.count(alice, TaskQuery(project="nowhere")) == 0


def test_tag_filter_matches_a_whole_tag_whatever_its_case(services, alice):
    errand = add(services, alice, "a", tags=("errand", "shop"))
    add(services, alice, "b", tags=("errands",))
    add(services, alice, "c")
    assert ids(all_pages(services, alice, TaskQuery(tag="Errand"))) == [errand.id]
    assert ids(all_pages(services, alice, TaskQuery(tag="shop"))) == [errand.id]
    assert services.tasks.count(alice, TaskQuery(tag="errand")) == 1
    assert services.tasks.count(alice, TaskQuery(tag="err")) == 0
    page = services.tasks.page(alice, TaskQuery(tag="errand"))
    assert page.tasks[0].tags == ("errand", "shop")  # the task's other tags are still listed


# --- search ---------------------------------------------------------------------------------------


def test_search_matches_title_description_project_and_tag_ignoring_ascii_case(services, alice):
    in_title = add(services, alice, "Alpha in the title")
    in_description = add(services, alice, "second", description="see ALPHA here")
    in_project = add(services, alice, "third", project="alphaville")
    in_tag = add(services, alice, "fourth", tags=("alpha",))
    add(services, alice, "nothing", description="beta", project="gamma", tags=("delta",))
    for search in ("alpha", "ALPHA", "aLpHa", "lph"):
        found = all_pages(services, alice, TaskQuery(search=search))
        assert sorted(ids(found)) == sorted(ids([in_title, in_description, in_project, in_tag])), search
        assert services.tasks.count(alice, TaskQuery(search=search)) == 4


def test_search_words_must_all_match_in_any_field(services, alice):
    both_in_title = add(services, alice, "alpha beta")
    split_over_fields = add(services, alice, "Alpha", tags=("beta",))
    add(services, alice, "alpha only")
    add(services, alice, "beta only")
    found = all_pages(services, alice, TaskQuery(search="  beta   ALPHA "))
    assert sorted(ids(found)) == sorted([both_in_title.id, split_over_fields.id])
    assert services.tasks.count(alice, TaskQuery(search="beta alpha")) == 2
    assert services.tasks.count(alice, TaskQuery(search="alpha beta gamma")) == 0


@pytest.mark.parametrize("search", ["", "   "])
def test_blank_search_matches_every_task(services, alice, search):
    add(services, alice, "one")
    add(services, alice, "two")
    assert services.tasks.count(alice, TaskQuery(search=search)) == 2


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("%", {"100% done"}),
        ("0%", {"100% done"}),
        ("%%", set()),
        ("_", {"snake_case", "tagged"}),
        ("e_c", {"snake_case"}),
        ("\\", {"back\\slash"}),
        ("k\\s", {"back\\slash"}),
        ("\\%", set()),
        ("[a]", {"brackets [a]"}),
    ],
)
def test_like_wildcards_in_search_are_literal(services, alice, search, expected):
    add(services, alice, "100% done")
    add(services, alice, "snake_case")
    add(services, alice, "back\\slash")
    add(services, alice, "brackets [a]")
    add(services, alice, "plain text", description="nothing special")
    add(services, alice, "tagged", tags=("under_score",))
    found = all_pages(services, alice, TaskQuery(search=search))
    assert {task.title for task in found} == expected
    assert services.tasks.count(alice, TaskQuery(search=search)) == len(expected)


def test_search_combines_with_filter_project_and_tag(services, alice):
    match = add(services, alice, "report draft", project="work", tags=("q3",))
    add(services, alice, "report final", project="home", tags=("q3",))
    add(services, alice, "report old", project="work")
    services.tasks.toggle(alice, add(services, alice, "report done", project="work", tags=("q3",)).id)
    query = TaskQuery(filter=TaskFilter.PENDING, search="report", project="work", tag="q3")
    assert ids(all_pages(services, alice, query)) == [match.id]
    assert services.tasks.count(alice, query) == 1


# --- sorting and paging ---------------------------------------------------------------------------

SORT_ATTRIBUTE = {
    SortField.CREATED: "created_at",
    SortField.UPDATED: "updated_at",
    SortField.PRIORITY: "priority",
    SortField.TITLE: "title",
}


def expected_order(tasks, sort: SortField, descending: bool, now: datetime | None = None) -> list[int]:
    """Task ids in the documented order: by the field, ties by id in the same direction; undated last;
    "next" by the urgency the domain computes (at the hour of `now`)."""
    if sort is SortField.URGENCY:
        at = now.replace(minute=0, second=0, microsecond=0)
        return ids(sorted(tasks, key=lambda t: (urgency(t, at), t.id), reverse=descending))
    if sort is SortField.DUE:
        dated = sorted((t for t in tasks if t.due is not None), key=lambda t: (t.due, t.id), reverse=descending)
        undated = sorted((t for t in tasks if t.due is None), key=lambda t: t.id, reverse=descending)
        return ids(dated + undated)
    attribute = SORT_ATTRIBUTE[sort]
    return ids(sorted(tasks, key=lambda t: (getattr(t, attribute), t.id), reverse=descending))


def expected_filter(tasks, task_filter: TaskFilter, today: date) -> list[TaskView]:
    keep = {
        TaskFilter.ALL: lambda t: True,
        TaskFilter.PENDING: lambda t: not t.completed,
        TaskFilter.DONE: lambda t: t.completed,
        TaskFilter.OVERDUE: lambda t: not t.completed and t.due is not None and t.due < today,
        TaskFilter.TODAY: lambda t: not t.completed and t.due == today,
        TaskFilter.WAITING: lambda t: False,
    }[task_filter]
    return [t for t in tasks if keep(t)]


def test_default_order_is_newest_first(services, alice, clock):
    first = add(services, alice, "first")
    clock.advance(seconds=1)
    second = add(services, alice, "second")
    assert TaskQuery().sort is SortField.CREATED and TaskQuery().descending
    assert ids(services.tasks.page(alice).tasks) == [second.id, first.id]


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_due_sort_puts_undated_tasks_last_in_both_directions(services, alice, clock, descending):
    today = today_of(clock)
    undated = [add(services, alice, f"undated {n}") for n in range(3)]
    early = add(services, alice, "early", due=today - timedelta(days=5))
    late = add(services, alice, "late", due=today + timedelta(days=5))
    tie = add(services, alice, "tie", due=today - timedelta(days=5))
    dated = [early, tie, late] if not descending else [late, tie, early]
    rest = undated if not descending else undated[::-1]
    query = TaskQuery(sort=SortField.DUE, descending=descending)
    for limit in (1, 2, 3, 50):
        assert ids(all_pages(services, alice, query, limit)) == ids(dated + rest), limit


@pytest.mark.parametrize("sort", [s for s in SortField if s is not SortField.DUE])
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_equal_sort_values_are_ordered_by_id_in_the_same_direction(services, alice, sort, descending):
    same = [add(services, alice, "same title", priority=Priority.LOW) for _ in range(7)]  # one clock time
    query = TaskQuery(sort=sort, descending=descending)
    expected = sorted(ids(same), reverse=descending)
    for limit in (1, 2, 3, 7, 8):
        assert ids(all_pages(services, alice, query, limit)) == expected, limit


def test_cursor_at_the_end_of_the_dated_part_continues_with_undated_tasks(services, alice, clock):
    """A page ending exactly on the last dated task must lead to the undated ones, not to the end."""
    today = today_of(clock)
    dated = [add(services, alice, f"d{n}", due=today + timedelta(days=n)) for n in range(2)]
    undated = add(services, alice, "undated")
    first = services.tasks.page(alice, TaskQuery(sort=SortField.DUE, descending=False), limit=2)
    assert ids(first.tasks) == ids(dated)
    assert first.next_cursor == PageCursor(due_moment(dated[1].due), dated[1].id)  # a due is stored as an instant
    second = services.tasks.page(alice, TaskQuery(sort=SortField.DUE, descending=False), first.next_cursor, 2)
    assert ids(second.tasks) == [undated.id]
    assert second.next_cursor is None


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_the_last_page_is_read_directly_and_pages_back_to_the_first(services, alice, clock, descending):
    """`End` shows the list's last tasks without reading the rest; from there the list pages backwards."""
    today = today_of(clock)
    tasks = [add(services, alice, f"t{n}", due=None if n % 3 == 0 else today + timedelta(days=n % 4)) for n in range(11)]
    query = TaskQuery(sort=SortField.DUE, descending=descending)
    expected = expected_order(tasks, SortField.DUE, descending)
    last = services.tasks.page(alice, query, limit=4, backward=True)
    assert ids(last.tasks) == expected[-4:]
    before = services.tasks.page(alice, query, last.next_cursor, 4, backward=True)
    assert ids(before.tasks) == expected[-8:-4]
    # a forward cursor read backwards gives what comes before that task, and the other way round
    first = services.tasks.page(alice, query, limit=5)
    middle = services.tasks.page(alice, query, first.next_cursor, 3)
    assert ids(services.tasks.page(alice, query, middle.next_cursor, 50, backward=True).tasks) == expected[:7]
    for limit in (1, 2, 5, 11, 12):
        assert ids(all_pages_backward(services, alice, query, limit)) == expected, limit


def test_page_limit_is_kept_between_1_and_500(services, alice):
    for n in range(3):
        add(services, alice, f"t{n}")
    assert len(services.tasks.page(alice, limit=0).tasks) == 1
    assert len(services.tasks.page(alice, limit=-5).tasks) == 1
    page = services.tasks.page(alice, limit=10_000)
    assert len(page.tasks) == 3 and page.next_cursor is None


def test_an_empty_list_has_one_empty_page(services, alice):
    for sort in SortField:
        page = services.tasks.page(alice, TaskQuery(sort=sort))
        assert page.tasks == () and page.next_cursor is None


_task_specs = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.sampled_from(["alpha", "bravo", "charlie"]),
            "priority": st.sampled_from(list(Priority)),
            "due": st.none() | st.integers(-2, 2),
            "created_minute": st.integers(0, 2),
            "toggled_minute": st.none() | st.integers(0, 3),
            "tags": st.sets(st.sampled_from(["x", "y"])),
        }
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=_task_specs, limit=st.integers(2, 5))
def test_paging_returns_every_task_exactly_once_in_every_order_and_filter(services, clock, specs, limit):
    """Many equal sort values, small pages: each sort, direction and filter lists exactly the right tasks in order."""
    user = new_user(services)  # each example starts from an empty task list
    base = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
    today = local_date(base)
    clock.now = base
    tasks: dict[int, TaskView] = {}
    for spec in specs:
        clock.now = base + timedelta(minutes=spec["created_minute"])
        due = None if spec["due"] is None else today + timedelta(days=spec["due"])
        task = services.tasks.create(
            user, TaskDraft(spec["title"], priority=spec["priority"], due=due, tags=tuple(spec["tags"]))
        )
        tasks[task.id] = task
    for task_id, spec in zip(list(tasks), specs):
        if spec["toggled_minute"] is not None:
            clock.now = base + timedelta(minutes=spec["toggled_minute"])
            tasks[task_id] = services.tasks.toggle(user, task_id)
    clock.now = base
    for sort in SortField:
        for descending in (False, True):
            listed = all_pages(services, user, TaskQuery(sort=sort, descending=descending), limit)
            assert ids(listed) == expected_order(tasks.values(), sort, descending, base), (sort, descending)
            assert ids(all_pages_backward(services, user, TaskQuery(sort=sort, descending=descending), limit)) == ids(listed)
            assert listed == [tasks[t.id] for t in listed]  # every field, tags included, as stored
    for task_filter in TaskFilter:
        query = TaskQuery(filter=task_filter, sort=SortField.DUE, descending=False)
        wanted = expected_filter(tasks.values(), task_filter, today)
        assert ids(all_pages(services, user, query, limit)) == expected_order(wanted, SortField.DUE, False)
        assert services.tasks.count(user, query) == len(wanted)


@pytest.mark.parametrize("seed", range(3))
def test_count_equals_the_number_of_tasks_paged_for_the_same_query(services, alice, clock, seed):
    rng = random.Random(seed)
    today = today_of(clock)
    for n in range(30):
        clock.advance(minutes=rng.choice([0, 0, 1]))
        task = add(
            services, alice, rng.choice(["plan trip", "call mum", "fix bike", "Plan budget"]),
            description=rng.choice(["", "urgent", "later"]), priority=rng.choice(list(Priority)),
            due=rng.choice([None, today - timedelta(days=1), today, today + timedelta(days=2)]),
            project=rng.choice([None, "home", "work"]), tags=tuple(rng.sample(["a", "b", "c"], rng.randrange(3))),
        )  # fmt: skip
        if rng.random() < 0.4:
            services.tasks.toggle(alice, task.id)
    queries = [
        TaskQuery(filter=f, search=search, project=project, tag=tag, sort=sort, descending=rng.random() < 0.5)
        for f in TaskFilter
        for search in ("", "plan", "urgent b")
        for project, tag in ((None, None), ("home", None), (None, "a"))
        for sort in (SortField.DUE, rng.choice(list(SortField)))
    ]
    for query in queries:
        listed = all_pages(services, alice, query, limit=7)
        assert len(set(ids(listed))) == len(listed), query
        assert services.tasks.count(alice, query) == len(listed), query


def test_hash_word_searches_tags_by_prefix(services, alice):
    services.tasks.create(alice, TaskDraft("Trip", tags=("travel",)))
    services.tasks.create(alice, TaskDraft("Travel insurance"))  # the word is in the title, not a tag
    found = services.tasks.page(alice, TaskQuery(search="#trav")).tasks
    assert [t.title for t in found] == ["Trip"]
    assert services.tasks.count(alice, TaskQuery(search="#")) == 0  # a lone "#" is a plain word: no text has one


@pytest.mark.parametrize(
    "query",
    [TaskQuery(search="\ud800"), TaskQuery(search="nul\x00"), TaskQuery(project="a\x00"), TaskQuery(tag="\x1b[31m"),
     TaskQuery(sort="nonsense"), TaskQuery(filter="everything")],  # fmt: skip
    ids=["surrogate", "nul-search", "nul-project", "escape-tag", "bad-sort", "bad-filter"],
)
def test_a_query_with_text_no_database_can_compare_is_refused(services, alice, query):
    with pytest.raises(ValidationError):
        services.tasks.page(alice, query)
    with pytest.raises(ValidationError):
        services.tasks.count(alice, query)


# --- the change counter other windows poll ----------------------------------------------------------


def test_every_write_to_a_users_tasks_counts_one_change_and_nothing_else_does(services, alice, bob):
    changes = lambda: services.tasks.changes(alice)  # noqa: E731
    assert changes() == 0
    task = add(services, alice, "one")
    assert changes() == 1
    task = services.tasks.update(alice, task.id, TaskDraft("one, edited"))
    task = services.tasks.toggle(alice, task.id)
    assert changes() == 3
    services.tasks.page(alice), services.tasks.count(alice), services.tasks.get(alice, task.id), services.stats.summary(alice)
    assert changes() == 3  # reads change nothing
    with pytest.raises(StaleTask):
        services.tasks.toggle(alice, task.id, task.version - 1)
    with pytest.raises(NotFound):
        services.tasks.delete(bob, task.id)  # another user's id: refused, and not counted for anyone
    assert changes() == 3 and services.tasks.changes(bob) == 0
    add(services, bob, "bob's")
    assert changes() == 3 and services.tasks.changes(bob) == 1
    services.tasks.delete(alice, task.id)
    services.history.undo(alice)
    assert changes() == 5


def test_the_change_counter_of_a_deleted_account_is_not_found(services, alice):
    services.accounts.delete_account(alice, "alice-password")
    with pytest.raises(NotFound):
        services.tasks.changes(alice)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_the_first_and_last_days_dates_accept_are_saved_and_read_back(services, alice, monkeypatch, zone):
    """1900-01-01 and 9999-12-31 are in the range the date input accepts; the end of 9999-12-31 is past the
    last instant Python has in some zones, and is stored as that last instant, read back as the same day."""
    import time as clock_module

    monkeypatch.setenv("TZ", zone)
    clock_module.tzset()
    try:
        for day in (date(1900, 1, 1), date(9999, 12, 31)):
            task = add(services, alice, f"edge {day}", due=day, wait=day)
            assert (services.tasks.get(alice, task.id).due, services.tasks.get(alice, task.id).wait) == (day, day)
    finally:
        monkeypatch.undo()
        clock_module.tzset()
