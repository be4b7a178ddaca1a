"""Accounts: registration, log-in and lockout, password changes, deletion."""

from __future__ import annotations

import logging

import bcrypt
import pytest
from sqlalchemy import text

from tests.conftest import BCRYPT_TEST_ROUNDS
from tui_tasks.domain import TaskDraft, UserView
from tui_tasks.errors import AccountLocked, AuthError, NotFound, ValidationError
from tui_tasks.logs import setup_logging
from tui_tasks.services import accounts as accounts_module
from tui_tasks.services.accounts import Accounts, hash_cost, lock_seconds
from tui_tasks.services.facade import open_services


def stored_hash(services, email: str) -> bytes:
    with services.db.engine.connect() as conn:
        return bytes(conn.execute(text('SELECT password_hash FROM "user" WHERE email = :e'), {"e": email}).scalar())


def test_register_normalises_email_and_defaults_display_name(services):
    user = services.accounts.register("  Carol.Smith@Example.COM ", "correct horse")
    assert user.email == "carol.smith@example.com"
    assert user.display_name == "carol.smith"
    assert services.accounts.me(user) == user


@pytest.mark.parametrize(
    ("email", "password", "name", "field", "words"),
    [
        ("not-an-email", "password1", None, "email", "look like"),
        ("a@b", "password1", None, "email", "look like"),
        ("", "password1", None, "email", "required"),
        ("x" * 250 + "@e.com", "password1", None, "email", "254"),
        ("a\x00@example.com", "password1", None, "email", "control"),
        ("a@example.com", "short", None, "password", "at least 8 bytes"),
        ("a@example.com", "é" * 37, None, "password", "at most 72 bytes"),
        ("a@example.com", "password1", "n" * 81, "display_name", "80"),
        ("a@example.com", "password1", "bad\x1bname", "display_name", "control"),
    ],
)
def test_register_rejects_bad_input_with_a_message(services, email, password, name, field, words):
    with pytest.raises(ValidationError) as caught:
        services.accounts.register(email, password, name)
    assert caught.value.field == field
    assert words in caught.value.message


def test_password_limit_counts_utf8_bytes_not_characters(services):
    services.accounts.register("bytes@example.com", "€" * 24)  # 24 characters, 72 bytes
    with pytest.raises(ValidationError, match="72 bytes.*it has 75"):
        services.accounts.register("bytes2@example.com", "€" * 25)


def test_registering_a_taken_email_fails_whatever_its_case(services, alice):
    with pytest.raises(ValidationError, match="already exists") as caught:
        services.accounts.register("ALICE@example.com", "another-password")
    assert caught.value.field == "email"


def test_stored_hash_is_bcrypt_with_the_configured_cost(services, alice):
    password_hash = stored_hash(services, alice.email)
    assert password_hash.startswith(b"$2b$")
    assert hash_cost(password_hash) == BCRYPT_TEST_ROUNDS
    assert bcrypt.checkpw(b"alice-password", password_hash)


def test_log_in_returns_the_user_and_records_the_time(services, alice, clock):
    clock.advance(minutes=5)
    user = services.accounts.log_in(" Alice@Example.com", "alice-password")
    assert user.id == alice.id
    assert user.last_login_at == clock.now


def test_wrong_password_and_unknown_email_get_the_same_error(services, alice):
    with pytest.raises(AuthError) as wrong_password:
        services.accounts.log_in("alice@example.com", "not-her-password")
    with pytest.raises(AuthError) as unknown:
        services.accounts.log_in("nobody@example.com", "not-her-password")
    with pytest.raises(AuthError) as malformed:
        services.accounts.log_in("not an email", "whatever-password")
    assert wrong_password.value.message == unknown.value.message == malformed.value.message
    assert wrong_password.value.message == "Invalid email or password"


def test_unknown_email_costs_one_bcrypt_check_at_the_configured_cost(services, alice, monkeypatch):
    """Same work either way: an unknown email is checked against a dummy hash of the same cost."""
    checked: list[int] = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password: bytes, password_hash: bytes) -> bool:
        checked.append(hash_cost(password_hash))
        return real_checkpw(password, password_hash)

    monkeypatch.setattr(accounts_module.bcrypt, "checkpw", counting_checkpw)
    for email in ("alice@example.com", "nobody@example.com"):
        with pytest.raises(AuthError):
            services.accounts.log_in(email, "wrong-password")
    assert checked == [BCRYPT_TEST_ROUNDS, BCRYPT_TEST_ROUNDS]


def test_too_long_password_at_log_in_says_bytes(services):
    with pytest.raises(ValidationError, match="at most 72 bytes"):
        services.accounts.log_in("alice@example.com", "x" * 73)


