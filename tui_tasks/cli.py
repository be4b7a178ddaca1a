"""The `tui-tasks` command. Imports Textual only to run the full-screen app.

stdout is data, stderr is diagnostics; every error is one line (a traceback only with --debug).
"""

from __future__ import annotations

from tui_tasks import tty_guard

tty_guard.quiet_if_bare_launch()  # first of all: what is typed before that is echoed (see tty_guard)

import io  # noqa: E402 (after the terminal is quiet)
import logging
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from types import SimpleNamespace
from typing import TYPE_CHECKING

from tui_tasks import __version__
from tui_tasks.errors import ConfigError, TasksError

if TYPE_CHECKING:
    import argparse

    from tui_tasks.config import Settings

# Nothing heavier here: `tui-tasks --db X` turns the terminal's echo off only in main (tty_guard), and what
# is typed before that is echoed. The settings (pathlib, platformdirs, dataclasses) are imported there.

PASSWORD_ENV = "TUI_TASKS_PASSWORD"  # for scripts; not a setting (config.py never reads it)

log = logging.getLogger("tui_tasks.cli")


class _Formats(Sequence[str]):
    """`services.formats.FORMATS` (after `first`), imported when argparse first looks: the full-screen
    app's start needs neither that module nor the read models it imports (start-up is measured)."""

    def __init__(self, *first: str) -> None:
        self.first = first

    def _all(self) -> tuple[str, ...]:
        from tui_tasks.services.formats import FORMATS

        return (*self.first, *FORMATS)

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


class ExitCode(IntEnum):
    """What scripts can rely on."""

    OK = 0
    FAILED = 1  # an unhealthy check, or an error while working
    USAGE = 2  # bad arguments or settings
    INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not for a bare `tui-tasks` (see main)

    parser = argparse.ArgumentParser(
        prog="tui-tasks",
        description="A keyboard-first terminal task manager.",
        epilog="Settings can also come from TUI_TASKS_* environment variables and config.toml (see the README).",
    )
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL (default: tasks.db in the data folder)")
    parser.add_argument("--check", action="store_true", help="report the database's health and exit (0 healthy, 1 not)")
    parser.add_argument("--json", action="store_true", help="with --check: print the report as one JSON object")
    parser.add_argument("--upgrade", action="store_true",
                        help="create or upgrade the database's schema and exit (the app also does this at start)")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something goes wrong")
    parser.add_argument("--version", action="version", version=f"tui-tasks {__version__}")
    # Also accepted after the command (`tui-tasks import FILE --db X`), without overriding one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help="database file or URL")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    common.add_argument("--user", metavar="EMAIL", required=True, help="the account (its password is asked, "
                        f"or read from {PASSWORD_ENV})")  # fmt: skip
    commands = parser.add_subparsers(dest="command", title="commands", metavar="{import,export}")
    importer = commands.add_parser(
        "import", parents=[common], help="import tasks from a file",
        description="Import tasks from FILE into the account, in one transaction: all of them or none.",
    )  # fmt: skip
    importer.add_argument("file", metavar="FILE")
    # The formats' choices are set after add_argument, which would list them (and import them) at once.
    importer.add_argument("--format", default="auto",
                          help="the file's format (default: from its extension and content)").choices = _Formats("auto")  # fmt: skip
    importer.add_argument("--skip-invalid", action="store_true",
                          help="import the valid records and list the invalid ones (default: import nothing)")  # fmt: skip
    exporter = commands.add_parser(
        "export", parents=[common], help="export tasks to a file or stdout",
        description="Write all of the account's tasks to stdout, or to FILE with -o.",
    )  # fmt: skip
    exporter.add_argument("--format", default="json", help="default: json (lossless)").choices = _Formats()
    exporter.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    return parser


def read_password(email: str) -> str:
    """The password from TUI_TASKS_PASSWORD, or asked on the terminal without echo."""
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        if not sys.stdin.isatty():
            raise TasksError(f"no terminal to ask the password on: set {PASSWORD_ENV}") from None
    import getpass

    try:
        return getpass.getpass(f"Password for {email}: ")
    except EOFError:
        raise TasksError("no password given") from None


def _open_as(settings: Settings, email: str):
    """The services and the user logged in with the password, or AuthError (one line)."""
    from tui_tasks.logs import setup_logging
    from tui_tasks.services.facade import open_services

    password = read_password(email)
    setup_logging(settings.log_level)
    services = open_services(settings)
    try:
        return services, services.accounts.log_in(email, password)
    except BaseException:
        services.close()
        raise


