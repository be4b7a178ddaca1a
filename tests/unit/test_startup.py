"""The full-screen app's start: what the log-in screen needs, and nothing more (issue 11: start-up is
measured against a bare Textual app, and every module or widget loaded before the first paint counts)."""

from __future__ import annotations

import json
import subprocess
import sys

from tui_tasks.cli import NO_ARGUMENTS, build_parser, parse_arguments

# Modules the first paint must not wait for: the read models and services come with the database, in a
# thread after it; argparse only when there are arguments; Textual's Button and Footer (heavy CSS) not at all.
NOT_BEFORE_FIRST_PAINT = (
    "argparse", "tui_tasks.domain", "tui_tasks.services", "tui_tasks.services.formats", "tui_tasks.ui.messages",
    "sqlalchemy", "sqlmodel", "alembic", "bcrypt",
)  # fmt: skip


def test_a_bare_start_means_what_the_parser_gives_for_no_arguments():
    assert parse_arguments([]) is NO_ARGUMENTS
    assert vars(build_parser().parse_args([])) == vars(NO_ARGUMENTS)


def test_formats_are_still_offered_and_checked():
    assert build_parser().parse_args(["export", "--user", "a@b.c", "--format", "csv"]).format == "csv"
    help_text = build_parser().format_help() + next(
        action for action in build_parser()._subparsers._group_actions  # noqa: SLF001 (the subcommands' parsers)
    ).choices["import"].format_help()
    assert "{auto,json,csv,taskwarrior,todotxt}" in help_text


def test_the_log_in_screen_is_built_from_light_modules_only():
    code = (
        "import sys, json, tui_tasks.cli as cli, tui_tasks.ui.app, tui_tasks.ui.screens.login;"
        "cli.parse_arguments([]);"
        "print(json.dumps(sorted(sys.modules)))"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert not loaded & set(NOT_BEFORE_FIRST_PAINT)