@pytest.mark.parametrize(("failures", "seconds"), [(4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (50, 900)])
def test_lock_grows_from_30_seconds_doubling_up_to_15_minutes(failures, seconds):
    assert lock_seconds(failures) == seconds


def test_five_failures_lock_the_account_even_for_the_right_password(services, alice, clock):
    for _ in range(4):
        with pytest.raises(AuthError) as caught:
            services.accounts.log_in(alice.email, "wrong-password")
        assert not isinstance(caught.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        services.accounts.log_in(alice.email, "wrong-password")
    assert locked.value.seconds == 30
    assert locked.value.message == "Account locked — try again in 30 s"
    clock.advance(seconds=12)
    with pytest.raises(AccountLocked) as still_locked:
        services.accounts.log_in(alice.email, "alice-password")
    assert still_locked.value.seconds == 18


def test_each_failure_after_the_lock_doubles_it_and_success_resets(services, alice, clock):
    for _ in range(5):
        with pytest.raises(AuthError):
            services.accounts.log_in(alice.email, "wrong-password")
    clock.advance(seconds=31)
    with pytest.raises(AccountLocked) as caught:
        services.accounts.log_in(alice.email, "wrong-password")
    assert caught.value.seconds == 60
    clock.advance(seconds=61)
    services.accounts.log_in(alice.email, "alice-password")
    with pytest.raises(AuthError) as after_reset:
        services.accounts.log_in(alice.email, "wrong-password")
    assert not isinstance(after_reset.value, AccountLocked)


def test_lockout_is_stored_in_the_database(services, settings, alice, clock):
    for _ in range(5):
        with pytest.raises(AuthError):
            services.accounts.log_in(alice.email, "wrong-password")
    services.close()
    restarted = open_services(settings, clock)  # a new engine and connections, as a new process has
    try:
        with pytest.raises(AccountLocked):
            restarted.accounts.log_in(alice.email, "alice-password")
    finally:
        restarted.close()


def test_weaker_hash_is_rehashed_at_the_configured_cost_on_log_in(services, alice, clock):
    stronger = Accounts(services.db, BCRYPT_TEST_ROUNDS + 1, clock)
    stronger.log_in(alice.email, "alice-password")
    assert hash_cost(stored_hash(services, alice.email)) == BCRYPT_TEST_ROUNDS + 1
    stronger.log_in(alice.email, "alice-password")


def test_damaged_hash_refuses_log_in_without_crashing(services, alice):
    with services.db.engine.begin() as conn:
        conn.execute(text('UPDATE "user" SET password_hash = :h'), {"h": b"not a bcrypt hash"})
    with pytest.raises(AuthError, match="Invalid email or password"):
        services.accounts.log_in(alice.email, "alice-password")


def test_change_password_needs_the_current_one(services, alice):
    with pytest.raises(ValidationError) as caught:
        services.accounts.change_password(alice, "wrong-password", "new-password")
    assert caught.value.field == "old_password"
    with pytest.raises(ValidationError) as too_short:
        services.accounts.change_password(alice, "alice-password", "short")
    assert too_short.value.field == "new_password"
    services.accounts.change_password(alice, "alice-password", "brand-new-password")
    with pytest.raises(AuthError):
        services.accounts.log_in(alice.email, "alice-password")
    assert services.accounts.log_in(alice.email, "brand-new-password").id == alice.id


def test_delete_account_removes_its_tasks_and_needs_the_password(services, alice, bob):
    services.tasks.create(alice, TaskDraft("Alice's task", tags=("x",)))
    kept = services.tasks.create(bob, TaskDraft("Bob's task", tags=("x",)))
    for wrong in ("bob-password", alice.email, ""):
        with pytest.raises(ValidationError, match="The password is not correct") as caught:
            services.accounts.delete_account(alice, wrong)
        assert caught.value.field == "password"
    services.accounts.delete_account(alice, "alice-password")
    with pytest.raises(NotFound):
        services.accounts.me(alice)
    with pytest.raises(AuthError):
        services.accounts.log_in(alice.email, "alice-password")
    with services.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM task")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM task_tag")).scalar() == 1
    assert services.tasks.get(bob, kept.id) == kept


