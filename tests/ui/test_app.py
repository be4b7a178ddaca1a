"""App-wide behaviour: start-up, database problems, theme memory, layering of the UI."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.ui.conftest import log_in, make_app, settle
from tui_tasks.config import Settings, load_settings, parse_database
from tui_tasks.ui.app import TasksApp
from tui_tasks.ui.screens.login import LoginScreen
from tui_tasks.ui.screens.problem import ProblemScreen


def test_the_ui_paints_without_the_storage_stack():
    """Importing the app and every screen loads neither SQLModel, SQLAlchemy nor Alembic: they are
    imported in a worker while the log-in screen is already on screen."""
    code = textwrap.dedent("""
        import sys, pkgutil, importlib
        import tui_tasks.ui, tui_tasks.ui.screens, tui_tasks.ui.widgets
        for package in (tui_tasks.ui, tui_tasks.ui.screens, tui_tasks.ui.widgets):
            for module in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{package.__name__}.{module.name}")
        print(sorted({m.split(".")[0] for m in sys.modules} & {"sqlmodel", "sqlalchemy", "alembic", "bcrypt"}))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


async def test_the_app_opens_the_database_itself_and_logs_in(tmp_path):
    settings = Settings(db=parse_database(str(tmp_path / "fresh" / "tasks.db")), bcrypt_rounds=4)
    app = TasksApp(settings, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("ctrl+n")
        screen = app.screen
        for field, value in (("email", "first@example.com"), ("password", "first-password"), ("confirm", "first-password")):
            screen.query_one(f"#{field}").value = value
        screen.query_one("#display_name").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.user is not None and app.user.email == "first@example.com"
    assert (tmp_path / "fresh" / "tasks.db").stat().st_mode & 0o777 == 0o600


async def test_a_database_it_cannot_use_shows_the_reason_and_the_check_hint(tmp_path):
    path = tmp_path / "tasks.db"
    path.write_bytes(b"this is not a database, just some text " * 100)
    app = TasksApp(Settings(db=parse_database(str(path)), bcrypt_rounds=4), live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProblemScreen)
        assert "not an SQLite database" in str(app.screen.query_one("#problem-reason").render())
        assert "tui-tasks --check" in str(app.screen.query_one("#problem-hint").render())
        await pilot.press("q")
    assert path.read_bytes().startswith(b"this is not a database")


async def test_a_theme_chosen_in_the_app_is_saved_and_restored(ui_settings, ui_services, demo_user, fixed_clock, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('log_level = "INFO"\n')
    settings = load_settings({"db": str(ui_settings.db.path)}, env={}, config_file=config)
    app = make_app(settings, ui_services, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert config.read_text() == 'log_level = "INFO"\ntheme = "nord"\n'
    again = make_app(load_settings({"db": str(ui_settings.db.path)}, env={}, config_file=config), ui_services, fixed_clock)
    async with again.run_test(size=(100, 30)):
        assert again.theme == "nord"


def test_the_theme_setting_accepts_exactly_textuals_themes():
    from tui_tasks.config import THEMES

    assert set(THEMES) == set(TasksApp(Settings(db=parse_database("/tmp/unused.db"))).available_themes)


def test_a_bug_in_a_handler_ends_with_one_line_and_the_traceback_in_the_log(tmp_path):
    """Textual stops a message loop whose handler raised; the real app then says so in one line."""
    code = textwrap.dedent(f"""
        import asyncio, logging
        from tui_tasks.config import Settings, parse_database
        from tui_tasks.logs import setup_logging
        from tui_tasks.ui.app import TasksApp
        setup_logging("INFO", __import__("pathlib").Path({str(tmp_path / "app.log")!r}))
        app = TasksApp(Settings(db=parse_database({str(tmp_path / "tasks.db")!r}), bcrypt_rounds=4))

        async def main():
            async with app.run_test() as pilot:
                await pilot.pause()
                app.call_later(lambda: 1 / 0)
                await pilot.pause(0.5)

        try:
            asyncio.run(main())
        except ZeroDivisionError:
            pass  # run_test re-raises the first error for test frameworks; the real run does not
        app._print_error_renderables()
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "tui-tasks stopped after an unexpected error (ZeroDivisionError)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "ZeroDivisionError: division by zero" in (tmp_path / "app.log").read_text()


async def test_full_garbage_collections_wait_for_quiet_input(ui_settings, ui_services, fixed_clock, monkeypatch):
    """A live app leaves full collections (70-120 ms with a big heap) to moments without input: none
    while keys come, one once they stop, none again until there is input or a minute has passed."""
    import gc
    import time

    from tui_tasks.ui import app as app_module

    collections: list[float] = []
    monkeypatch.setattr(app_module.gc, "collect", lambda *a: collections.append(time.monotonic()))
    threshold = gc.get_threshold()
    app = make_app(ui_settings, ui_services, fixed_clock)
    app.live = True  # (only its timers: the collector's threshold and the quiet check)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            assert gc.get_threshold()[2] == app_module.FULL_GC_NEVER  # no automatic full collection
            app._last_full_gc = time.monotonic() - 2 * app_module.GC_QUIET_S  # the last one a while ago
            app._last_input = time.monotonic()  # a key just now
            app.collect_garbage_when_quiet()
            assert collections == []
            app._last_input = time.monotonic() - app_module.GC_QUIET_S  # input, then quiet
            app.collect_garbage_when_quiet()
            assert len(collections) == 1
            app.collect_garbage_when_quiet()  # still quiet, nothing new since: nothing to collect
            assert len(collections) == 1
            app._last_full_gc -= app_module.FULL_GC_EVERY_S  # a minute later, input or not
            app.collect_garbage_when_quiet()
            assert len(collections) == 2
            await pilot.press("q")
    finally:
        gc.set_threshold(*threshold)
