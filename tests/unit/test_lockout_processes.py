"""Guesses from several processes at once (as several people's clients of one team database, or several
copies of the CLI) share one count per email: no more than five are ever checked before the lock, for an
email with an account and one without alike."""

from __future__ import annotations

import multiprocessing

import pytest

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.config import DatabaseTarget, Settings
from tui_tasks.errors import AccountLocked, AuthError
from tui_tasks.services.facade import open_services

PROCESSES = 4
GUESSES = 5  # each


def _guess(target: DatabaseTarget, email: str, start, results) -> None:
    """One process: its own engine and connections; waits for the others, then guesses."""
    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    outcomes = []
    try:
        start.wait()
        for n in range(GUESSES):
            try:
                services.accounts.log_in(email, f"wrong-guess-{n}")
                outcomes.append("in")
            except AccountLocked:
                outcomes.append("locked")
            except AuthError:
                outcomes.append("invalid")
    finally:
        services.close()
        results.put(outcomes)


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_guesses_from_several_processes_stop_at_the_lock(services, settings, alice, email):
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each, as separate programs are
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_guess, args=(settings.db, email, start, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [outcome for _ in workers for outcome in results.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(outcomes) == ["invalid"] * 4 + ["locked"] * (PROCESSES * GUESSES - 4)
    with pytest.raises(AccountLocked):
        services.accounts.log_in(email, "alice-password")
