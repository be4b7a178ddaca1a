"""Security promises, each a test that could fail: users cannot reach each other's data through any
service function, hostile text in every list input is only ever text, and log-in timing does not tell
an unknown email from a wrong password."""

from __future__ import annotations

import inspect
import io
import json
import statistics
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.config import Settings
from tui_tasks.changes import BulkEdit, NothingToUndo
from tui_tasks.domain import Priority, SortField, TaskDraft, TaskFilter, TaskQuery, search_accepts
from tui_tasks.errors import AuthError, NotFound, TasksError, ValidationError
from tui_tasks.services.accounts import Accounts
from tui_tasks.services.facade import open_services
from tui_tasks.services.history import History
from tui_tasks.services.stats import Stats
from tui_tasks.services.tasks import Tasks
from tui_tasks.services.transfer import export_tasks, import_tasks


def public_methods(cls) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}


# --- every service function, called by bob with alice's ids -------------------------------------------

# How bob calls each public function with what he could know of alice's data (her task ids, her email): each must act on bob's own data only. A new public function fails the coverage
# test below until it has a case here.
TASK_CASES = {
    "get": lambda s, bob, mine: s.tasks.get(bob, mine.id),
    "update": lambda s, bob, mine: s.tasks.update(bob, mine.id, TaskDraft("hijacked")),
    "toggle": lambda s, bob, mine: s.tasks.toggle(bob, mine.id),
    "delete": lambda s, bob, mine: s.tasks.delete(bob, mine.id),
    "complete": lambda s, bob, mine: s.tasks.complete(bob, mine.id),
    "complete_tree": lambda s, bob, mine: s.tasks.complete_tree(bob, mine.id),
    "skip": lambda s, bob, mine: s.tasks.skip(bob, mine.id),
    "stop_repeating": lambda s, bob, mine: s.tasks.stop_repeating(bob, mine.id),
    "annotate": lambda s, bob, mine: s.tasks.annotate(bob, mine.id, "mine now"),
    "annotations": lambda s, bob, mine: s.tasks.annotations(bob, mine.id),
    "children": lambda s, bob, mine: s.tasks.children(bob, mine.id),
    "bulk_complete": lambda s, bob, mine: s.tasks.bulk_complete(bob, [mine.id], True),
    "bulk_delete": lambda s, bob, mine: s.tasks.bulk_delete(bob, [mine.id]),
    "bulk_edit": lambda s, bob, mine: s.tasks.bulk_edit(bob, [mine.id], BulkEdit(priority=Priority.HIGH)),
}
LIST_CASES = {  # bob sees only his own (nothing): never a task, a count or a tag of alice's
    "page": lambda s, bob, mine: [t.id for t in s.tasks.page(bob, TaskQuery(search="private")).tasks],
    "count": lambda s, bob, mine: s.tasks.count(bob, TaskQuery(search="private")),
    "changes": lambda s, bob, mine: s.tasks.changes(bob),
    "counts": lambda s, bob, mine: s.stats.counts(bob).total,
    "summary": lambda s, bob, mine: (s.stats.summary(bob).counts.total, s.stats.summary(bob).top_tags),
    "related": lambda s, bob, mine: s.tasks.related(bob, [mine.id]),
}
LIST_EMPTY = {"page": [], "count": 0, "changes": 0, "counts": 0, "summary": (0, ()), "related": []}
OWN_DATA_CASES = {  # functions that take data, not ids: they act on bob's account whatever he passes
    "create": lambda s, bob, mine: s.tasks.create(bob, TaskDraft("bob's")).id,
}


def test_every_public_service_function_is_walked():
    assert public_methods(Tasks) == set(TASK_CASES) | set(OWN_DATA_CASES) | {"page", "count", "changes", "related"}
    assert public_methods(Stats) == {"counts", "summary"}
    assert public_methods(History) == {"state", "can_undo", "can_redo", "undo", "redo", "entries"}  # walked below
    assert public_methods(Accounts) == {"register", "log_in", "me", "change_password", "delete_account"}