def _progress_bar(progress) -> None:
    filled = int(progress.fraction * 30)
    sys.stderr.write(f"\rimporting [{'#' * filled}{'.' * (30 - filled)}] {progress.fraction:4.0%}  "
                     f"{progress.records:,} records")  # fmt: skip
    sys.stderr.flush()


def _report_problems(problems, invalid: int, prefix: str, *, clear_bar: bool) -> None:
    """One stderr line per bad record kept, and how many more there were."""
    if clear_bar:
        sys.stderr.write("\r\033[K")
    for problem in problems:
        print(f"tui-tasks: {prefix}{problem}", file=sys.stderr)
    if invalid > len(problems):
        print(f"tui-tasks: {prefix}{invalid - len(problems)} more invalid records", file=sys.stderr)


def _check_source(file: str, settings: Settings) -> None:
    """What can be seen of FILE before the password is asked: that it is there, not a folder, readable,
    and not the database itself (reading that beside a connection would drop the connection's locks)."""
    from pathlib import Path

    from tui_tasks.services.targets import is_database_file, shown_path

    try:
        info = os.stat(file)
    except OSError as exc:
        raise TasksError(f"cannot read {shown_path(file)}: {(exc.strerror or str(exc)).lower()}") from None
    if stat.S_ISDIR(info.st_mode):
        raise TasksError(f"cannot read {shown_path(file)}: it is a folder")
    if is_database_file(Path(file), settings.db.path):
        raise TasksError(f"cannot read {shown_path(file)}: it is the database itself")
    if not os.access(file, os.R_OK):
        raise TasksError(f"cannot read {shown_path(file)}: permission denied")


def run_import(settings: Settings, args: argparse.Namespace) -> ExitCode:
    """Import FILE; list bad records; one summary line on stderr."""
    from tui_tasks.services.transfer import InvalidRecords, import_tasks

    _check_source(args.file, settings)
    services, user = _open_as(settings, args.user)
    bar = sys.stderr.isatty()
    try:
        result = import_tasks(services, user, args.file, args.format, skip_invalid=args.skip_invalid,
                              progress=_progress_bar if bar else None)  # fmt: skip
    except InvalidRecords as exc:
        _report_problems(exc.problems, exc.invalid, "", clear_bar=bar)
        print(f"tui-tasks: {exc.message} (fix them, or import the others with --skip-invalid)", file=sys.stderr)
        return ExitCode.FAILED
    finally:
        services.close()
    _report_problems(result.problems, result.invalid, "skipped ", clear_bar=bar)
    for note in result.notes:
        print(f"tui-tasks: note: {note}", file=sys.stderr)
    if result.dropped > len(result.notes):
        print(f"tui-tasks: {result.dropped - len(result.notes)} more links dropped", file=sys.stderr)
    print(f"tui-tasks: {result.summary}, in {result.seconds:.1f} s ({result.format})", file=sys.stderr)
    return ExitCode.OK


def run_export(settings: Settings, args: argparse.Namespace) -> ExitCode:
    """Export to -o FILE, or to stdout (UTF-8 whatever the locale); one summary line on stderr."""
    from tui_tasks.services.targets import export_target, shown_path, target_path
    from tui_tasks.services.transfer import export_tasks

    to_file = args.output not in (None, "", "-", "/dev/stdout")  # stdout as the shell opened it, even onto a file
    if to_file:  # a folder, no folder, the database...: said before the password is asked
        export_target(target_path(args.output), settings.db.path)
    services, user = _open_as(settings, args.user)
    started = time.monotonic()
    try:
        if to_file:
            count = export_tasks(services, user, args.output, args.format)
        else:
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                count = export_tasks(services, user, out, args.format)
                out.flush()
            finally:
                out.detach()
    finally:
        services.close()
    where = f" to {shown_path(args.output)}" if to_file else ""
    print(f"tui-tasks: exported {count}{where}, in {time.monotonic() - started:.1f} s ({args.format})", file=sys.stderr)
    return ExitCode.OK


