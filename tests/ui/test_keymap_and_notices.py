"""Keys rebound from config.toml's [keys], and notifications that replace the one they supersede."""

from __future__ import annotations

import dataclasses

from tests.ui.conftest import add_demo_tasks, log_in, make_app, settle
from tui_tasks.config import load_settings
from tui_tasks.ui.screens.help import HelpScreen, describe_keys
from tui_tasks.ui.widgets.task_table import TaskTable

CONFIG = """
[keys]
"tasks.toggle" = "x,ctrl+t"
"tasks.nope" = "y"
"tasks.delete" = "a"
"tasks.stats" = "ctrl+"
"""


def _settings(ui_settings, tmp_path, text: str):
    config = tmp_path / "config.toml"
    config.write_text(text)
    return dataclasses.replace(load_settings({"db": str(ui_settings.db.path)}, env={}, config_file=config),
                               bcrypt_rounds=ui_settings.bcrypt_rounds)  # fmt: skip


async def test_a_rebound_key_works_and_bad_entries_are_named_once(ui_settings, ui_services, demo_user, fixed_clock, tmp_path):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    settings = _settings(ui_settings, tmp_path, CONFIG)
    app = make_app(settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await log_in(pilot)
        said = [(n.title, sorted(n.message.split("\n"))) for n in app._notifications]
        assert said == [("config.toml [keys]: 3 problems (their default keys stay)", [  # one notice, a line each
            "'tasks.delete': 'a' is already 'tasks.add' on TaskListScreen",
            "'tasks.nope': no key has this id (? in the app lists the keys); ignored",
            "'tasks.stats': 'ctrl+' is not a key (a character, or a name such as space, enter, pagedown, f5, ctrl+r)",
        ])]
        table = app.screen.query_one(TaskTable)
        first = table.current_task()
        await pilot.press("x")  # the new key toggles
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, first.id).completed
        await pilot.press("space")  # the old one no longer does
        await settle(pilot)
        assert ui_services.tasks.get(demo_user, first.id).completed
        await pilot.press("d")  # an entry left out keeps its default: d still deletes (asks first)
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(pilot)
        keys = dict((action, key) for key, action in describe_keys(app.screen))
        assert keys["Done"] == "x / ^t" and keys["Delete"] == "d" and keys["Stats"] == "t"
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and ("x / ^t", "Done") in app.screen.rows


async def test_without_a_keys_table_nothing_is_checked(ui_settings, ui_services, fixed_clock, tmp_path):
    app = make_app(_settings(ui_settings, tmp_path, 'log_level = "INFO"\n'), ui_services, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not any(w.group == "keymap" for w in app.workers) and app._keymap == {}


async def test_a_notice_with_the_same_key_replaces_the_one_before(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.say("Deleted “Buy milk” — press u to undo", key="undo")
        app.say("Deleted “Call mum” — press u to undo", key="undo")
        for _ in range(3):
            app.say("“Buy milk” was changed elsewhere", key="changed:7", severity="warning")
        app.say("Something else")
        await pilot.pause()
        assert sorted(n.message for n in app._notifications) == [
            "Deleted “Call mum” — press u to undo", "Something else", "“Buy milk” was changed elsewhere"]
        app.forget("undo")  # the undo is done: its offer goes
        app.forget("never-said")
        await pilot.pause()
        assert sorted(n.message for n in app._notifications) == ["Something else", "“Buy milk” was changed elsewhere"]
        assert app.notices.shown("undo") is None and app.notices.shown("changed:7") is not None
        app.say("Something else")  # the same text again: one toast, not two
        await pilot.pause()
        assert len(app._notifications) == 2


async def test_a_notice_said_from_a_worker_thread_replaces_too(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        def shout() -> None:
            for n in range(20):
                app.say(f"step {n}", key="progress")

        app.run_worker(shout, thread=True)
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["step 19"]


async def test_many_keys_over_a_long_session_do_not_pile_up(ui_settings, ui_services, fixed_clock):
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for n in range(500):
            app.say(f"Task {n} was changed elsewhere", key=f"changed:{n}", timeout=0)  # expired at once
        app.say("still here", key="changed:last")
        await pilot.pause()
        assert len(app.notices._shown) < 70 and app.notices.shown("changed:last") is not None


async def test_a_key_taken_by_the_app_everywhere_is_refused(ui_settings, ui_services, fixed_clock, tmp_path):
    settings = _settings(ui_settings, tmp_path, '[keys]\n"tasks.toggle" = "ctrl+q"\n"login.switch_mode" = "f2"\n')
    app = make_app(settings, ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert app._keymap == {"login.switch_mode": "f2"}
        assert [n.message for n in app._notifications] == ["'tasks.toggle': 'ctrl+q' is already 'app.quit' on TaskListScreen"]
        await pilot.press("f2")  # the log-in screen's rebound key, in force before anyone logs in
        await pilot.pause()
        assert app.screen.creating


async def test_keys_that_cannot_be_checked_leave_the_defaults_and_say_so(ui_settings, ui_services, fixed_clock, tmp_path, monkeypatch):
    import tui_tasks.ui.keymap

    def broken():
        raise ImportError("a screen that does not import")

    monkeypatch.setattr(tui_tasks.ui.keymap, "our_classes", broken)
    app = make_app(_settings(ui_settings, tmp_path, '[keys]\n"tasks.toggle" = "x"\n'), ui_services, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert app._keymap == {}
        assert [n.message for n in app._notifications] == ["could not be checked (ImportError, details in the log); using the default keys"]
