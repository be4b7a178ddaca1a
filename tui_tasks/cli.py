"""The `tui-tasks` command. Imports Textual only to run the full-screen app.

stdout is data, stderr is diagnostics; every error is one line (a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from enum import IntEnum

from tui_tasks import __version__
from tui_tasks.config import Settings, load_settings
from tui_tasks.errors import ConfigError, TasksError

log = logging.getLogger("tui_tasks.cli")


class ExitCode(IntEnum):
    """What scripts can rely on."""

    OK = 0
    FAILED = 1  # an unhealthy check, or an error while working
    USAGE = 2  # bad arguments or settings
    INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-tasks",
        description="A keyboard-first terminal task manager.",
        epilog="Settings can also come from TUI_TASKS_* environment variables and config.toml (see the README).",
    )
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL (default: tasks.db in the data folder)")
    parser.add_argument("--check", action="store_true", help="report the database's health and exit (0 healthy, 1 not)")
    parser.add_argument("--json", action="store_true", help="with --check: print the report as one JSON object")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something goes wrong")
    parser.add_argument("--version", action="version", version=f"tui-tasks {__version__}")
    return parser


def run_check(settings: Settings, as_json: bool) -> ExitCode:
    """Print the health report; never creates or changes the database."""
    from tui_tasks.domain import Status
    from tui_tasks.services.health import check_health

    report = check_health(settings)
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        print(f"tui-tasks {report.version}: {report.database}")
        for check in report.checks:
            print(f"{check.status.value:<4}  {check.name:<12}  {check.message}")
        print(f"status: {report.status.value}")
    return ExitCode.FAILED if report.status is Status.FAIL else ExitCode.OK


def run_app(settings: Settings) -> ExitCode:
    """Run the full-screen app; it opens (creates, upgrades) the database while the log-in screen shows."""
    from tui_tasks.logs import setup_logging

    from tui_tasks.ui.app import TasksApp

    setup_logging(settings.log_level)
    TasksApp(settings).run()
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.json and not args.check:
        parser.error("--json goes with --check")
    try:
        settings = load_settings({"db": args.db})
        return run_check(settings, args.json) if args.check else run_app(settings)
    except ConfigError as exc:
        print(f"tui-tasks: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE
    except TasksError as exc:
        print(f"tui-tasks: {exc.message}", file=sys.stderr)
        return ExitCode.FAILED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `tui-tasks --check | head -1`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FAILED
    except Exception as exc:
        if args.debug:
            raise
        log.exception("unexpected error")
        print(f"tui-tasks: unexpected error ({type(exc).__name__}); run with --debug for details", file=sys.stderr)
        return ExitCode.FAILED