def test_another_users_ids_are_not_found_and_nothing_of_theirs_is_seen_or_changed(services, alice, bob, tmp_path):
    mine = services.tasks.create(alice, TaskDraft("private", description="private notes", project="secret",
                                                  tags=("private",)))  # fmt: skip
    before = services.tasks.get(alice, mine.id)
    history = History(services.db, services.tasks.clock)
    alice_history = history.state(alice)
    assert history.state(bob).undo is None and history.entries(bob, mine.uuid) == []  # nothing of alice's log
    for redo in (False, True):
        with pytest.raises(NothingToUndo):
            history.redo(bob) if redo else history.undo(bob)
    for name, call in TASK_CASES.items():
        with pytest.raises(NotFound):
            call(services, bob, mine)
    for name, call in LIST_CASES.items():
        assert call(services, bob, mine) == LIST_EMPTY[name], name
    for name, call in OWN_DATA_CASES.items():
        assert call(services, bob, mine) != mine.id
    gone = services.tasks.delete(bob, services.tasks.create(bob, TaskDraft("bob's deleted")).id)
    assert history.undo(bob).created == (gone.id,)  # his delete undone: back in his own list, nothing of alice's
    # alice's ids as bob's parent or blocker: refused as ids that do not exist, with the same words
    for field in ("parent_id", "depends"):
        value = mine.id if field == "parent_id" else (mine.id,)
        with pytest.raises(ValidationError, match=f"There is no task {mine.id} to"):
            services.tasks.create(bob, TaskDraft("mine?", **{field: value}))
    out = io.StringIO()
    export_tasks(services, bob, out, "json")
    exported = json.loads(out.getvalue())
    assert {task["title"] for task in exported["tasks"]} == {"bob's", "bob's deleted"}  # bob's own two (one restored)
    imported = tmp_path / "mine.json"
    imported.write_text(out.getvalue())
    import_tasks(services, bob, imported)
    assert services.tasks.count(alice) == 1 and services.tasks.get(alice, mine.id) == before  # alice untouched
    assert services.tasks.changes(alice) == 1
    history.undo(bob)  # bob's own newest change (his import): never alice's
    assert history.state(alice) == alice_history and services.tasks.get(alice, mine.id) == before
    # accounts: every function takes the acting user; none reaches another account
    assert services.accounts.me(bob).email == "bob@example.com"
    with pytest.raises(TasksError):
        services.accounts.change_password(bob, "alice-password", "new-password-1")  # alice's password: no
    with pytest.raises(ValidationError):
        services.accounts.delete_account(bob, "alice-password")  # alice's password: no
    assert services.accounts.log_in("alice@example.com", "alice-password").id == alice.id


# --- hostile text in every list input -------------------------------------------------------------------

