"""Saved views: a named filter (the filter language) and order, per user in the database, so that they
follow a user onto a team server. A user who has none is given the defaults the first time they are read."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import SavedView
from tui_tasks.domain import SavedViewView, SortField, UserView, utcnow
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.filter_language import parse_filter
from tui_tasks.services.relations import lock_user
from tui_tasks.services.tasks import note_change
from tui_tasks.services.validation import TITLE_MAX, clean_line

NAME_MAX = 40
FILTER_MAX = TITLE_MAX  # what the search box (TaskQuery.search) takes
VIEW_NOT_FOUND = "View not found (it may have been deleted)"
DEFAULT_VIEWS = (  # name, filter, sort, descending
    ("Inbox", "is:pending project:none", SortField.CREATED, True),
    ("Today", "is:pending due<=today", SortField.DUE, False),
    ("Upcoming", "is:pending due>today", SortField.DUE, False),
    ("Overdue", "due:overdue", SortField.DUE, False),
    ("Waiting", "is:waiting", SortField.DUE, False),
    ("Done", "is:done", SortField.UPDATED, True),
)


def _view(row: SavedView) -> SavedViewView:
    return SavedViewView(row.id, row.name, row.filter, SortField(row.sort), row.descending, row.position)


class Views:
    """The logged-in user's saved views."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def _rows(self, session: Session, user: UserView) -> list[SavedView]:
        stmt = select(SavedView).where(col(SavedView.user_id) == user.id).order_by(SavedView.position, SavedView.id)
        return list(session.exec(stmt).scalars())

    def _owned(self, session: Session, user: UserView, view_id: object) -> SavedView:
        if isinstance(view_id, bool) or not isinstance(view_id, int) or not 0 < view_id < 2**31:
            raise NotFound(VIEW_NOT_FOUND)
        row = session.exec(select(SavedView).where(col(SavedView.user_id) == user.id, col(SavedView.id) == view_id)).scalar()
        if row is None:
            raise NotFound(VIEW_NOT_FOUND)
        return row

    def list(self, user: UserView) -> list[SavedViewView]:
        """The user's views in their order; the defaults (Inbox, Today, Upcoming, Overdue, Waiting, Done)
        are made in this call for a user who has none."""
        with self.db.session() as session:
            rows = self._rows(session, user)
        if rows:
            return [_view(row) for row in rows]
        with self.db.session(write=True) as session:
            lock_user(session, user.id)  # two windows opening at once: one makes them, the other reads them
            rows = self._rows(session, user)
            if not rows:
                now = self.clock()
                rows = [SavedView(user_id=user.id, name=name, filter=text, sort=sort.value, descending=desc,
                                  position=n, created_at=now)
                        for n, (name, text, sort, desc) in enumerate(DEFAULT_VIEWS)]  # fmt: skip
                session.add_all(rows)
                session.flush()
            return [_view(row) for row in rows]

    def save(
        self, user: UserView, name: str, filter_text: str, sort: SortField | str, descending: bool, *, replace: bool = True
    ) -> SavedViewView:
        """Save the filter and order under `name` (1-40 characters, one line): a new view at the end, or
        the view of that name (ignoring case) replaced; with `replace=False` that view is kept and the save
        refused (the screen asks first, and a view named so in another window meanwhile must not be lost).
        A filter with a mistake is refused, with it."""
        name, text, sort = _clean_name(name), self._clean_filter(filter_text), _clean_sort(sort)
        with self.db.session(write=True) as session:
            lock_user(session, user.id)
            rows = self._rows(session, user)
            row = next((r for r in rows if same_name(r.name, name)), None)
            if row is not None and not replace:
                raise _taken(row)
            if row is None:
                row = SavedView(user_id=user.id, name=name, position=max((r.position for r in rows), default=-1) + 1,
                                created_at=self.clock())  # fmt: skip
                session.add(row)
            row.name, row.filter, row.sort, row.descending = name, text, sort.value, bool(descending)
            session.flush()
            note_change(session, user.id)  # another window's header names the view: its next poll looks
            return _view(row)

    def rename(self, user: UserView, view_id: int, name: str) -> SavedViewView:
        """Give the view a new name; refused if another view has it."""
        name = _clean_name(name)
        with self.db.session(write=True) as session:
            lock_user(session, user.id)
            row = self._owned(session, user, view_id)
            other = next((r for r in self._rows(session, user) if r.id != row.id and same_name(r.name, name)), None)
            if other is not None:
                raise _taken(other)
            row.name = name
            session.flush()
            note_change(session, user.id)  # another window's header names the view: its next poll looks
            return _view(row)

    def delete(self, user: UserView, view_id: int) -> SavedViewView:
        """Delete the view; the last one is kept (with none, the defaults would come back)."""
        with self.db.session(write=True) as session:
            lock_user(session, user.id)
            row = self._owned(session, user, view_id)
            count = session.exec(select(func.count()).where(col(SavedView.user_id) == user.id)).scalar()
            if count <= 1:
                raise ValidationError("view", "The last view cannot be deleted: change it, or save another first")
            view = _view(row)
            session.exec(delete(SavedView).where(col(SavedView.id) == row.id))
            note_change(session, user.id)  # another window's header names the view: its next poll looks
            return view

    def move(self, user: UserView, view_id: int, step: int) -> list[SavedViewView]:
        """Move the view `step` places later (earlier if negative) in the user's order; the new order."""
        with self.db.session(write=True) as session:
            lock_user(session, user.id)
            row = self._owned(session, user, view_id)
            ordered = self._rows(session, user)
            at = next(n for n, r in enumerate(ordered) if r.id == row.id)
            rows = [r for r in ordered if r.id != row.id]
            rows.insert(max(0, min(len(rows), at + int(step))), row)
            for n, r in enumerate(rows):
                r.position = n
            session.flush()
            return [_view(r) for r in rows]

    def _clean_filter(self, text: str) -> str:
        text = clean_line("filter", "Filter", text, max_len=FILTER_MAX, required=False)
        error = parse_filter(text, self.clock()).first_error
        if error is not None:
            raise ValidationError("filter", f"The filter has a mistake: {error.message}")
        return text


def same_name(a: str, b: str) -> bool:
    """View names are one name whatever their case ("Work", "work") and however their letters are encoded
    ("Café" typed, or pasted as "Cafe" + a combining accent); the views screen compares the same way."""
    return _name_key(a) == _name_key(b)


def _name_key(name: str) -> str:
    """The form two names are compared in: NFKC, case folded (which may undo NFKC: again), trimmed."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()


def _taken(row: SavedView) -> ValidationError:
    return ValidationError("name", f"A view named “{row.name}” exists already: choose another name")


def _clean_name(name: str) -> str:
    return clean_line("name", "View name", name, max_len=NAME_MAX, required=True)


def _clean_sort(sort: SortField | str) -> SortField:
    try:
        return SortField(sort)
    except ValueError:
        raise ValidationError("sort", "Unknown sort") from None
