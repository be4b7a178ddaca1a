"""The write queue: writes run in the order asked, and nothing waits forever."""

from __future__ import annotations

import threading
import time

import pytest

from tui_tasks.errors import StorageError
from tui_tasks.ui.dispatch import WriteQueue


def test_writes_run_in_ticket_order_whatever_order_their_threads_start():
    queue, done = WriteQueue(), []
    tickets = [queue.take() for _ in range(5)]

    def write(ticket: int) -> None:
        with queue.turn(ticket):
            done.append(ticket)

    threads = [threading.Thread(target=write, args=(t,)) for t in reversed(tickets)]
    for thread in threads:
        thread.start()
        time.sleep(0.01)
    for thread in threads:
        thread.join(5)
    assert done == tickets


def test_closing_releases_writes_stuck_behind_one_that_never_ran():
    queue, outcome = WriteQueue(), []
    queue.take()  # a write whose worker was cancelled before it started
    later = queue.take()

    def write() -> None:
        try:
            with queue.turn(later):
                outcome.append("written")
        except StorageError as error:
            outcome.append(error.message)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.05)
    assert outcome == []  # still waiting its turn
    queue.close()
    thread.join(5)
    assert outcome == ["Not saved: tui-tasks was closing"]


def test_a_write_after_close_gives_up_at_once():
    queue = WriteQueue()
    queue.close()
    with pytest.raises(StorageError):
        with queue.turn(queue.take()):
            pass
