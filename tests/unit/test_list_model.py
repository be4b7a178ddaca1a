"""The list model without Textual: a hypothesis state machine drives it with any order of loads, pages,
writes, answers from the database, changes made elsewhere and selections, against a plain reference of
what each must do."""

from __future__ import annotations

from collections import deque

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tui_tasks.domain import PageCursor, SortField, TaskFilter, TaskPage, TaskQuery, TaskView
from tui_tasks.ui.list_model import COUNTS_KEPT, ENDS_KEPT, FILTERS, ListModel, Selection

TASKS = range(1, 5)


def view(task_id: int, version: int) -> TaskView:
    return TaskView(id=task_id, title=f"t{task_id}", description="", completed=False, completed_at=None, priority=0, due=None,
                    project=None, tags=(), created_at=None, updated_at=None, version=version)  # type: ignore[arg-type]  # fmt: skip


class ListMachine(RuleBasedStateMachine):
    """The server holds each task's version; our writes queue in order (one write worker) and run against
    it; a change made elsewhere moves a version behind our back. Safety: no write of ours ever goes
    through on top of a change made elsewhere that the list has not shown. Liveness: once every write has
    run and its answer is in, no version is still expected."""

    @initialize()
    def start(self) -> None:
        self.model = ListModel()
        self.server = {task_id: 1 for task_id in TASKS}
        self.seen = dict(self.server)  # the version the list last showed or made, per task
        self.queue: deque[tuple[int, int, bool]] = deque()  # writes asked for: (task, expected, guess)
        self.answers: deque[TaskView] = deque()  # tasks as writes or reads left them, not yet handled
        self.elsewhere: set[int] = set()  # tasks changed elsewhere since the list last saw them
        # reference of the loading rules
        self.generation, self.shown, self.loading = 0, -1, set()
        self.cursors = {True: None, False: None}
        self.selected: set[int] = set()
        self.everything = False
        self.unpicked: set[int] = set()

    # --- loads ------------------------------------------------------------------------------------------
    @rule()
    def load(self) -> None:
        assert self.model.begin_load() == self.generation + 1
        self.generation += 1
        self.loading.clear()
        self.cursors = {True: None, False: None}

    @rule(age=st.integers(0, 2), reset=st.booleans(), before=st.booleans(), edge=st.sampled_from([None, "first", "last"]),
          more=st.booleans())  # fmt: skip
    def page(self, age: int, reset: bool, before: bool, edge: str | None, more: bool) -> None:
        generation = self.generation - age
        cursor = PageCursor(1, generation) if more else None
        accepted = self.model.page_arrived(generation, reset, before, edge, cursor)
        assert accepted == (generation == self.generation)
        if accepted:
            if reset:
                self.shown = generation
            else:
                self.loading.discard(before)
            self.cursors[before or edge == "last"] = cursor

    @rule(before=st.booleans())
    def more(self, before: bool) -> None:
        cursor = self.model.begin_more(before)
        expected = None if before in self.loading else self.cursors[before]
        assert cursor == expected
        if cursor is not None:
            self.loading.add(before)

    @invariant()
    def whole_list_rule(self) -> None:
        whole = self.shown == self.generation and not self.loading and self.cursors == {True: None, False: None}
        assert self.model.holds_whole_list() == whole

    # --- writes -----------------------------------------------------------------------------------------
    @rule(task_id=st.sampled_from(TASKS))
    def write(self, task_id: int) -> None:
        version, guess = self.model.expect_write(view(task_id, self.seen[task_id]))
        self.queue.append((task_id, version, guess))

    @precondition(lambda self: self.queue)
    @rule()
    def worker_runs_next_write(self) -> None:
        task_id, version, guess = self.queue.popleft()
        if not self.model.may_send(task_id, version, guess):
            self.model.refused(task_id, version)  # "Not sent": the screen's failure path
            return
        if self.server[task_id] != version:  # StaleTask
            self.model.refused(task_id, version)
            self.answers.append(view(task_id, self.server[task_id]))  # the list reads it again
            return
        assert task_id not in self.elsewhere, "a write went through on top of a change the list never showed"
        self.server[task_id] += 1
        self.model.sent(task_id, version)
        self.answers.append(view(task_id, self.server[task_id]))

    @precondition(lambda self: self.answers)
    @rule()
    def answer_handled(self) -> None:
        task = self.answers.popleft()
        self.model.settled(task)
        if task.version >= self.server[task.id]:
            self.elsewhere.discard(task.id)
        self.seen[task.id] = max(self.seen[task.id], task.version)

    @rule(task_id=st.sampled_from(TASKS))
    def changed_elsewhere(self, task_id: int) -> None:
        self.server[task_id] += 1
        self.elsewhere.add(task_id)

    @invariant()
    def nothing_expected_once_all_is_in(self) -> None:
        if not self.queue and not self.answers:
            assert self.model.versions == {}

    # --- selection --------------------------------------------------------------------------------------
    @rule(task_id=st.sampled_from(TASKS))
    def pick(self, task_id: int) -> None:
        self.model.toggle_selected(task_id)
        target = self.unpicked if self.everything else self.selected
        target.symmetric_difference_update({task_id})

    @rule()
    def pick_everything(self) -> None:
        self.model.select_everything()
        self.everything, self.selected, self.unpicked = True, set(), set()

    @rule()
    def clear(self) -> None:
        had = self.everything or bool(self.selected)
        assert self.model.clear_selection() == had
        self.everything, self.selected, self.unpicked = False, set(), set()

    @rule(search=st.sampled_from(["", "a", "b"]))
    def change_query(self, search: str) -> None:
        changed = self.model.query.search != search
        dropped = self.model.set_query(search=search)
        assert dropped == (changed and (self.everything or bool(self.selected)))
        if changed:
            self.everything, self.selected, self.unpicked = False, set(), set()

    @invariant()
    def selection_rule(self) -> None:
        for task_id in TASKS:
            assert self.model.selection.has(task_id) == (task_id not in self.unpicked if self.everything else task_id in self.selected)
        matching = len(TASKS)
        assert self.model.selection.count(matching) == (matching - len(self.unpicked) if self.everything else len(self.selected))


ListMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_the_list_model_keeps_its_rules = ListMachine.TestCase


def test_a_guessed_version_is_not_sent_after_our_previous_write_was_refused() -> None:
    """The case the machine's safety rule is about, spelled out: two toggles in a row, the first refused
    (changed elsewhere): the second must not go out on the guess that the first went through."""
    model = ListModel()
    first = model.expect_write(view(1, 3))
    second = model.expect_write(view(1, 3))
    assert first == (3, False) and second == (4, True)
    model.refused(1, 3)
    assert model.may_send(1, *second) is False


def test_the_selection_goes_with_the_query_it_was_made_in() -> None:
    model = ListModel(query=TaskQuery())
    model.toggle_selected(7)
    assert model.set_query(search="x") is True and not model.selection
    assert model.set_query(search="x") is False
    assert Selection(everything=True).count(None) is None


# --- pages kept to show at once ---------------------------------------------------------------------------
def _page(*ids: int) -> TaskPage:
    return TaskPage(tuple(view(i, 1) for i in ids), None)


def test_a_page_read_before_the_tasks_changed_is_not_kept_and_the_oldest_goes_first() -> None:
    model = ListModel()
    epoch = model.ends_epoch
    model.forget_ends()  # a change while the read was on its way
    model.keep(epoch, model.query, "last", _page(1))
    assert model.kept(model.query, "last") is None
    queries = [TaskQuery(search=str(n)) for n in range(ENDS_KEPT + 2)]  # two more than are kept
    for n, query in enumerate(queries):
        model.keep(model.ends_epoch, query, "first", _page(n))
    assert len(model.ends) == ENDS_KEPT
    assert model.kept(queries[0], "first") is None and model.kept(queries[1], "first") is None
    assert model.kept(queries[2], "first") is not None and model.kept(queries[-1], "first") is not None
    model.settled(view(1, 2))  # a write of ours went through
    assert model.ends == {}


def test_a_count_is_kept_as_pages_are_whatever_the_order_and_goes_with_them() -> None:
    model = ListModel()
    pending = TaskQuery(filter=TaskFilter.PENDING)
    model.keep_count(model.ends_epoch, pending, 42)
    assert model.kept_count(TaskQuery(filter=TaskFilter.PENDING, sort=SortField.DUE, descending=False)) == 42
    assert model.kept_count(TaskQuery(filter=TaskFilter.DONE)) is None
    epoch = model.ends_epoch
    model.settled(view(1, 2))  # a write of ours: the count may be wrong now
    assert model.kept_count(pending) is None
    model.keep_count(epoch, pending, 41)  # counted before the write, arrived after it
    assert model.kept_count(pending) is None
    searches = [TaskQuery(search=str(n)) for n in range(COUNTS_KEPT + 1)]
    for n, query in enumerate(searches):
        model.keep_count(model.ends_epoch, query, n)
    assert len(model.counted) == COUNTS_KEPT and model.kept_count(searches[0]) is None
    assert model.kept_count(searches[-1]) == COUNTS_KEPT


def test_pages_wanted_are_the_other_end_and_the_next_filters_first_page() -> None:
    model = ListModel()
    generation = model.begin_load()
    model.page_arrived(generation, True, False, None, PageCursor(1, 1))  # the first page; more after it
    assert model.ends_wanted() == [(model.query, "last"), (model.cycled(), "first")]
    model.keep(model.ends_epoch, model.query, "last", _page(1))
    model.keep(model.ends_epoch, model.cycled(), "first", _page(2))
    assert model.ends_wanted() == []
    generation = model.begin_load()
    model.page_arrived(generation, True, False, "last", PageCursor(1, 1))  # End: the last page, more before it
    assert model.ends_wanted() == [(model.query, "first")]
    model.set_query(search="milk")  # while searching, `f` does not cycle (nor is its page read)
    assert all(query.filter == model.query.filter for query, _ in model.ends_wanted())
    assert model.cycled().filter == FILTERS[1] and ListModel(query=TaskQuery(filter=FILTERS[-1])).cycled().filter == FILTERS[0]
