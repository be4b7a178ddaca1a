"""Import… and Export… from the command palette."""

from __future__ import annotations

import json

from tests.ui.conftest import add_demo_tasks, log_in, make_app, settle
from tui_tasks.ui.screens.transfer import TransferScreen
from tui_tasks.ui.widgets.task_table import TaskTable


async def run_palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p", *words)
    await pilot.pause(0.4)
    await pilot.press("enter")
    await pilot.pause()


async def test_export_then_import_through_the_palette(ui_settings, ui_services, demo_user, fixed_clock, tmp_path):
    add_demo_tasks(ui_services, demo_user, fixed_clock)
    target = tmp_path / "out" / "mine.json"
    target.parent.mkdir()
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot)
        await run_palette(pilot, "tasks export")
        assert isinstance(app.screen, TransferScreen) and app.screen.exporting
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert f"Exported 5 tasks to {target}" in [n.message for n in app._notifications]
        assert len(json.loads(target.read_text())["tasks"]) == 5

        await run_palette(pilot, "tasks import")
        app.screen.query_one("#path").value = str(tmp_path / "missing.json")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)  # the error stays in the dialog, the path as typed
        assert "cannot read" in str(app.screen.query_one("#path-error").render())
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        # The same tasks again, by uuid: merged, not added (issue #10)
        assert any(f"Imported from {target}: added 0, updated 0, unchanged 5" in n.message for n in app._notifications)
        assert app.screen.query_one(TaskTable).row_count == 5


async def test_a_failed_export_keeps_the_dialog_usable(ui_settings, ui_services, demo_user, fixed_clock, tmp_path):
    """Exporting onto a folder fails; the reason shows in the dialog, which can then be closed."""
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot)
        await run_palette(pilot, "tasks export")
        app.screen.query_one("#path").value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TransferScreen)
        assert str(app.screen.query_one("#path-error").render())
        assert not app.screen.running
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TransferScreen)


async def test_back_up_now_from_the_palette_writes_a_consistent_copy(ui_settings, ui_services, demo_user, fixed_clock):
    import sqlite3

    from tui_tasks.db.backup import list_backups

    add_demo_tasks(ui_services, demo_user, fixed_clock)
    app = make_app(ui_settings, ui_services, fixed_clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await log_in(pilot)
        await run_palette(pilot, "back up now")
        await settle(pilot)
        [backup] = list_backups(ui_settings.db.path)
        assert any(backup.name in n.message for n in app._notifications)
    assert backup.stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM task").fetchone() == (5,)
    copy.close()