def test_the_delete_form_counts_failures_with_the_log_ins(services, alice, clock):
    """Guessing through the delete form meets the same lock: three wrong log-ins and two wrong deletes lock
    the account, even the right password is then refused by both, and nothing is deleted."""
    for _ in range(3):
        answer(services, alice.email)
    with pytest.raises(ValidationError):
        services.accounts.delete_account(alice, "guess-one")
    with pytest.raises(AccountLocked) as locked:
        services.accounts.delete_account(alice, "guess-two")
    assert locked.value.seconds == 30
    with pytest.raises(AccountLocked):
        services.accounts.delete_account(alice, "alice-password")
    assert answer(services, alice.email, "alice-password")[0] == "locked"
    clock.advance(seconds=31)
    assert services.accounts.me(alice).email == alice.email
    services.accounts.delete_account(alice, "alice-password")
    assert failure_row(services, alice.email) is None  # a success forgets the count
    with pytest.raises(NotFound):
        services.accounts.me(alice)


def test_changing_the_password_counts_failures_with_the_log_ins(services, alice):
    for _ in range(4):
        with pytest.raises(ValidationError, match="current password is not correct"):
            services.accounts.change_password(alice, "wrong-password", "new-password-1")
    with pytest.raises(AccountLocked):
        services.accounts.change_password(alice, "wrong-password", "new-password-1")
    with pytest.raises(AccountLocked):
        services.accounts.change_password(alice, "alice-password", "new-password-1")
    assert answer(services, alice.email, "alice-password")[0] == "locked"


def test_a_stale_session_cannot_delete_a_new_account_with_the_same_email(services, alice):
    services.accounts.delete_account(alice, "alice-password")
    again = services.accounts.register(alice.email, "another-password")
    with pytest.raises(NotFound):
        services.accounts.delete_account(alice, "another-password")
    assert services.accounts.me(again).email == alice.email


def test_deleted_account_cannot_add_tasks(services, alice):
    services.accounts.delete_account(alice, "alice-password")
    with pytest.raises(NotFound):
        services.tasks.create(alice, TaskDraft("ghost"))


@pytest.fixture
def log_path(tmp_path):
    """The tui_tasks loggers writing to a file of this test, closed afterwards."""
    path = setup_logging("DEBUG", tmp_path / "log" / "tui-tasks.log")
    yield path
    logger = logging.getLogger("tui_tasks")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def test_plain_password_is_nowhere_in_the_database_file_or_the_log(services, log_path):
    if services.db.target.path is None:
        pytest.skip("reads the SQLite file's bytes")
    secret = "Sup3r-Secret-Passphrase"
    user = services.accounts.register("dave@example.com", secret)
    services.accounts.log_in(user.email, secret)
    with pytest.raises(AuthError):
        services.accounts.log_in(user.email, secret + "-wrong")
    services.accounts.change_password(user, secret, secret + "-2")
    services.db.close()
    for handler in list(logging.getLogger("tui_tasks").handlers):  # closed: the file guard refuses a file held open
        logging.getLogger("tui_tasks").removeHandler(handler)
        handler.close()
    log_text = log_path.read_text()
    assert f"account registered user_id={user.id}" in log_text
    assert f"log-in failed user_id={user.id}" in log_text
    password_hash = b"$2b$"
    for path in services.db.target.path.parent.iterdir():
        data = path.read_bytes()
        assert secret.encode() not in data, path
    assert secret not in log_text
    assert password_hash.decode() not in log_text


def test_me_reflects_the_stored_account(services, alice: UserView):
    assert services.accounts.me(alice).display_name == "Alice"


def test_a_deleted_accounts_id_is_never_given_to_a_new_account(services, alice, bob):
    """A session left open for a deleted account must not turn into someone else's."""
    services.accounts.delete_account(bob, "bob-password")
    carol = services.accounts.register("carol@example.com", "carol-password")
    assert carol.id > bob.id
    with pytest.raises(NotFound):
        services.accounts.me(bob)


def test_parallel_guesses_cannot_get_past_the_lock(services, alice):
    """Twenty log-ins at once, all wrong: at most five are checked before the lock stops the rest."""
    import threading

    outcomes: list[str] = []
    start = threading.Barrier(20)

    def guess() -> None:
        start.wait()
        try:
            services.accounts.log_in(alice.email, "wrong-password")
        except AccountLocked:
            outcomes.append("locked")
        except AuthError:
            outcomes.append("invalid")

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("invalid") == 4  # failures 1-4; the 5th locks; the rest find it locked
    assert outcomes.count("locked") == 16
    with pytest.raises(AccountLocked):
        services.accounts.log_in(alice.email, "alice-password")


# --- the lockout counts emails as typed, with or without an account ------------------------------------


def answer(services, email: str, password: str = "wrong-password") -> tuple[str, str, int]:
    """What one log-in attempt answers: ("locked"|"invalid"|"in", message, seconds)."""
    try:
        services.accounts.log_in(email, password)
    except AccountLocked as locked:
        return ("locked", locked.message, locked.seconds)
    except AuthError as refused:
        return ("invalid", refused.message, 0)
    return ("in", "", 0)


