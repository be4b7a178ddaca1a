"""Adversarial pass, issue 9: a PostgreSQL connection that dies in the middle of a change (the server
restarted, an admin's pg_terminate_backend, a proxy's idle cut).

Found by stopping the throwaway server with `pg_ctl -m immediate` in a loop under a writer: every outcome
was honest (nothing reported saved was missing, nothing reported not saved was there), but a connection
lost before COMMIT reached the user as libpq's words, "consuming input failed: server closed the
connection unexpectedly": no "Not saved", and nothing a user understands ("cannot reach the PostgreSQL
server" is what the other losses say). Reproduced here by ending the change's own backend from another
connection between its statements: the user reads "terminating connection due to administrator command",
the server's words, again without "Not saved".
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.domain import TaskDraft
from tui_tasks.errors import StorageError
from tui_tasks.services.facade import open_services


@pytest.mark.stops_the_server  # it restarts the server: run alone
def test_a_connection_lost_in_the_middle_of_a_change_says_not_saved_in_plain_words(target):
    if target.kind != "postgresql":
        pytest.skip("a PostgreSQL connection")
    from tui_tasks.config import Settings

    services = open_services(Settings(db=target, bcrypt_rounds=BCRYPT_TEST_ROUNDS))
    admin = create_engine(target.url, poolclass=NullPool)
    try:
        user = services.accounts.register("pat@example.com", "password-123")
        task = services.tasks.create(user, TaskDraft("Buy milk"))
        armed = {"left": 1}

        def cut(conn, cursor, statement, parameters, context, executemany) -> None:
            if armed["left"] and statement.lstrip().upper().startswith("UPDATE"):
                armed["left"] = 0
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with admin.connect() as other:
                    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        event.listen(services.db.engine, "before_cursor_execute", cut)
        try:
            with pytest.raises(StorageError) as lost:
                services.tasks.toggle(user, task.id)
        finally:
            event.remove(services.db.engine, "before_cursor_execute", cut)
        assert not services.tasks.get(user, task.id).completed  # honest: it was not saved (this holds)
        message = lost.value.message
        assert message.startswith("Not saved") or "PostgreSQL server" in message, message
        assert "consuming input" not in message, message
    finally:
        admin.dispose()
        services.close()
