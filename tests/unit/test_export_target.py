"""export_tasks onto a path that changes while the export runs: the race between looking at the
target and renaming over it, played from the export's own progress callback (called once the last
page is written, before the rename)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tui_tasks.domain import TaskDraft, UserView
from tui_tasks.services.facade import Services
from tui_tasks.services.transfer import TransferError, export_tasks


def test_a_file_replaced_by_a_link_mid_export_replaces_the_link_not_what_it_leads_to(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    services.tasks.create(alice, TaskDraft("one"))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out" / "tasks.json"
    out.parent.mkdir()
    out.write_text("old")

    def swap(count: int) -> None:
        out.unlink()
        out.symlink_to(victim)

    assert export_tasks(services, alice, out, "json", progress=swap) == 1
    assert victim.read_text() == "precious"
    assert not out.is_symlink() and json.loads(out.read_text())["tasks"][0]["title"] == "one"
    assert [p.name for p in out.parent.iterdir()] == ["tasks.json"]


@pytest.mark.parametrize("swapped_in", ["fifo", "folder"])
def test_a_file_replaced_by_a_fifo_or_a_folder_mid_export_is_left_and_the_export_fails(
    services: Services, alice: UserView, tmp_path: Path, swapped_in: str
) -> None:
    out = tmp_path / "out" / "tasks.json"
    out.parent.mkdir()
    out.write_text("old")

    def swap(count: int) -> None:
        out.unlink()
        os.mkfifo(out) if swapped_in == "fifo" else out.mkdir()

    with pytest.raises(TransferError) as refused:
        export_tasks(services, alice, out, "json", progress=swap)
    assert refused.value.message == f"cannot write {out}: it changed while being written"
    kind = stat.S_ISFIFO if swapped_in == "fifo" else stat.S_ISDIR
    assert kind(out.lstat().st_mode)
    assert [p.name for p in out.parent.iterdir()] == ["tasks.json"]  # the temporary file is gone


def test_an_error_while_writing_removes_the_temporary_file_and_keeps_the_old_one(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "tasks.json"
    out.parent.mkdir()
    out.write_text("old")

    def fail(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_tasks(services, alice, out, "json", progress=fail)
    assert out.read_text() == "old"
    assert [p.name for p in out.parent.iterdir()] == ["tasks.json"]


def test_the_database_file_is_refused_by_name_and_by_link_without_being_opened(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    """The suite's file guard fails this test if anything opens the database beside its connection."""
    database = services.db.target.path
    if database is None:
        pytest.skip("an SQLite file")
    link = tmp_path / "same.db"
    os.link(database, link)
    for target in (database, database.with_name(database.name + "-wal"), link):
        with pytest.raises(TransferError, match="it is the database itself"):
            export_tasks(services, alice, target, "json")
    assert stat.S_ISREG(database.lstat().st_mode) and database.stat().st_nlink == 2


def test_a_folder_swapped_for_a_link_mid_export_is_not_followed(
    services: Services, alice: UserView, tmp_path: Path
) -> None:
    """The export works in the folder it opened at the start: a second user who moves that folder away
    and puts a link to somewhere else (as root: /etc) in its place steers nothing."""
    services.tasks.create(alice, TaskDraft("one"))
    exports, moved, elsewhere = tmp_path / "exports", tmp_path / "moved", tmp_path / "elsewhere"
    exports.mkdir()
    elsewhere.mkdir()
    (elsewhere / "passwd").write_text("root:x:0:0\n")
    target = exports / "passwd"

    def swap(count: int) -> None:
        exports.rename(moved)
        exports.symlink_to(elsewhere)

    assert export_tasks(services, alice, target, "json", progress=swap) == 1
    assert (elsewhere / "passwd").read_text() == "root:x:0:0\n" and os.listdir(elsewhere) == ["passwd"]
    assert json.loads((moved / "passwd").read_text())["tasks"][0]["title"] == "one"
    assert os.listdir(moved) == ["passwd"]
