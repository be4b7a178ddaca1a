"""Adversarial checks of issue 11's services: the operation log (undo/redo), bulk writes, the filter
language and saved views, driven directly (no Textual)."""

from __future__ import annotations

import pytest

from tui_tasks.changes import BulkEdit, HistoryRefused
from tui_tasks.domain import TaskDraft, TaskQuery
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.transfer import import_tasks

PASSWORD = "correct horse battery"


@pytest.fixture
def kim(services):
    return services.accounts.register("kim@example.com", PASSWORD, "Kim")


def titles(services, user, **query) -> list[str]:
    return sorted(t.title for t in services.tasks.page(user, TaskQuery(**query), limit=500).tasks)


def by_title(services, user, title: str):
    return next(t for t in services.tasks.page(user, TaskQuery(), limit=500).tasks if t.title == title)


def test_undo_of_an_import_after_one_of_its_tasks_was_deleted_and_restored(services, kim, clock, tmp_path):
    services.tasks.create(kim, TaskDraft("Before the import"))
    path = tmp_path / "in.csv"
    path.write_text("title\nImp A\nImp B\nImp C\n")
    import_tasks(services, kim, path, "csv")
    imp_b = by_title(services, kim, "Imp B")
    clock.advance(minutes=1)
    services.tasks.delete(kim, imp_b.id)
    clock.advance(minutes=1)
    services.history.undo(kim)  # the delete undone: Imp B is back under its own id, inside the import's id range
    assert titles(services, kim) == ["Before the import", "Imp A", "Imp B", "Imp C"]
    assert (by_title(services, kim, "Imp B").id, by_title(services, kim, "Imp B").uuid) == (imp_b.id, imp_b.uuid)
    clock.advance(minutes=1)
    services.history.undo(kim)  # the import undone
    assert titles(services, kim) == ["Before the import"]
    services.history.redo(kim)  # the import again: its tasks under their own ids, so the delete's redo finds Imp B
    services.history.redo(kim)
    assert titles(services, kim) == ["Before the import", "Imp A", "Imp C"]
    services.history.undo(kim)
    services.history.undo(kim)
    assert titles(services, kim) == ["Before the import"]


def test_a_bulk_delete_of_hundreds_with_subtasks_links_and_notes_undoes_and_redoes_exactly(services, kim):
    parent = services.tasks.create(kim, TaskDraft("Parent"))
    child = services.tasks.create(kim, TaskDraft("Child", parent_id=parent.id))
    grandchild = services.tasks.create(kim, TaskDraft("Grandchild", parent_id=child.id))
    services.tasks.create(kim, TaskDraft("Blocked", depends=(grandchild.id,)))
    services.tasks.annotate(kim, child.id, "a note")
    many = [services.tasks.create(kim, TaskDraft(f"Bulk {i:03d}", tags=(f"t{i % 3}",))).id for i in range(250)]
    before = {t.title: (t.tags, t.completed) for t in services.tasks.page(kim, TaskQuery(), limit=500).tasks}
    services.tasks.bulk_delete(kim, [*many, parent.id, child.id])
    assert titles(services, kim) == ["Blocked", "Grandchild"]
    services.history.undo(kim)
    after = {t.title: (t.tags, t.completed) for t in services.tasks.page(kim, TaskQuery(), limit=500).tasks}
    assert after == before
    restored_child = by_title(services, kim, "Child")
    assert restored_child.parent_id == by_title(services, kim, "Parent").id
    assert by_title(services, kim, "Grandchild").parent_id == restored_child.id
    assert [text for _, text in services.tasks.annotations(kim, restored_child.id)] == ["a note"]
    services.history.redo(kim)
    assert titles(services, kim) == ["Blocked", "Grandchild"]
    services.history.undo(kim)
    assert len(titles(services, kim)) == 254


def test_bulk_writes_refuse_another_accounts_task_and_bad_parents(services, kim):
    eve = services.accounts.register("eve@example.com", PASSWORD, "Eve")
    secret = services.tasks.create(eve, TaskDraft("Eve's secret"))
    mine = [services.tasks.create(kim, TaskDraft(f"Mine {i}")).id for i in range(3)]
    with pytest.raises(NotFound):
        services.tasks.bulk_complete(kim, [mine[0], secret.id])
    with pytest.raises(NotFound):
        services.tasks.bulk_delete(kim, [secret.id])
    for parent in (secret.id, 0, -1, 2**40, mine[0]):
        with pytest.raises(ValidationError):
            services.tasks.bulk_edit(kim, mine, BulkEdit(parent_id=parent))
    with pytest.raises(ValidationError):
        services.tasks.bulk_edit(kim, mine, BulkEdit(add_tags=("x" * 500,)))
    with pytest.raises(ValidationError):
        services.tasks.bulk_edit(kim, mine, BulkEdit(project="bad\x1bproject"))
    assert titles(services, eve) == ["Eve's secret"] and not by_title(services, eve, "Eve's secret").completed
    assert all(t.parent_id is None and not t.tags for t in services.tasks.page(kim, TaskQuery()).tasks)


