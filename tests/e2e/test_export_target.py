"""`tui-tasks export -o TARGET` onto every kind of thing a name can be, as the real command in a subprocess.

A file is replaced whole by a new private one, never written through a link nor left half-written; a
FIFO or a terminal is written in place and stays what it was; anything else is one line, and nothing
is created. Some of these are played by a second user planting things in a shared folder.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tests.e2e.test_cli import Cli, cli  # noqa: F401  (the fixture)
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import TaskDraft
from tui_tasks.services.facade import open_services

EMAIL = "alice@example.com"
PASSWORD = "alice-password"
ROOT = os.geteuid() == 0
NOBODY = pwd.getpwnam("nobody") if ROOT else None
needs_root = pytest.mark.skipif(not ROOT, reason="needs root (mknod, mount, or another user's files)")


@pytest.fixture
def account(cli: Cli) -> Cli:  # noqa: F811
    """The default database with Alice's account and two tasks; runs that know her password."""
    services = open_services(Settings(db=parse_database(str(cli.db_path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    user = services.accounts.register(EMAIL, PASSWORD)
    services.tasks.create(user, TaskDraft("first", "two\nlines"))
    services.tasks.create(user, TaskDraft("second"))
    services.close()
    cli.env.update({"TUI_TASKS_BCRYPT_ROUNDS": str(BCRYPT_TEST_ROUNDS), "TUI_TASKS_PASSWORD": PASSWORD})
    return cli


def export(account: Cli, target: str | Path, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(
        [sys.executable, "-m", "tui_tasks", "export", "--user", EMAIL, "-o", str(target)],
        env={**account.env, **(env or {})}, cwd=account.workdir, text=True, timeout=60, **kwargs,
    )  # fmt: skip


def titles(text: str) -> list[str]:
    return [task["title"] for task in json.loads(text)["tasks"]]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"tui-tasks: {message}\n")


# --------------------------------------------------------------------------- a file: new, or replaced whole


def test_a_new_file_is_private_whatever_the_umask(account: Cli) -> None:
    for umask in (0o000, 0o022, 0o777):
        out = account.workdir / f"umask-{umask:o}.json"
        result = export(account, out, umask=umask)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert titles(out.read_text()) == ["first", "second"]
    assert leftovers(account.workdir) == []


def test_an_existing_file_is_replaced_by_a_private_one(account: Cli) -> None:
    out = account.workdir / "out.json"
    out.write_text("old")
    out.chmod(0o644)
    result = export(account, out)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # the old mode is not kept: 0600 is what is safe
    assert titles(out.read_text()) == ["first", "second"]


def test_files_planted_at_guessable_temporary_names_are_never_written_through(account: Cli, tmp_path: Path) -> None:
    """A second user, in a shared folder, plants links at every name the export might use for its
    temporary file (the old one was `.NAME.PID.tmp`: the PID is plain to see once it starts), and a
    file open to all: the victim keeps its content, the export is private."""
    shared = account.workdir / "shared"
    shared.mkdir(mode=0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = shared / "out.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_tasks", "export", "--user", EMAIL, "-o", str(out)],
        env=account.env, cwd=account.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    planted = [f".out.json.{process.pid}.tmp", ".out.json.tmp", "out.json.tmp", ".out.json.swp", "out.json~"]
    for name in planted:
        (shared / name).symlink_to(victim)
    loose = shared / f".out.json.{process.pid + 1}.tmp"
    loose.touch()
    loose.chmod(0o666)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert victim.read_text() == "precious"
    assert all((shared / name).is_symlink() for name in planted)
    assert stat.S_IMODE(out.lstat().st_mode) == 0o600 and stat.S_ISREG(out.lstat().st_mode)
    assert titles(out.read_text()) == ["first", "second"]
    assert sorted(p.name for p in shared.iterdir()) == sorted([*planted, loose.name, "out.json"])  # nothing of ours left


def test_a_very_long_name_and_a_name_with_a_newline_work_and_the_summary_is_one_line(account: Cli) -> None:
    long = account.workdir / ("x" * 250 + ".json")  # 255 bytes: the most a name may have
    result = export(account, long)
    assert result.returncode == 0, result.stderr
    assert titles(long.read_text()) == ["first", "second"]

    odd = account.workdir / "two\nlines.json"
    result = export(account, odd)
    assert result.returncode == 0, result.stderr
    assert titles(odd.read_text()) == ["first", "second"]
    assert result.stderr.count("\n") == 1 and "two\\nlines.json'" in result.stderr
    assert leftovers(account.workdir) == []


def test_two_exports_to_the_same_file_at_once_both_finish_and_the_file_is_whole(account: Cli) -> None:
    out = account.workdir / "same.json"
    command = [sys.executable, "-m", "tui_tasks", "export", "--user", EMAIL, "-o", str(out)]
    processes = [subprocess.Popen(command, env=account.env, cwd=account.workdir, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]  # fmt: skip
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    assert titles(out.read_text()) == ["first", "second"]
    assert leftovers(account.workdir) == []


# --------------------------------------------------------------------------- never the database itself


def test_the_database_and_its_companions_are_refused_before_the_password(account: Cli) -> None:
    db = account.db_path
    before = db.read_bytes()
    link = account.workdir / "hard-link.db"
    os.link(db, link)
    symlink = account.workdir / "link.db"
    symlink.symlink_to(db)
    wrong = {"TUI_TASKS_PASSWORD": "not-the-password"}  # the refusal comes first
    for target in (db, f"{db}-wal", f"{db}-journal", link, symlink, os.path.relpath(db, account.workdir)):
        result = export(account, target, env=wrong)
        one_line(result, f"cannot write {target}: it is the database itself (choose another file)")
    assert db.read_bytes() == before and stat.S_ISREG(db.lstat().st_mode)
    assert not Path(f"{db}-journal").exists()


# --------------------------------------------------------------------------- written in place


def test_dev_null_stays_a_character_device(account: Cli) -> None:
    before = os.lstat("/dev/null")
    result = export(account, "/dev/null")
    assert result.returncode == 0, result.stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@needs_root
def test_a_character_device_is_written_in_place_and_stays_one(account: Cli) -> None:
    """A private twin of /dev/null (the real one is the previous test: this one may fail safely)."""
    null = account.workdir / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = export(account, null)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode) and null.lstat().st_rdev == os.makedev(1, 3)
    assert leftovers(account.workdir) == []


def read_fifo(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            got.append(reader.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


def test_a_fifo_is_written_in_place_to_its_reader(account: Cli) -> None:
    fifo = account.workdir / "pipe"
    os.mkfifo(fifo, 0o600)
    thread, got = read_fifo(fifo)
    result = export(account, fifo)
    thread.join(10)
    assert result.returncode == 0, result.stderr
    assert titles(got[0].decode()) == ["first", "second"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(account.workdir) == []


def test_a_link_to_a_fifo_and_dev_stdout_are_written_in_place(account: Cli) -> None:
    fifo = account.workdir / "pipe"
    os.mkfifo(fifo, 0o600)
    link = account.workdir / "to-pipe"
    link.symlink_to(fifo)
    thread, got = read_fifo(fifo)
    result = export(account, link)
    thread.join(10)
    assert result.returncode == 0, result.stderr
    assert titles(got[0].decode()) == ["first", "second"] and link.is_symlink()

    result = export(account, "/dev/stdout")  # a pipe here
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == ["first", "second"]


def test_dev_stdout_redirected_to_a_file_writes_that_file(account: Cli) -> None:
    """`-o /dev/stdout > out.json` is stdout as the shell opened it (a link to a file otherwise refused)."""
    out = account.workdir / "out.json"
    with open(out, "w") as stdout:
        result = export(account, "/dev/stdout", stdout=stdout)
    assert result.returncode == 0, result.stderr
    assert titles(out.read_text()) == ["first", "second"]


@needs_root
def test_a_fifo_another_user_planted_is_refused(account: Cli) -> None:
    """A FIFO is written in place only when it is the user's own (or root's): another user's would
    receive every task."""
    fifo = account.workdir / "out.json"
    os.mkfifo(fifo, 0o666)
    os.chown(fifo, NOBODY.pw_uid, NOBODY.pw_gid)
    result = export(account, fifo)
    one_line(result, f"cannot write {fifo}: it is a FIFO another user owns")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --------------------------------------------------------------------------- a second user in a shared folder, root exporting


@needs_root
def test_a_link_another_user_planted_is_not_followed_even_to_a_fifo_or_dev_null(account: Cli) -> None:
    shared = account.workdir / "shared"
    shared.mkdir(mode=0o1777)
    fifo = account.workdir / "my-pipe"
    os.mkfifo(fifo, 0o600)  # the user's own: written in place when named, or through the user's link
    for name, to in (("a.json", fifo), ("b.json", Path("/dev/null"))):
        link = shared / name
        link.symlink_to(to)
        os.lchown(link, NOBODY.pw_uid, NOBODY.pw_gid)
        one_line(export(account, link), f"cannot write {link}: it is a symbolic link another user owns")
        assert link.is_symlink()


@needs_root
def test_a_folder_reached_through_another_users_link_is_refused(account: Cli, tmp_path: Path) -> None:
    """As root, `-o /tmp/exports/passwd` where another user made /tmp/exports a link to /etc would
    replace /etc/passwd. Played with a private folder standing for /etc."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    shared = account.workdir / "shared"
    shared.mkdir(mode=0o1777)
    link = shared / "exports"
    link.symlink_to(etc)
    os.lchown(link, NOBODY.pw_uid, NOBODY.pw_gid)
    target = link / "passwd"
    one_line(export(account, target), f"cannot write {target}: its folder is reached through a symbolic link another user owns")
    assert (etc / "passwd").read_text() == "root:x:0:0::/root:/bin/sh\n" and os.listdir(etc) == ["passwd"]


@needs_root
def test_a_character_device_other_than_a_terminal_or_null_is_refused_even_as_root(account: Cli) -> None:
    """Root may write /dev/mem, /dev/kmsg or a watchdog (which reboots the machine once opened and
    closed): an export goes only to /dev/null or a terminal. Played with a twin of /dev/zero."""
    zero = account.workdir / "zero"
    os.mknod(zero, stat.S_IFCHR | 0o666, os.makedev(1, 5))
    link = account.workdir / "to-zero"
    link.symlink_to(zero)
    for target in (zero, link):
        one_line(export(account, target),
                 f"cannot write {target}: it is a character device that is neither a terminal of this user nor /dev/null")  # fmt: skip
    assert stat.S_ISCHR(zero.lstat().st_mode)


def test_another_sqlite_database_is_not_replaced_by_an_export(account: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = other.read_bytes()
    one_line(export(account, other), f"cannot write {other}: it is an SQLite database (choose another file)")
    assert other.read_bytes() == before


def test_proc_is_no_place_for_an_export(account: Cli) -> None:
    result = export(account, "/proc/self/comm")
    assert result.returncode == 1 and result.stderr.startswith("tui-tasks: cannot write /proc/self/comm: ")
    assert result.stderr.count("\n") == 1
    result = export(account, "/proc/self/fd/1")  # the stdout pipe, as /dev/stdout
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == ["first", "second"]


# --------------------------------------------------------------------------- refused in one line, nothing created


def test_a_link_to_a_file_is_refused_and_left_as_it_was(account: Cli, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = account.workdir / "out.json"
    link.symlink_to(victim)
    dangling = account.workdir / "dangling.json"
    dangling.symlink_to(tmp_path / "nothing-here")
    for target in (link, dangling):
        result = export(account, target, env={"TUI_TASKS_PASSWORD": "not-the-password"})
        one_line(result, f"cannot write {target}: it is a symbolic link, and an export never writes through one "
                         "to a file (give the file's own name)")  # fmt: skip
    assert victim.read_text() == "precious" and link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nothing-here").exists()


def test_a_folder_or_a_missing_folder_is_one_line_before_the_password(account: Cli) -> None:
    folder = account.workdir / "exports"
    folder.mkdir()
    wrong = {"TUI_TASKS_PASSWORD": "not-the-password"}
    one_line(export(account, folder, env=wrong), f"cannot write {folder}: it is a folder (give a file name)")
    one_line(export(account, "no/such/t.json", env=wrong), "cannot write no/such/t.json: no such file or directory")
    (account.workdir / "file").write_text("")
    one_line(export(account, "file/t.json", env=wrong), "cannot write file/t.json: not a directory")
    one_line(export(account, "new/", env=wrong), "cannot write new/: it names a folder (give a file name)")
    assert list(folder.iterdir()) == [] and not (account.workdir / "no").exists()
    assert not (account.workdir / "new").exists()  # not a file named 'new'
    one_line(export(account, "x" * 300), f"cannot write {'x' * 300}: file name too long")


def test_a_socket_is_refused(account: Cli) -> None:
    path = account.workdir / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        one_line(export(account, path), f"cannot write {path}: it is a socket (give a file name)")
        assert stat.S_ISSOCK(path.lstat().st_mode)
    finally:
        server.close()


@needs_root
def test_a_block_device_is_refused(account: Cli) -> None:
    device = account.workdir / "disk"
    os.mknod(device, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    one_line(export(account, device), f"cannot write {device}: it is a block device (give a file name)")
    assert stat.S_ISBLK(device.lstat().st_mode)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs (skipped, with the reason, where mounting is not allowed)."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'mount failed'}): needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(account: Cli, small_disk: Path) -> None:
    out = small_disk / "out.json"
    out.write_text("the old export")
    out.chmod(0o600)
    filler = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError:  # the disk is full
        pass
    finally:
        os.close(filler)
    result = export(account, out)
    one_line(result, f"cannot write {out}: no space left on device")
    assert out.read_text() == "the old export"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "out.json"]


def test_a_read_only_folder_is_one_line_and_nothing_is_created(account: Cli, small_disk: Path) -> None:
    """Read-only by its mount (root writes into a 0555 folder anyway)."""
    (small_disk / "old.json").write_text("the old export")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for name in ("old.json", "new.json"):
        one_line(export(account, small_disk / name), f"cannot write {small_disk / name}: read-only file system")
    assert sorted(p.name for p in small_disk.iterdir()) == ["old.json"]
    assert (small_disk / "old.json").read_text() == "the old export"


def test_an_interrupted_export_leaves_the_old_file_and_no_temporary_file(account: Cli) -> None:
    from tui_tasks.services.transfer import import_tasks

    source = account.workdir / "many.csv"
    source.write_text("title,description\n" + "".join(f"task {n},{'x' * 200}\n" for n in range(40_000)))
    services = open_services(Settings(db=parse_database(str(account.db_path)), bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    try:
        import_tasks(services, services.accounts.log_in(EMAIL, PASSWORD), source, "csv")
    finally:
        services.close()
    source.unlink()
    out = account.workdir / "out.json"
    out.write_text("the old export")
    for signal_number in (2, 15):  # SIGINT (ctrl+c), SIGTERM
        process = subprocess.Popen(
            [sys.executable, "-m", "tui_tasks", "export", "--user", EMAIL, "-o", str(out)],
            env=account.env, cwd=account.workdir, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not leftovers(account.workdir) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.002)
        assert leftovers(account.workdir), "the export finished before it could be interrupted"
        process.send_signal(signal_number)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 130, err
        assert "Traceback" not in err
        assert out.read_text() == "the old export"
        assert leftovers(account.workdir) == []
