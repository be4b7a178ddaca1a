"""Run tui-tasks with `python -m tui_tasks`."""

from tui_tasks.cli import main

raise SystemExit(main())
