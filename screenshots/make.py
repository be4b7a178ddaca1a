"""Make the README's screenshots: `python screenshots/make.py` (writes screenshots/*.svg).

Every picture comes from the real app on a throwaway database with the fixed demo data and clock,
so running it again gives the same pictures unless the app changed.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

from tui_tasks.config import Settings, parse_database
from tui_tasks.demo import DEMO_EMAIL, DEMO_NAME, DEMO_PASSWORD, DemoClock, add_demo_tasks
from tui_tasks.domain import CheckResult, HealthReport, Status
from tui_tasks.services.facade import open_services
from tui_tasks.ui.app import TasksApp
from tui_tasks.ui.messages import HealthChecked

HERE = Path(__file__).parent
SCRATCH = Path("/tmp/tui-tasks-demo")  # shown in the status bar: a fixed place keeps the pictures stable
SIZE = (110, 32)
SHOTS = [  # (file name, keys pressed after logging in; None: the log-in screen)
    ("login", None),
    ("task-list", []),
    ("task-form", ["e"]),
    ("stats", ["t"]),
    ("account", ["p"]),
    ("help", ["question_mark"]),
    ("selection", ["down", "v", "v", "v"]),
    ("filter-language", ["slash", *"is:pending due<=fri", "enter"]),
    ("views", ["w"]),
    ("agenda", ["c"]),
    ("month", ["m"]),
]


async def shoot(name: str, keys: list[str] | None, folder: Path) -> None:
    clock = DemoClock()
    shutil.rmtree(folder, ignore_errors=True)
    settings = Settings(db=parse_database(str(folder / "tasks.db")), bcrypt_rounds=4)
    services = open_services(settings, clock)
    user = services.accounts.register(DEMO_EMAIL, DEMO_PASSWORD, DEMO_NAME)
    add_demo_tasks(services, user, clock)
    app = TasksApp(settings, services=services, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if keys is not None:
            app.screen.query_one("#email").value = DEMO_EMAIL
            app.screen.query_one("#password").value = DEMO_PASSWORD
            app.screen.query_one("#password").focus()
            await pilot.press("enter")
            await settle(pilot)
            report = HealthReport("", settings.db.display, (CheckResult("database", Status.OK, "readable", 0.4),))
            app.post_message(HealthChecked(report))
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.1)  # a search's debounce
            await settle(pilot)
        await pilot.pause(0.3)
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    services.close()


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def main() -> None:
    for name, keys in SHOTS:
        await shoot(name, keys, SCRATCH)
        print(f"screenshots/{name}.svg", file=sys.stderr)
    shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