def failure_row(services, email: str) -> tuple | None:
    with services.db.engine.connect() as conn:
        row = conn.execute(text("SELECT failures, locked_until FROM login_failure WHERE email = :e"), {"e": email})
        return tuple(row.first() or ()) or None


# Seconds waited before each try: five failures lock; tries while locked; the lock runs out; it doubles.
TIMELINE = (0, 0, 0, 0, 0, 0, 12, 19, 0, 61, 0, 121)


def test_an_unknown_email_is_answered_and_locked_exactly_like_an_existing_one(services, alice, clock):
    start = clock.now
    answers, rows = {}, {}
    for email in (alice.email, "nobody@example.com"):
        clock.now = start  # the same timeline for both
        seen = []
        for wait in TIMELINE:
            clock.advance(seconds=wait)
            seen.append(answer(services, email, "alice-password" if wait == 12 else "wrong-password"))
        answers[email], rows[email] = seen, failure_row(services, email)
    assert answers[alice.email] == answers["nobody@example.com"]
    locked = [("locked", f"Account locked — try again in {s} s", s) for s in (30, 18, 60, 120, 240)]
    invalid = ("invalid", "Invalid email or password", 0)
    assert answers[alice.email] == [invalid] * 4 + [locked[0], locked[0], locked[1],  # the right password too
                                                    locked[2], locked[2], locked[3], locked[3], locked[4]]
    assert rows[alice.email] == rows["nobody@example.com"] and rows[alice.email][0] == 8


def test_the_count_is_per_email_as_stored_whatever_the_case_and_spaces(services, alice):
    for typed in ("Alice@Example.com", " alice@example.com", "ALICE@EXAMPLE.COM\t", "alice@example.com"):
        assert answer(services, typed)[0] == "invalid"
    assert answer(services, " ALICE@example.COM ")[0] == "locked"
    assert failure_row(services, "alice@example.com")[0] == 5
    assert answer(services, "bob@example.com")[0] == "invalid"  # another email has its own count


def test_a_success_resets_the_count_of_that_email_only(services, alice, bob):
    for _ in range(4):
        answer(services, alice.email)
        answer(services, bob.email)
    services.accounts.log_in(alice.email, "alice-password")
    assert failure_row(services, alice.email) is None
    assert failure_row(services, bob.email)[0] == 4
    assert answer(services, bob.email)[0] == "locked"


def test_a_malformed_email_gets_the_same_answer_and_counts_nowhere(services):
    for _ in range(7):
        assert answer(services, "not an email") == ("invalid", "Invalid email or password", 0)
    with services.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM login_failure")).scalar() == 0


def test_parallel_guesses_at_an_unknown_email_stop_at_the_lock_too(services):
    """The same race as for an account: twenty wrong guesses at once, four answered invalid, the rest locked."""
    import threading

    outcomes: list[str] = []
    start = threading.Barrier(20)

    def guess() -> None:
        start.wait()
        outcomes.append(answer(services, "nobody@example.com")[0])

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invalid"] * 4 + ["locked"] * 16
    assert failure_row(services, "nobody@example.com")[0] == 5


def test_no_spelling_of_a_locked_email_gets_past_its_lock(services, alice, clock):
    """Every spelling that reaches the account is counted as the account's email (the same case folding
    and trimming); every other spelling reaches no account. So none gets more guesses at it."""
    kim = services.accounts.register("kim@example.com", "kims-password")
    for _ in range(5):
        answer(services, kim.email)
    same = [" KIM@example.com ", "Kim@Example.Com\t", "\u212aim@example.com"]  # (U+212A KELVIN SIGN lowercases to k)
    other = ["ｋim@example.com", "kim@example.com.", "kim@exampIe.com", "ki\u0307m@example.com", "kim @example.com"]
    for typed in same:
        assert answer(services, typed, "kims-password")[0] == "locked", ascii(typed)
    for typed in other:
        assert answer(services, typed, "kims-password") == ("invalid", "Invalid email or password", 0), ascii(typed)
    clock.advance(seconds=31)
    assert services.accounts.log_in("\u212aIM@example.com", "kims-password").id == kim.id


def test_the_built_in_dummy_hash_is_a_real_hash_of_the_default_cost() -> None:
    """The hash an unknown email is checked against at cost 12 is kept in the code (not made at each
    start): it must be a bcrypt hash of that cost, or an unknown email would answer faster."""
    dummy = accounts_module._dummy_hashes[12]
    assert accounts_module.hash_cost(dummy) == 12
    assert bcrypt.checkpw(b"tui-tasks: no such account", dummy)
