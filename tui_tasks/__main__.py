"""Run tui-tasks with `python -m tui_tasks`."""

import sys

from tui_tasks import tty_guard

if not sys.argv[1:]:  # the full-screen app: the terminal quiet before the command's imports (see tty_guard)
    tty_guard.quiet()

from tui_tasks.cli import main  # noqa: E402

raise SystemExit(main())
