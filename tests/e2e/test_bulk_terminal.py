"""Issue 11's flow in a real terminal: select by search, mark all done, undo, quit, start again, redo:
the history survives the restart because it is in the database."""

from __future__ import annotations

from tests.e2e.test_terminal import SCRIPT, Terminal, pytestmark, terminal_env, with_services  # noqa: F401

SEED = (
    "u = s.accounts.register('kim@example.com', 'kims-password', 'Kim');"
    "[s.tasks.create(u, TaskDraft(t)) for t in ('Pay rent', 'Pay water bill', 'Pay phone bill', 'Walk the dog')]"
)
DONE = (
    "u = s.accounts.log_in('kim@example.com', 'kims-password');"
    "print(sorted(t.title for t in s.tasks.page(u, __import__('tui_tasks.domain').domain.TaskQuery(filter='done')).tasks))"
)


def test_select_by_search_mark_all_done_undo_restart_redo(tmp_path):
    env = terminal_env(tmp_path)
    with_services(env, SEED)
    command = f"{SCRIPT}; echo exit-code=$?; sleep 30"
    first = Terminal(command, env)
    try:
        first.log_in("kim@example.com", "kims-password")
        first.wait_for("Walk the dog")
        first.keys("/")
        first.type("pay")
        first.keys("Enter")
        first.wait_for("3 shown")
        first.keys("C-a")
        first.wait_for("3 selected")
        first.keys("Space")
        first.wait_for("3 tasks done")
        assert with_services(env, DONE) == "['Pay phone bill', 'Pay rent', 'Pay water bill']"
        first.keys("u")
        first.wait_for("Undone: ")
        assert with_services(env, DONE) == "[]"
        first.keys("q")
        first.wait_for("exit-code=0")
    finally:
        first.close()

    second = Terminal(command, env)
    try:
        second.wait_for("kim@example.com")
        second.type("kims-password")
        second.keys("Enter")
        second.wait_for("Walk the dog")
        second.keys("C-r")
        second.wait_for("Redone: ")
        assert with_services(env, DONE) == "['Pay phone bill', 'Pay rent', 'Pay water bill']"
        screen = second.wait_for("1 pending · 3 done")
        assert "Walk the dog" in screen
        second.keys("q")
        second.wait_for("exit-code=0")
    finally:
        second.close()