HOSTILE = [
    "' OR 1=1 --", "'; DROP TABLE task; --", '" OR ""="', "1); DELETE FROM \"user\"; --",
    "%' UNION SELECT password_hash FROM \"user\" --", "%", "_", "\\", "\\%", "%%", "a_b", "100%", "'", "''",
    "#' OR '1'='1", "#%", "#_", "x' AND sleep(5) --", "$$; DROP TABLE task_tag; $$", "\u202etxt.exe",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_search_project_and_tag_filters_is_only_text(services, alice, bob, text):
    titles = ["plain task", "100% done", "a_b c", "back\\slash", "it's here", "' OR 1=1 --"]
    for title in titles:
        services.tasks.create(alice, TaskDraft(title, tags=("tag",)))
    if any(unicodedata.category(c) == "Cf" for c in text):  # a direction override: refused as any input, by name
        for call in (lambda: services.tasks.create(bob, TaskDraft(text)),
                     lambda: services.tasks.page(alice, TaskQuery(search=text))):  # fmt: skip
            with pytest.raises(ValidationError, match="invisible or direction characters .found U.202E"):
                call()
        return
    services.tasks.create(bob, TaskDraft(text.strip() or "x"))
    search = [t.title for t in services.tasks.page(alice, TaskQuery(search=text), limit=500).tasks]
    # The search box speaks the filter language ("-word" excludes, "#tag", "project:"...): its rule in
    # Python (checked against the SQL in test_filter_sql) says what the text means; what matters here
    # is that it is only ever that, never SQL.
    held = services.tasks.page(alice, TaskQuery(), limit=500).tasks
    expected = [t.title for t in held if search_accepts(t, text, services.tasks.clock())]
    assert search == expected
    assert services.tasks.count(alice, TaskQuery(search=text)) == len(search)
    for query in (TaskQuery(project=text), TaskQuery(tag=text)):
        try:
            assert services.tasks.page(alice, query).tasks == ()
        except ValidationError:
            pass  # refused as an input (a tag of only "#"), with a message
    assert services.tasks.count(alice) == len(titles) and services.tasks.count(bob) == 1  # nothing dropped


@pytest.mark.parametrize("bad", ["title; DROP TABLE task", "created_at DESC, (SELECT 1)", "id", "", None])
def test_sort_and_filter_accept_only_their_own_values(services, alice, bad):
    services.tasks.create(alice, TaskDraft("kept"))
    for query in (TaskQuery(sort=bad), TaskQuery(filter=bad)):
        with pytest.raises(ValidationError) as refused:
            services.tasks.page(alice, query)
        assert refused.value.message == "Unknown filter or sort"
    assert {SortField(s) for s in SortField} and {TaskFilter(f) for f in TaskFilter}
    assert services.tasks.count(alice) == 1


# --- log-in timing ---------------------------------------------------------------------------------------


def test_an_unknown_email_fails_and_stays_locked_in_the_same_time_as_an_account(settings, clock):
    """An unknown email takes as long as a wrong password, through the lockout: real bcrypt checks at cost 10
    (tens of ms each, so the database's share is noise); for counted failures and for tries while locked,
    the median time of an email with an account and of one without differ by less than 10 %, and the
    answers are the same."""
    services = open_services(Settings(db=settings.db, bcrypt_rounds=10), clock)
    emails = ("known@example.com", "unknown@example.com")
    timings = {email: {"failing": [], "locked": []} for email in emails}
    answers: dict[str, list[str]] = {email: [] for email in emails}
    try:
        services.accounts.register("known@example.com", "the-right-password")
        for attempt in range(40):  # 5 failures lock; then every other try comes after the lock ran out
            counted = attempt < 5 or attempt % 2 == 0
            if attempt >= 5 and counted:
                clock.advance(days=1)
            for email in emails if attempt % 2 else reversed(emails):  # neither always goes first
                started = time.perf_counter()
                with pytest.raises(AuthError) as caught:
                    services.accounts.log_in(email, "a-wrong-password")
                timings[email]["failing" if counted else "locked"].append(time.perf_counter() - started)
                answers[email].append(caught.value.message)
    finally:
        services.close()
    assert answers[emails[0]] == answers[emails[1]] and "locked" in answers[emails[0]][-1]
    for phase in ("failing", "locked"):  # each try of one email is next to one of the other: compared in pairs,
        known, unknown = timings[emails[0]][phase], timings[emails[1]][phase]  # a busy machine slows both
        difference = statistics.median(k - u for k, u in zip(known, unknown, strict=True))
        assert abs(difference) / statistics.median(known) < 0.10, (phase, difference, known, unknown)
        assert min(statistics.median(known), statistics.median(unknown)) > 0.01  # a real check ran on both paths


# --- stored text is never a terminal command ------------------------------------------------------------


def test_visible_shows_every_control_character_as_a_symbol():
    from tui_tasks.domain import visible

    assert visible("plain — ünïcode 日本 🎉") == "plain — ünïcode 日本 🎉"
    assert visible("\x1b[2J\x07\x00\x7f\x9b") == "␛[2J␇␀␡\ufffd"
    assert visible("two\nlines\tand\x1b", lines=True) == "two\nlines\tand␛"
    assert visible("two\nlines") == "two␊lines"
    every = "".join(map(chr, range(0x100)))
    assert not [c for c in visible(every) if unicodedata.category(c) in ("Cc", "Cf")]  # (NBSP stays)
    assert visible("\u202etxt.exe") == "\ufffdtxt.exe"  # a right-to-left override cannot reverse what follows


def test_text_written_behind_the_services_back_is_read_back_visible(services, alice):
    from sqlalchemy import text as sql

    task = services.tasks.create(alice, TaskDraft("clean", project="p", tags=("t",)))
    with services.db.engine.begin() as conn:
        conn.execute(sql("UPDATE task SET title = :t, description = :d, project = :p WHERE id = :id"),
                     {"t": "a\x1b]0;x\x07", "d": "l1\nl2\x1b[2J", "p": "p\x1b", "id": task.id})  # fmt: skip
        conn.execute(sql("UPDATE task_tag SET tag = :t"), {"t": "t\x1b"})
        conn.execute(sql('UPDATE "user" SET display_name = :n'), {"n": "Al\x1b[5mice"})
    shown = services.tasks.get(alice, task.id)
    assert (shown.title, shown.description, shown.project, shown.tags) == ("a␛]0;x␇", "l1\nl2␛[2J", "p␛", ("t␛",))
    assert services.accounts.me(alice).display_name == "Al␛[5mice"
    assert services.stats.summary(alice).top_tags == (("t␛", 1),)
    assert services.tasks.page(alice).tasks == (shown,)


# Text with every kind of character that must not reach a terminal raw, and everything else (no lone
# surrogates, which UTF-8 cannot store, and no NUL, which PostgreSQL's text cannot).
_hidden_or_any = st.characters(categories=["Cc", "Cf", "Zl", "Zp"], exclude_characters="\x00") | st.characters(
    exclude_categories=["Cs"], exclude_characters="\x00"
)
stored_text = st.text(_hidden_or_any, min_size=1, max_size=40)
# Text people could type or paste: letters, marks, symbols, spaces, and invisible or direction characters.
_people = st.characters(categories=["Cf"]) | st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
typed_text = stored_text | st.text(_people, min_size=1, max_size=40)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def drawn_badly(text: str | None, allowed: str = "") -> list[str]:
    """The characters of drawn text that are control (Cc), invisible or direction (Cf) or line breaks."""
    return [c for c in text or "" if c not in allowed and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


def assert_drawn_clean(services, user, task_id: int) -> None:
    """What the screens draw of a task, the list, the stats and the account: no Cc or Cf character, but
    the newlines and tabs of a description."""
    shown = services.tasks.get(user, task_id)
    for task in (shown, *services.tasks.page(user).tasks):
        assert drawn_badly(task.title) == drawn_badly(task.project) == [], task
        assert drawn_badly(" ".join(task.tags)) == [] and drawn_badly(task.description, allowed="\n\t") == []
    summary = services.stats.summary(user)
    assert drawn_badly(" ".join(name for name, _ in summary.top_projects + summary.top_tags)) == []
    me = services.accounts.me(user)
    assert drawn_badly(me.display_name) == drawn_badly(me.email) == []


@FUZZ
@given(title=stored_text, description=stored_text, project=stored_text, tag=stored_text, name=stored_text)
def test_text_written_behind_the_services_back_is_never_drawn_with_hidden_characters(
    services, alice, title, description, project, tag, name
):
    from sqlalchemy import text as sql

    task = services.tasks.create(alice, TaskDraft("clean", project="p", tags=("t",)))
    with services.db.engine.begin() as conn:  # as another program, or an older tui-tasks, could have
        conn.execute(sql("UPDATE task SET title = :t, description = :d, project = :p WHERE id = :id"),
                     {"t": title, "d": description, "p": project, "id": task.id})  # fmt: skip
        conn.execute(sql("UPDATE task_tag SET tag = :t WHERE task_id = :id"), {"t": tag, "id": task.id})
        conn.execute(sql('UPDATE "user" SET display_name = :n WHERE id = :id'), {"n": name, "id": alice.id})
    assert_drawn_clean(services, alice, task.id)
    services.tasks.delete(alice, task.id)


@FUZZ
@given(title=typed_text, description=typed_text, project=typed_text)
def test_text_typed_is_refused_or_stored_without_hidden_characters(services, alice, title, description, project):
    """Through the services, a control, invisible or direction character is refused with its code point
    (as control characters always were): nothing stored needs a symbol to be seen."""
    for draft in (TaskDraft(title), TaskDraft("t", description=description), TaskDraft("t", project=project)):
        try:
            task = services.tasks.create(alice, draft)
        except ValidationError as refused:
            assert refused.message and refused.field in ("title", "description", "project")  # (or empty, too long)
            continue
        stored = services.tasks.get(alice, task.id)
        assert (stored.title, stored.description, stored.project) == (
            draft.title.strip(), draft.description.replace("\r\n", "\n").strip(), (draft.project or "").strip() or None
        )  # read back exactly as typed: nothing in it was turned into a symbol
        assert_drawn_clean(services, alice, task.id)
        services.tasks.delete(alice, task.id)


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u200d", "\u2066", "\ufeff", "\u00ad"], ids=ascii)
def test_invisible_and_direction_characters_are_refused_in_every_field_typed(services, alice, char):
    for field, call in {
        "title": lambda: services.tasks.create(alice, TaskDraft(f"pay{char}invoice")),
        "description": lambda: services.tasks.create(alice, TaskDraft("t", description=f"a\nb{char}c")),
        "project": lambda: services.tasks.create(alice, TaskDraft("t", project=f"p{char}q")),
        "display_name": lambda: services.accounts.register("new@example.com", "password-123", f"Ev{char}e"),
        "email": lambda: services.accounts.register(f"ev{char}e@example.com", "password-123"),
    }.items():
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.field == field and f"U+{ord(char):04X}" in refused.value.message
    assert services.tasks.count(alice) == 0

def test_no_export_format_carries_a_password_or_its_hash(services, alice):
    services.tasks.create(alice, TaskDraft("a task", description="notes", project="p", tags=("t",)))
    for fmt in ("json", "csv", "taskwarrior", "todotxt"):
        out = io.StringIO()
        export_tasks(services, alice, out, fmt)
        assert "alice-password" not in out.getvalue() and "$2b$" not in out.getvalue(), fmt


@pytest.mark.parametrize("fmt", ["json", "csv", "taskwarrior", "todotxt"])
def test_no_export_can_put_a_raw_escape_sequence_on_a_terminal(services, alice, fmt):
    from sqlalchemy import text as sql

    task = services.tasks.create(alice, TaskDraft("clean", description="two\nlines", project="p", tags=("t",)))
    with services.db.engine.begin() as conn:  # written behind the services' back
        conn.execute(sql("UPDATE task SET title = :t, project = :p WHERE id = :id"),
                     {"t": "a\x1b]0;PWNED\x07", "p": "p\x1b[5m", "id": task.id})  # fmt: skip
        conn.execute(sql("UPDATE task_tag SET tag = :t"), {"t": "t\x1b"})
    out = io.StringIO()
    export_tasks(services, alice, out, fmt)
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "PWNED" in out.getvalue()  # the text itself is kept, as symbols (or JSON escapes)