def test_a_cycle_through_bulk_move_is_refused(services, kim):
    a = services.tasks.create(kim, TaskDraft("A"))
    b = services.tasks.create(kim, TaskDraft("B", parent_id=a.id))
    c = services.tasks.create(kim, TaskDraft("C", parent_id=b.id))
    with pytest.raises(ValidationError):
        services.tasks.bulk_edit(kim, [a.id], BulkEdit(parent_id=c.id))
    assert by_title(services, kim, "A").parent_id is None


def test_undo_refuses_rather_than_overwrite_a_change_made_outside_the_log(services, kim):
    task = services.tasks.create(kim, TaskDraft("Original"))
    services.tasks.bulk_edit(kim, [task.id], BulkEdit(project="work"))
    with services.db.session(write=True) as session:  # another program writes the same field
        from sqlalchemy import text

        session.connection().execute(text("UPDATE task SET project = 'other', version = version + 1 WHERE id = :id"),
                                     {"id": task.id})  # fmt: skip
    with pytest.raises(HistoryRefused):
        services.history.undo(kim)
    assert by_title(services, kim, "Original").project == "other"


@pytest.mark.parametrize("text", [
    '"', '"abc', "-", "--", "!", "#", "due<=", "due:", "due>", "is:", "is:dne", "🎉", "x" * 10_000, '-"', '""',
    "project:", 'project:"', "due:9999-12-31", "due>9999-12-31", "due<1900-01-01", "due<0001-01-01",
    "due:+99999999d", "-due:today", "-#", "-!", "\x00", "a\x1b[31mb", "‮rtl", "due<=fri fri fri fri fri fri",
    "is:done is:pending", "!high !low", "#" * 500, "pro:" + "p" * 5000, "due>=in 2 weeks", 'due:"tomorrow"',
    "% _ \\", "' OR 1=1 --",
], ids=lambda text: repr(text[:24]))  # fmt: skip
def test_hostile_filter_text_never_raises_and_never_shows_another_account(services, kim, text):
    """Only a one-line refusal (too long, control characters) or Kim's own task: never a crash or Eve's."""
    eve = services.accounts.register("eve@example.com", PASSWORD, "Eve")
    services.tasks.create(eve, TaskDraft("Eve's secret % _ \\ ' OR 1=1 --", project="p" * 50, tags=("x",)))
    services.tasks.create(kim, TaskDraft("Kim's task", project="work"))
    try:
        found = services.tasks.page(kim, TaskQuery(search=text), limit=50).tasks
    except ValidationError as refused:
        assert "\n" not in refused.message and len(text) > 200 or any(ord(c) < 32 or c == "\u202e" for c in text)
        return
    assert all(t.title == "Kim's task" for t in found)
    assert services.tasks.count(kim, TaskQuery(search=text)) == len(found)


def test_due_after_the_last_day_there_is_lists_nothing_and_says_so(services, kim):
    from datetime import datetime, timezone

    services.tasks.create(kim, TaskDraft("Far", due=datetime(9999, 12, 31, tzinfo=timezone.utc).date()))
    assert titles(services, kim, search="due>9999-12-31") == []
    assert titles(services, kim, search="due>=9999-12-31") == ["Far"]
    assert titles(services, kim, search="due:9999-12-31") == ["Far"]


def test_saved_views_refuse_empty_duplicate_and_huge_names_and_stay_per_account(services, kim):
    eve = services.accounts.register("eve@example.com", PASSWORD, "Eve")
    start = [v.name for v in services.views.list(kim)]
    for name in ("", "   ", "x" * 10_000, "bad\x1bname", "two\nlines"):
        with pytest.raises(ValidationError):
            services.views.save(kim, name, "project:work", "created", True)
    with pytest.raises(ValidationError):
        services.views.save(kim, "Broken", "due<=", "created", True)
    services.views.save(kim, start[0].upper(), "project:home", "created", True)  # the same name: replaced, not doubled
    names = [v.name for v in services.views.list(kim)]
    assert len(names) == len(start) and len({n.casefold() for n in names}) == len(names)
    mine = services.views.save(kim, "Work", "project:work", "created", True)
    assert "Work" not in [v.name for v in services.views.list(eve)]
    with pytest.raises((NotFound, ValidationError)):
        services.views.delete(eve, mine.id)
    with pytest.raises((NotFound, ValidationError)):
        services.views.rename(eve, mine.id, "Stolen")
    services.views.delete(kim, mine.id)
    with pytest.raises((NotFound, ValidationError)):
        services.views.delete(kim, mine.id)  # deleted in the other window meanwhile
