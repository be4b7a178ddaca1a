"""Saved views: defaults made once, save (create or replace by name), rename, delete, move; each scoped to
its user (another user's ids behave as missing ones), and every mistake a clear message."""

from __future__ import annotations

import threading

import pytest

from tui_tasks.domain import SortField, TaskDraft
from tui_tasks.errors import NotFound, ValidationError
from tui_tasks.services.views import DEFAULT_VIEWS, Views


@pytest.fixture
def views(services) -> Views:
    return services.views


def names(views_list) -> list[str]:
    return [v.name for v in views_list]


def test_a_user_without_views_gets_the_defaults_once(views, alice, bob):
    first = views.list(alice)
    assert names(first) == ["Inbox", "Today", "Upcoming", "Overdue", "Waiting", "Done"]
    assert views.list(alice) == first  # not made again
    assert [v.id for v in views.list(bob)] != [v.id for v in first]  # bob's own
    done = first[-1]
    assert (done.filter, done.sort, done.descending) == ("is:done", SortField.UPDATED, True)


def test_the_default_views_list_what_their_names_say(services, views, alice, clock):
    day = clock().astimezone().date()
    from datetime import timedelta

    make = lambda title, **kw: services.tasks.create(alice, TaskDraft(title, **kw))  # noqa: E731
    make("inbox task")
    make("due today", due=day, project="p")
    make("overdue", due=day - timedelta(days=2), project="p")
    make("later", due=day + timedelta(days=3), project="p")
    make("waits", wait=day + timedelta(days=2), project="p")
    services.tasks.toggle(alice, make("finished", project="p").id)
    shown = {v.name: [t.title for t in services.tasks.page(alice, v.query()).tasks] for v in views.list(alice)}
    assert shown == {"Inbox": ["inbox task"], "Today": ["overdue", "due today"], "Upcoming": ["later"],
                     "Overdue": ["overdue"], "Waiting": ["waits"], "Done": ["finished"]}


def test_save_creates_or_replaces_by_name(views, alice):
    views.list(alice)
    saved = views.save(alice, "  Work  ", "project:work !high", SortField.DUE, False)
    assert (saved.name, saved.filter, saved.position) == ("Work", "project:work !high", 6)
    again = views.save(alice, "work", "project:work", "priority", True)
    assert again.id == saved.id and (again.name, again.filter, again.sort) == ("work", "project:work", SortField.PRIORITY)
    assert names(views.list(alice))[-1] == "work" and len(views.list(alice)) == 7


@pytest.mark.parametrize(
    ("name", "text", "sort", "message"),
    [
        ("", "milk", "due", "View name is required"),
        ("x" * 41, "milk", "due", "View name must be at most 40 characters (it has 41)"),
        ("two\nlines", "milk", "due", "View name"),
        ("Bad", "prio:high", "due", "The filter has a mistake: unknown field 'prio' — try project:, #tag, !high, due:, is:"),
        ("Bad", "due:someday", "due", "The filter has a mistake: not a day: 'someday'"),
        ("Bad", "x" * 201, "due", "Filter must be at most 200 characters"),
        ("Bad", "milk", "loudness", "Unknown sort"),
    ],
)
def test_a_bad_name_filter_or_sort_is_refused_clearly(views, alice, name, text, sort, message):
    with pytest.raises(ValidationError) as caught:
        views.save(alice, name, text, sort, True)
    assert caught.value.message.startswith(message)


def test_rename_delete_and_move(views, alice):
    inbox, today, *_ = views.list(alice)
    assert views.rename(alice, today.id, "Now").name == "Now"
    with pytest.raises(ValidationError, match="A view named “Inbox” exists already: choose another name"):
        views.rename(alice, today.id, "inbox")
    assert names(views.move(alice, inbox.id, 2)) == ["Now", "Upcoming", "Inbox", "Overdue", "Waiting", "Done"]
    assert names(views.move(alice, inbox.id, -99)) == ["Inbox", "Now", "Upcoming", "Overdue", "Waiting", "Done"]
    assert names(views.move(alice, inbox.id, 99))[-1] == "Inbox"
    assert names(views.list(alice))[-1] == "Inbox"
    views.delete(alice, today.id)
    assert "Now" not in names(views.list(alice))
    for view in views.list(alice)[:-1]:
        views.delete(alice, view.id)
    with pytest.raises(ValidationError, match="last view"):
        views.delete(alice, views.list(alice)[0].id)


@pytest.mark.parametrize("bad_id", ["bobs", -1, 0, 2**40, True, "1", None])
def test_another_users_view_is_not_found(views, alice, bob, bad_id):
    bobs = views.list(bob)[0]
    views.list(alice)
    view_id = bobs.id if bad_id == "bobs" else bad_id
    for action in (lambda: views.rename(alice, view_id, "Mine"), lambda: views.delete(alice, view_id),
                   lambda: views.move(alice, view_id, 1)):
        with pytest.raises(NotFound, match="View not found"):
            action()
    assert views.list(bob)[0] == bobs


def test_two_windows_listing_at_once_make_the_defaults_once(services, alice):
    """Two first reads at once (two windows, two clients of one server): one set of defaults, no error."""
    results, errors = [], []

    def read() -> None:
        try:
            results.append(names(services.views.list(alice)))
        except Exception as error:  # noqa: BLE001 (collected and asserted on)
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and all(r == [name for name, *_ in DEFAULT_VIEWS] for r in results)


def test_the_views_screen_allows_the_names_the_service_takes() -> None:
    """The screen keeps its own copy of the limit (importing the service would load SQLAlchemy before the
    first paint): they must agree."""
    from tui_tasks.services import views as service
    from tui_tasks.ui.screens import views as screen

    assert screen.NAME_MAX == service.NAME_MAX
    for a, b in (("Work", "work"), (" Work ", "WORK"), ("Straße", "STRASSE"), ("Work", "Works"),
                 ("Caf\u00e9", "Cafe\u0301"), ("\ufb01le", "FILE"), ("Cafe", "Café")):
        assert screen.same_name(a, b) == service.same_name(a, b), (a, b)


def test_a_save_told_not_to_replace_keeps_the_view_of_that_name(views, alice):
    """The screen asks before replacing; a view named so in another window meanwhile must not be lost."""
    inbox = views.list(alice)[0]
    with pytest.raises(ValidationError, match="A view named “Inbox” exists already"):
        views.save(alice, " INBOX ", "project:work", SortField.DUE, False, replace=False)
    assert views.list(alice)[0] == inbox
    fresh = views.save(alice, "Work", "project:work", SortField.DUE, False, replace=False)
    assert fresh.name == "Work" and len(views.list(alice)) == len(DEFAULT_VIEWS) + 1
