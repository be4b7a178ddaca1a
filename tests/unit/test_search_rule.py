"""The search rule in Python (`search_accepts`, used to narrow the rows held while typing) against the
SQL that lists tasks: the same tasks on SQLite; on PostgreSQL, whose ILIKE also folds non-ASCII case,
never a task the SQL would not list. And `narrows` never claims a narrowing that is not one."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import TaskDraft, TaskQuery, narrows, search_accepts
from tui_tasks.services.transfer import import_tasks

RULE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WORDS = ["Milk", "milk", "MILK", "shake", "Öl", "öl", "100%", "snake_case", "a\\b", "Renew", "pass", "port",
         "#hash", "dentist", "Dune", "“Dune”", "x", "ab", "abc"]  # fmt: skip
TAGS = ["errand", "home", "öl", "hash", "snake_case", "a_b"]
# Searches made of the same pieces, and of single characters that are special in LIKE or in our syntax.
piece = st.sampled_from([*WORDS, *(f"#{t[:n]}" for t in TAGS for n in (1, 2, 4)), "#", "%", "_", "\\", "a", "K", "ö", "Ö"])
searches = st.lists(piece, max_size=3).map(" ".join) | st.text(alphabet="abkmlsÖö%_#\\ ", max_size=6)


@pytest.fixture
def tasks(services, alice):
    rng = random.Random(7)
    for n in range(40):
        services.tasks.create(alice, TaskDraft(
            " ".join(rng.sample(WORDS, rng.randint(1, 3))) + f" {n}",
            description=" ".join(rng.sample(WORDS, rng.randint(0, 2))),
            project=rng.choice([None, "home", "Öl-project", "work_100%"]),
            tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
        ))  # fmt: skip
    return services.tasks.page(alice, limit=500).tasks


def listed(services, alice, search: str) -> set[int]:
    page = services.tasks.page(alice, TaskQuery(search=search), limit=500)
    assert page.next_cursor is None
    return {task.id for task in page.tasks}


@RULE
@given(search=searches)
def test_the_python_rule_lists_what_the_sql_lists(services, alice, tasks, search):
    in_python = {task.id for task in tasks if search_accepts(task, search)}
    in_sql = listed(services, alice, search)
    if services.db.target.kind == "sqlite":
        assert in_python == in_sql
    else:
        assert in_python <= in_sql


@RULE
@given(old=searches, typed=st.text(alphabet="abkmlsÖö%_#\\ ", max_size=4), other=searches | st.none())
@example(old="#", typed="e", other=None)  # a word "#" is text; "#e" is a tag prefix: not a narrowing
@example(old="milk shake", typed="", other="milk")
def test_a_narrowed_search_lists_only_tasks_the_wider_one_listed(services, alice, tasks, old, typed, other):
    """What the list does while typing: the rows held for `old`, filtered by the Python rule, are the
    rows the query for the new search gives (on PostgreSQL, at most those). The new search is `old`
    typed on, or any other search (which `narrows` must then turn down unless it is one)."""
    new = old + typed if other is None else other
    if not narrows(old, new):
        return
    held = [task for task in tasks if task.id in listed(services, alice, old)]
    narrowed = {task.id for task in held if search_accepts(task, new)}
    if services.db.target.kind == "sqlite":
        assert narrowed == listed(services, alice, new)
    else:
        assert narrowed <= listed(services, alice, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "milk", True), ("mil", "milk", True), ("milk", "milk shake", True), ("milk", "mil", False),
        ("#err", "#erra", True), ("#err", "err", False), ("#", "#e", False), ("milk shake", "milk", False),
        ("ilk", "milk", True), ("a b", "a bc", True), ("a b", "ax b", False),
    ],
)
def test_narrows(old, new, expected):
    assert narrows(old, new) is expected


def test_the_text_index_follows_every_write(services, alice, tmp_path):
    """SQLite: the trigram index holds each task's title, notes and project exactly, after creates,
    edits, toggles, deletes, an import and an account's deletion (its tasks go by cascade)."""
    if not services.db.text_index:
        pytest.skip("the text index is SQLite's (FTS5)")

    def index() -> dict[int, str]:
        with services.db.engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT rowid, body FROM task_text").all())

    def expected() -> dict[int, str]:
        with services.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, title, description, project FROM task").all()
        return {id: f"{title}\n{description}\n{project or ''}" for id, title, description, project in rows}

    bob = services.accounts.register("bob@example.com", "bobs-password")
    first = services.tasks.create(alice, TaskDraft("Buy milk", description="two litres", project="home"))
    second = services.tasks.create(alice, TaskDraft("Call the dentist"))
    services.tasks.create(bob, TaskDraft("Bob's own task", project="work"))
    assert index() == expected() and len(index()) == 3
    services.tasks.update(alice, first.id, TaskDraft("Buy oat milk", description="", project=None))
    services.tasks.toggle(alice, second.id)
    assert index() == expected() and "Buy oat milk\n\n" in index().values()
    services.tasks.delete(alice, second.id)
    assert index() == expected() and len(index()) == 2
    source = tmp_path / "tasks.json"
    source.write_text('[{"description": "Imported one", "status": "pending", "project": "imp"},'
                      ' {"description": "Imported two", "status": "completed"}]')
    assert import_tasks(services, alice, source, "taskwarrior").imported == 2
    assert index() == expected() and len(index()) == 4
    services.accounts.delete_account(bob, "bobs-password")
    assert index() == expected() and sorted(index().values()) == ["Buy oat milk\n\n", "Imported one\n\nimp",
                                                                  "Imported two\n\n"]


def test_without_its_triggers_the_text_index_is_not_trusted(services, alice):
    """A later migration that rebuilt the task table would drop the triggers: tasks written after that
    are not in the index, so search must not use it (rather than miss them)."""
    if not services.db.text_index:
        pytest.skip("the text index is SQLite's (FTS5)")
    with services.db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER task_text_insert")
    services.db.__dict__.pop("text_index")  # as a new start would find it
    assert services.db.text_index is False
    services.tasks.create(alice, TaskDraft("Written while the index was not kept"))
    assert [t.title for t in services.tasks.page(alice, TaskQuery(search="while the index")).tasks] == [
        "Written while the index was not kept"]  # fmt: skip
