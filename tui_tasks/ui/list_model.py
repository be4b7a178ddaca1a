"""The task list's state and its rules, without Textual: what the list screen holds and what each event
does to it. The screen renders this model and sends its messages; tests drive it directly (a hypothesis
state machine in tests/unit/test_list_model.py checks it against a plain reference).

It holds:
- the query the list answers, and the search the rows held answer (it runs ahead while typing);
- which load the rows belong to (`generation`), which ends have a page on its way, the cursors of the
  rows after and before those held;
- the versions our writes on their way will leave (so that only a change made elsewhere is stale);
- the selection: task ids picked with `v`, or every task the query matches (`ctrl+a`) less those
  unpicked since;
- pages kept to show at once: the first and last page of the list, and the first page of the filter `f`
  goes to next (`Home`, `End` and `f` then paint without waiting for SQL; the screen reads them again
  right after, so a page kept past a change is put right within one read).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_tasks.domain import PageCursor, SortField, TaskFilter, TaskPage, TaskQuery, TaskView, narrows

FILTERS = list(TaskFilter)  # the order `f` goes through them
ENDS_KEPT = 24  # pages kept to show at once (a page: 100 tasks): both ends of each filter `f` goes through,
# and the saved views' first pages (12 was too few: each round of `f` pushed out the page it was about to want)
COUNTS_KEPT = 64  # how many tasks match a query: shown with its page kept, read again with it


@dataclass(slots=True)
class Selection:
    """Tasks picked for a bulk action. `everything`: every task the list's query matches, less `ids`
    (picked out again); otherwise exactly `ids`."""

    ids: set[int] = field(default_factory=set)
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.ids)

    def has(self, task_id: int) -> bool:
        return (task_id not in self.ids) if self.everything else (task_id in self.ids)

    def toggle(self, task_id: int) -> None:
        self.ids.symmetric_difference_update({task_id})

    def count(self, matching: int | None) -> int | None:
        """How many tasks are selected; None when it depends on a count not known yet."""
        if not self.everything:
            return len(self.ids)
        return None if matching is None else max(0, matching - len(self.ids))

    def shown_ids(self, held: Iterable[int]) -> set[int]:
        """The selected ids among the rows held (what the table marks)."""
        return {task_id for task_id in held if self.has(task_id)}


@dataclass(slots=True)
class ListModel:
    """The list's state. Methods are the events; each says what the screen must do, if anything."""

    query: TaskQuery = field(default_factory=TaskQuery)
    held_search: str = ""
    generation: int = 0  # which load the pages belong to
    shown: int = -1  # the generation whose first page is in the table
    loading: set[bool] = field(default_factory=set)  # ends (before: True, after: False) with a page on its way
    next_cursor: PageCursor | None = None  # where the rows after those held start
    prev_cursor: PageCursor | None = None  # and the rows before them (after End), read backwards
    versions: dict[int, int] = field(default_factory=dict)  # task id -> its version once our writes have run
    confirmed: dict[int, int] = field(default_factory=dict)  # task id -> the version our last write made
    selection: Selection = field(default_factory=Selection)
    ends: dict[tuple[TaskQuery, str], TaskPage] = field(default_factory=dict)  # (paged query, "first"/"last")
    ends_epoch: int = 0  # moves when the pages kept are forgotten: reads begun before then are not kept
    load_epoch: int = 0  # the epoch when the load now on its way began
    counted: dict[TaskQuery, int] = field(default_factory=dict)  # how many tasks a query matches, kept as pages are

    # --- the query and its loads ----------------------------------------------------------------------
    @property
    def held_query(self) -> TaskQuery:
        """The query the rows held answer."""
        return dataclasses.replace(self.query, search=self.held_search)

    @staticmethod
    def paged(query: TaskQuery) -> TaskQuery:
        """The query as the list pages it: subtasks under their parents, unless searching (then a flat
        list whose tasks carry their parents' titles)."""
        return dataclasses.replace(query, tree=not query.search)

    def set_query(self, **changes: object) -> bool:
        """Change the query; True when the selection had to go (it meant the tasks of the old query)."""
        old = self.query
        self.query = dataclasses.replace(self.query, **changes)  # type: ignore[arg-type]
        dropped = bool(self.selection) and self.query != old
        if dropped:
            self.selection = Selection()
        return dropped

    def begin_load(self) -> int:
        """A new first (or last) page is asked for: pages of older loads will be dropped. Its generation."""
        self.generation += 1
        self.loading.clear()
        self.next_cursor = self.prev_cursor = None
        self.load_epoch = self.ends_epoch
        return self.generation

    def begin_more(self, before: bool) -> PageCursor | None:
        """The cursor to read the next page at one end from, or None (nothing there, or already asked)."""
        cursor = self.prev_cursor if before else self.next_cursor
        if before in self.loading or cursor is None:
            return None
        self.loading.add(before)
        return cursor

    def page_arrived(self, generation: int, reset: bool, before: bool, edge: str | None, cursor: PageCursor | None) -> bool:
        """A page came; False when it belongs to an older load (drop it)."""
        if generation != self.generation:
            return False
        if reset:
            self.shown, self.held_search = generation, self.query.search
        else:
            self.loading.discard(before)
        if before or edge == "last":  # read backwards: its cursor goes on towards the start
            self.prev_cursor = cursor
        else:
            self.next_cursor = cursor
        return True

    def more_failed(self) -> None:
        self.loading.clear()  # the next move near either end tries again

    def holds_whole_list(self) -> bool:
        """Whether the rows held are every task of the list: its first page is in, nothing before or after
        them, and no page on its way."""
        return (self.shown == self.generation and not self.loading
                and self.next_cursor is None and self.prev_cursor is None)  # fmt: skip

    def can_narrow(self, search: str) -> bool:
        """Typing on in the search box when the whole list is held: its rows that match are the answer."""
        return self.holds_whole_list() and narrows(self.held_search, search)

    def narrow(self, search: str) -> None:
        """The rows held now answer `search` (a re-read of the window still on its way is dropped)."""
        self.generation += 1
        self.shown, self.held_search = self.generation, search

    def window_arrived(self, generation: int, tail: bool, cursor: PageCursor | None) -> bool:
        """The rows held were read again; False when they are out of date (the list changed meanwhile,
        or is growing): the next poll looks again."""
        if generation != self.generation or self.loading:
            return False
        if tail:
            self.prev_cursor = cursor
        else:
            self.next_cursor = cursor
        return True

    def cycled(self) -> TaskQuery:
        """The query `f` goes to: the next fixed filter."""
        return dataclasses.replace(self.query, filter=FILTERS[(FILTERS.index(self.query.filter) + 1) % len(FILTERS)])

    # --- pages kept to show at once -------------------------------------------------------------------
    def kept(self, query: TaskQuery, edge: str) -> TaskPage | None:
        """The page kept of `query` (as paged) at `edge` ("first" or "last"), if any."""
        return self.ends.get((self.paged(query), edge))

    def keep(self, epoch: int, query: TaskQuery, edge: str, page: TaskPage) -> None:
        """Keep `page`, read at `edge` of `query` (as paged) by a read begun at `epoch`: unless the pages
        kept were forgotten since (a change may have come after it was read)."""
        if epoch != self.ends_epoch:
            return
        key = (self.paged(query), edge)
        self.ends.pop(key, None)
        self.ends[key] = page  # the newest last: the oldest goes first
        while len(self.ends) > ENDS_KEPT:
            del self.ends[next(iter(self.ends))]

    @staticmethod
    def counted_as(query: TaskQuery) -> TaskQuery:
        """The query as far as its count goes: the order changes no count."""
        return dataclasses.replace(query, sort=SortField.CREATED, descending=True)

    def kept_count(self, query: TaskQuery) -> int | None:
        """How many tasks `query` matched when last counted, unless the pages kept were forgotten since."""
        return self.counted.get(self.counted_as(query))

    def keep_count(self, epoch: int, query: TaskQuery, matching: int) -> None:
        """Keep a count read by a read begun at `epoch` (as `keep`: not if the pages kept were forgotten since)."""
        if epoch != self.ends_epoch:
            return
        key = self.counted_as(query)
        self.counted.pop(key, None)
        self.counted[key] = matching
        while len(self.counted) > COUNTS_KEPT:  # searches typed add one each
            del self.counted[next(iter(self.counted))]

    def forget_ends(self) -> None:
        """The tasks may have changed: no page or count kept is shown any more, nor one read before now."""
        self.ends.clear()
        self.counted.clear()
        self.ends_epoch += 1

    def ends_wanted(self) -> list[tuple[TaskQuery, str]]:
        """The pages worth reading ahead, now that the rows held are in: the other end of this list (when
        it goes on past them) and the first page of the filter `f` goes to; less those kept."""
        wanted = []
        if self.shown == self.generation and not self.loading:
            if self.prev_cursor is not None:
                wanted.append((self.held_query, "first"))
            elif self.next_cursor is not None:
                wanted.append((self.held_query, "last"))
        if not self.query.search:
            wanted.append((self.cycled(), "first"))
        return [(query, edge) for query, edge in wanted if self.kept(query, edge) is None]

    # --- our own writes -------------------------------------------------------------------------------
    def expect_write(self, task: TaskView) -> tuple[int, bool]:
        """The version `task` will have when the writes already asked for have run (each adds one): what
        the next write expects, so that only a change made elsewhere is refused as stale; and whether
        that is a guess resting on a write of ours still on its way."""
        guess = task.id in self.versions
        version = self.versions.get(task.id, task.version)
        self.versions[task.id] = version + 1
        return version, guess

    def may_send(self, task_id: int, version: int, guess: bool) -> bool:
        """A guessed version is sent only if our previous write on the task made exactly that version
        (had it been refused, the guess could match a version written elsewhere). Called by the write
        worker; write workers run one at a time, in order."""
        return not guess or self.confirmed.get(task_id) == version

    def sent(self, task_id: int, version: int) -> None:
        """A write expecting `version` went through (from the write worker)."""
        self.confirmed[task_id] = version + 1

    def settled(self, task: TaskView) -> None:
        """A task as a write left it: no write of ours on it is still on its way once we have seen its
        last version."""
        if self.versions.get(task.id, 0) <= task.version:
            self.versions.pop(task.id, None)
        self.forget_ends()  # a page kept may hold the task as it was

    def refused(self, task_id: int, version: int) -> None:
        """A write sent expecting `version` was refused."""
        if self.versions.get(task_id) == version + 1:  # it was the last one asked for
            self.versions.pop(task_id)

    def writing(self, task_id: int) -> bool:
        return task_id in self.versions

    def forget(self, task_id: int) -> None:
        """The task is gone (deleted here or elsewhere)."""
        self.versions.pop(task_id, None)
        self.forget_ends()
        if not self.selection.everything:
            self.selection.ids.discard(task_id)

    # --- selection ------------------------------------------------------------------------------------
    def toggle_selected(self, task_id: int) -> None:
        self.selection.toggle(task_id)

    def select_everything(self) -> None:
        self.selection = Selection(everything=True)

    def clear_selection(self) -> bool:
        """False when there was nothing selected."""
        had = bool(self.selection)
        self.selection = Selection()
        return had
