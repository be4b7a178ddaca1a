"""`tui-tasks import` of files built to exhaust memory or the stack, as a user runs it: each ends in one
line per problem and the process's peak memory stays far below the file's size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import Cli
from tests.e2e.test_transfer_cli import EMAIL, account, cli  # noqa: F401  (the fixtures)

MIB = 1 << 20
SIZE = 64 * MIB
NOTHING = "tui-tasks: nothing imported: 1 invalid record (fix them, or import the others with --skip-invalid)"


def huge_file(path: Path, fmt: str, size: int) -> None:
    """One record of about `size` characters in `fmt`, written a MiB at a time."""
    head, tail = {
        "todotxt": ("", "\n"),
        "csv": ('title,description\n"', '",\n'),
        "json": ('{"format": "tui-tasks", "version": 1, "tasks": [\n{"title": "', '"}\n]}\n'),
        "taskwarrior": ('[{"description": "', '"}]\n'),
    }[fmt]
    with path.open("w") as out:
        out.write(head)
        for start in range(0, size, MIB):
            out.write("x" * min(MIB, size - start))
        out.write(tail)


def import_measured(account: Cli, path: Path, *args: str) -> tuple[int, str, float]:  # noqa: F811
    """Exit code, stderr and peak RSS (MiB) of `tui-tasks import PATH`, the child's own (wait4)."""
    err_path = path.with_suffix(".stderr")
    with err_path.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui_tasks", "import", str(path), "--user", EMAIL, *args],
            env=account.env, cwd=account.workdir, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, err_path.read_text(), usage.ru_maxrss / 1024


BASELINE: list[float] = []


def baseline(account: Cli) -> float:  # noqa: F811
    """The peak RSS of an import of a small file (once a session): what the interpreter and libraries take."""
    if not BASELINE:
        small = account.workdir / "small.txt"
        huge_file(small, "todotxt", MIB // 2)
        code, err, peak = import_measured(account, small)
        assert code == 1 and err.startswith("tui-tasks: line 1: Title must be at most 200 characters"), err
        BASELINE.append(peak)
    return BASELINE[0]


@pytest.mark.parametrize("fmt", ["todotxt", "csv", "json", "taskwarrior"])
def test_a_64_mib_record_is_refused_while_read_in_bounded_memory(account: Cli, fmt: str) -> None:  # noqa: F811
    big = account.workdir / f"big.{fmt}"
    huge_file(big, fmt, SIZE)
    code, err, peak = import_measured(account, big, "--format", fmt)
    line = {"todotxt": 1, "csv": 2, "json": 2, "taskwarrior": 1}[fmt]
    assert (code, err.splitlines()) == (1, [f"tui-tasks: line {line}: longer than 1 MiB", NOTHING])
    small = baseline(account)
    assert peak < small + 24, f"peak {peak:.0f} MiB for a {SIZE // MIB} MiB file (for a small one: {small:.0f})"


def test_a_file_nested_deep_and_long_is_read_in_bounded_memory(account: Cli) -> None:  # noqa: F811
    """Brackets, 32 MiB of them, then the closing ones: read past without a stack or a string per level."""
    path = account.workdir / "deep.json"
    with path.open("w") as out:
        out.write('[{"description": "kept"},\n')
        for char in "[]":
            for _ in range(16):
                out.write(char * MIB)
        out.write("]\n")
    code, err, peak = import_measured(account, path, "--skip-invalid")
    assert code == 0 and err.splitlines()[0] == "tui-tasks: skipped line 2: nested deeper than 32 levels", err
    assert err.splitlines()[1].startswith("tui-tasks: added 1, updated 0, unchanged 0, skipped 1 (1 invalid), in "), err
    assert peak < baseline(account) + 24, peak