def run_check(settings: Settings, as_json: bool) -> ExitCode:
    """Print the health report; never creates or changes the database."""
    import json

    from tui_tasks.domain import Status
    from tui_tasks.services.health import check_health

    report = check_health(settings)
    for problem in settings.key_problems:  # (ids and clashes need the screens: the app checks those)
        print(f"tui-tasks: warning: {problem}", file=sys.stderr)
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        print(f"tui-tasks {report.version}: {report.database}")
        for check in report.checks:
            print(f"{check.status.value:<4}  {check.name:<12}  {check.message}")
        print(f"status: {report.status.value}")
    return ExitCode.FAILED if report.status is Status.FAIL else ExitCode.OK


def run_upgrade(settings: Settings) -> ExitCode:
    """Create or upgrade the schema, as the app does at start: for a team server, run once by the role
    that owns the tables, so that people's everyday role needs no right to change them."""
    from tui_tasks.db.engine import Database
    from tui_tasks.db.migrate import ensure_schema
    from tui_tasks.db.migrations import HEAD

    db = Database(settings.db)
    try:
        backup = ensure_schema(db)
    finally:
        db.close()
    saved = f" (the old one was backed up to {backup})" if backup else ""
    print(f"tui-tasks: {settings.db.display} has schema revision {HEAD}{saved}")
    return ExitCode.OK


def run_app(settings: Settings) -> ExitCode:
    """Run the full-screen app; it opens (creates, upgrades) the database while the log-in screen shows."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tui_tasks.logs import setup_logging
    from tui_tasks.ui.app import TasksApp

    setup_logging(settings.log_level)
    app = TasksApp(settings)
    # The app's thread workers run on an executor of ours, so that quitting need not wait for one stuck
    # on a database that stopped answering (asyncio.run and Python's exit would join it, for minutes).
    loop = asyncio.new_event_loop()
    executor = ThreadPoolExecutor(thread_name_prefix=WORKER_THREADS)
    loop.set_default_executor(executor)
    try:
        app.run(loop=loop)
    finally:
        loop.close()
    code = app.return_code or ExitCode.OK  # 1 after "The database cannot be used", or a crash
    executor.shutdown(wait=False, cancel_futures=True)
    if _workers_still_busy(QUIT_GRACE_S):
        log.warning("quit while a database call had not answered")
        tty_guard.restore()  # (os._exit runs no atexit)
        print("tui-tasks: quit while the database had not answered: a change on its way may or may not have "
              "been saved", file=sys.stderr)  # fmt: skip
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(ExitCode.FAILED)  # not waiting: the connection closes, and the server rolls back what was not committed
    return code


WORKER_THREADS = "tui-tasks-worker"
QUIT_GRACE_S = 3.0  # a write on its way usually answers well within this (SQLite's busy timeout is 5 s)


def _workers_still_busy(grace_s: float) -> bool:
    """Whether a worker thread is still running after `grace_s` seconds (idle ones end at once)."""
    deadline = time.monotonic() + grace_s
    for thread in [t for t in threading.enumerate() if t.name.startswith(WORKER_THREADS)]:
        thread.join(max(0.0, deadline - time.monotonic()))
    return any(t.is_alive() for t in threading.enumerate() if t.name.startswith(WORKER_THREADS))


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop an import or export as ctrl+c does: it rolls back, or removes its
    temporary file, instead of dying where it stands."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


# A bare `tui-tasks`: what the parser gives for no arguments, without building it (~5 ms of the start,
# which is measured against a bare Textual app).
NO_ARGUMENTS = SimpleNamespace(db=None, check=False, json=False, upgrade=False, debug=False, command=None)


def parse_arguments(argv: list[str]) -> argparse.Namespace | SimpleNamespace:
    """The command line, checked (argparse exits 2 with a usage line on a mistake)."""
    if not argv:
        return NO_ARGUMENTS
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.json and not args.check:
        parser.error("--json goes with --check")
    if args.check and args.command:
        parser.error(f"--check does not go with {args.command}")
    if args.upgrade and (args.check or args.command):
        parser.error(f"--upgrade does not go with {'--check' if args.check else args.command}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if not (args.command or args.upgrade or args.check):  # the full-screen app: quiet before anything else
        tty_guard.quiet()
    try:
        return _run(args)
    finally:
        tty_guard.restore()  # the terminal as the user had it (Textual gives back the quiet one it found)


def _run(args: argparse.Namespace | SimpleNamespace) -> int:
    from tui_tasks.config import load_settings

    try:
        settings = load_settings({"db": args.db})
        if args.command:
            with _signals_interrupt():
                return run_import(settings, args) if args.command == "import" else run_export(settings, args)
        if args.upgrade:
            return run_upgrade(settings)
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
