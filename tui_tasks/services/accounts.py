"""Accounts: register, log in (with lockout), me, change password, delete."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

import bcrypt
from sqlalchemy import delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import LoginFailure, User
from tui_tasks.domain import UserView, utcnow, visible
from tui_tasks.errors import AccountLocked, AuthError, Conflict, NotFound, StorageError, ValidationError
from tui_tasks.services.validation import (
    PASSWORD_MAX_BYTES,
    clean_display_name,
    clean_email,
    password_bytes,
)

MAX_FAILURES = 5  # failures in a row with one email before its log-ins lock
FIRST_LOCK_S = 30  # doubled for each further failure...
LONGEST_LOCK_S = 15 * 60  # ...up to this
INVALID_LOGIN = "Invalid email or password"

log = logging.getLogger("tui_tasks.accounts")
# The dummy at the default cost, made once here rather than on every start: one bcrypt hash less (0.2-0.3 s)
# for each CLI command and each start of the app. It hashes a known text, and matching it logs no one in.
_dummy_hashes: dict[int, bytes] = {12: b"$2b$12$XdfQFpToCHq/zYYc8oDirOPzOPrjX7y/psrsHtwbdMJ2QWoT.o./m"}
_dummy_lock = threading.Lock()


def lock_seconds(failures: int) -> int:
    """How long an email's log-ins stay locked after `failures` failed ones in a row (0: not locked)."""
    if failures < MAX_FAILURES:
        return 0
    return min(FIRST_LOCK_S * 2 ** min(failures - MAX_FAILURES, 10), LONGEST_LOCK_S)


def hash_cost(password_hash: bytes) -> int:
    """The cost stored in a bcrypt hash (`$2b$12$...` -> 12); 0 when the hash is not bcrypt."""
    try:
        return int(password_hash.split(b"$")[2])
    except (IndexError, ValueError):
        return 0


def _dummy_hash(rounds: int) -> bytes:
    """A hash of the configured cost, checked when the email is unknown so that both cases cost the same."""
    with _dummy_lock:
        if rounds not in _dummy_hashes:
            _dummy_hashes[rounds] = bcrypt.hashpw(b"tui-tasks: no such account", bcrypt.gensalt(rounds))
        return _dummy_hashes[rounds]


def _password_matches(password: bytes, password_hash: bytes) -> bool:
    try:
        return bcrypt.checkpw(password, password_hash)
    except ValueError:  # a damaged hash in the database: no password matches it
        return False


class _Attempt(NamedTuple):
    """A log-in attempt as counted for the email typed: `locked_for` > 0 when it was already locked,
    `lock_s` > 0 when this attempt's failure locks it. With no account, `user_id` is None and the hash
    is the dummy one, so that what follows costs the same."""

    user_id: int | None
    password_hash: bytes
    failures: int
    locked_for: int
    lock_s: int


def _insert(db: Database):
    """An INSERT into login_failure that can take ON CONFLICT DO UPDATE, in the database's dialect."""
    dialect = postgresql if db.target.kind == "postgresql" else sqlite
    return dialect.insert(LoginFailure.__table__)


def _typed_password(password: str, field: str) -> bytes:
    """A password typed to be checked (not stored): any text, but no more than bcrypt can take."""
    raw = password.encode("utf-8", "replace") if isinstance(password, str) else b""
    if len(raw) > PASSWORD_MAX_BYTES:  # no account can have it: saying so reveals nothing
        raise ValidationError(field, f"Password must be at most {PASSWORD_MAX_BYTES} bytes in UTF-8")
    return raw


def _view(user: User) -> UserView:
    return UserView(user.id, visible(user.email), visible(user.display_name), user.created_at, user.last_login_at)


class Accounts:
    """Local accounts; passwords are only ever kept as bcrypt hashes of cost `rounds`."""

    def __init__(self, db: Database, rounds: int = 12, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.rounds = rounds
        self.clock = clock
        _dummy_hash(rounds)  # made now, so that the first unknown email costs no more than any other

    def _hash(self, password: bytes) -> bytes:
        return bcrypt.hashpw(password, bcrypt.gensalt(self.rounds))

    def register(self, email: str, password: str, display_name: str | None = None) -> UserView:
        """Create an account; raise ValidationError for a bad or taken email, or a bad password."""
        address = clean_email(email)
        name = clean_display_name(display_name, address)
        password_hash = self._hash(password_bytes(password))
        now = self.clock()
        try:
            with self.db.session(write=True) as session:
                user = User(email=address, display_name=name, password_hash=password_hash, created_at=now)
                session.add(user)
                session.flush()
                view = _view(user)
        except Conflict:
            raise ValidationError("email", "An account with this email already exists") from None
        log.info("account registered user_id=%s", view.id)
        return view

    def log_in(self, email: str, password: str) -> UserView:
        """The account for these credentials; AuthError otherwise. The answer, its cost and the lockout
        are the same whether an account has the email or not: failures are counted per email typed."""
        raw = _typed_password(password, "password")
        try:
            address = clean_email(email)
        except ValidationError:  # no account can have it, so there is nothing to count either
            _password_matches(raw, _dummy_hash(self.rounds))
            log.info("log-in failed: not an email")
            raise AuthError(INVALID_LOGIN) from None
        attempt = self._checked_attempt(address, raw, self.clock())
        stronger = self._hash(raw) if hash_cost(attempt.password_hash) < self.rounds else None
        return self._record_success(address, attempt, stronger)

    def _checked_attempt(self, address: str, raw: bytes, now: datetime) -> _Attempt:
        """Count an attempt at `address` and check the password; AccountLocked or AuthError unless it matches
        an account that is not locked. Every path costs one bcrypt check at the configured cost."""
        try:
            attempt = self._begin_attempt(address, now)
        except StorageError as refused:
            if isinstance(refused, Conflict):
                raise
            attempt = self._read_attempt(address, now, refused)
        if attempt.locked_for:
            _password_matches(raw, _dummy_hash(self.rounds))  # a locked email costs what a check costs
            raise AccountLocked(attempt.locked_for)
        if not _password_matches(raw, attempt.password_hash) or attempt.user_id is None:
            log.info("log-in failed user_id=%s failures=%s", attempt.user_id or "none", attempt.failures)
            if attempt.lock_s:
                log.warning("log-ins locked user_id=%s seconds=%s", attempt.user_id or "none", attempt.lock_s)
                raise AccountLocked(attempt.lock_s)
            raise AuthError(INVALID_LOGIN)
        return attempt

    def _begin_attempt(self, address: str, now: datetime) -> _Attempt:
        """Count the attempt as a failure before the password is checked, with one atomic upsert in a write
        transaction (which then holds the row, or on SQLite the database, until it ends): parallel guesses
        cannot get past the lock, and a success undoes the count. The same statements run for an email
        with or without an account."""
        row = LoginFailure.__table__
        not_locked = or_(row.c.locked_until.is_(None), row.c.locked_until <= now)
        count = _insert(self.db).values(email=address, failures=1, locked_until=None)
        count = count.on_conflict_do_update(
            index_elements=[row.c.email], set_={"failures": row.c.failures + 1}, where=not_locked
        )
        with self.db.session(write=True) as session:
            session.exec(count)
            failures, locked_until = session.exec(
                select(row.c.failures, row.c.locked_until).where(row.c.email == address)
            ).one()
            account = session.exec(select(User.id, User.password_hash).where(User.email == address)).first()
            user_id, password_hash = account if account is not None else (None, _dummy_hash(self.rounds))
            if locked_until is not None and locked_until > now:  # locked: not counted, nothing changed
                locked_for = math.ceil((locked_until - now).total_seconds())
                return _Attempt(user_id, password_hash, failures, locked_for, 0)
            lock_s = lock_seconds(failures)
            if lock_s:
                session.exec(
                    update(row).where(row.c.email == address).values(locked_until=now + timedelta(seconds=lock_s))
                )
            return _Attempt(user_id, password_hash, failures, 0, lock_s)

    def _read_attempt(self, address: str, now: datetime, refused: StorageError) -> _Attempt:
        """The attempt, read but not counted, when the database takes no writes (a full disk, a read-only
        file): the right password still gets in, to read and export the tasks, and a lock still holds;
        bcrypt's cost still slows guesses. If it cannot be read either, the database's error stands."""
        row = LoginFailure.__table__
        with self.db.session() as session:
            counted = session.exec(select(row.c.failures, row.c.locked_until).where(row.c.email == address)).first()
            account = session.exec(select(User.id, User.password_hash).where(User.email == address)).first()
        log.warning("log-in attempt not counted: the database takes no writes (%s)", refused.message)
        failures, locked_until = counted if counted is not None else (0, None)
        user_id, password_hash = account if account is not None else (None, _dummy_hash(self.rounds))
        locked_for = math.ceil((locked_until - now).total_seconds()) if locked_until and locked_until > now else 0
        return _Attempt(user_id, password_hash, failures, locked_for, 0)

    def _record_success(self, address: str, attempt: _Attempt, stronger_hash: bytes | None) -> UserView:
        """Forget the email's failures; store a hash of the configured cost (made before the transaction,
        so that no writer waits on bcrypt) unless the password changed meanwhile. A database that takes
        no writes lets the user in all the same, with none of this recorded."""
        try:
            return self._recorded_success(address, attempt, stronger_hash)
        except StorageError as refused:
            if isinstance(refused, Conflict):
                raise
            log.warning("log-in not recorded: the database takes no writes (%s)", refused.message)
        with self.db.session() as session:
            user = session.get(User, attempt.user_id)
            if user is None:
                raise AuthError(INVALID_LOGIN)
            return _view(user)

    def _recorded_success(self, address: str, attempt: _Attempt, stronger_hash: bytes | None) -> UserView:
        with self.db.session(write=True) as session:
            session.exec(delete(LoginFailure).where(col(LoginFailure.email) == address))
            user = session.exec(select(User).where(User.id == attempt.user_id).with_for_update()).first()
            if user is None:
                raise AuthError(INVALID_LOGIN)
            user.last_login_at = self.clock()
            if stronger_hash is not None and user.password_hash == attempt.password_hash:
                user.password_hash = stronger_hash
                log.info("password re-hashed at cost %s user_id=%s", self.rounds, user.id)
            view = _view(user)
        log.info("logged in user_id=%s", view.id)
        return view

    def me(self, user: UserView) -> UserView:
        """The account as stored now."""
        with self.db.session() as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            return _view(row)

    def change_password(self, user: UserView, old_password: str, new_password: str) -> None:
        """Replace the password; the current one must be given (a wrong one counts as a failed log-in)."""
        new_raw = password_bytes(new_password, "new_password")
        address = self._confirm_password(user, old_password, "old_password", "The current password is not correct")
        new_hash = self._hash(new_raw)
        with self.db.session(write=True) as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            row.password_hash = new_hash
            session.exec(delete(LoginFailure).where(col(LoginFailure.email) == address))
        log.info("password changed user_id=%s", user.id)

    def delete_account(self, user: UserView, password: str) -> None:
        """Delete the account and all its tasks; `password` must be the account's (a wrong one counts as a
        failed log-in, so that this form cannot be used to guess it past the lock)."""
        address = self._confirm_password(user, password, "password", "The password is not correct")
        with self.db.session(write=True) as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            session.delete(row)  # tasks and tags go with it: ON DELETE CASCADE
            session.exec(delete(LoginFailure).where(col(LoginFailure.email) == address))
        log.info("account deleted user_id=%s", user.id)

    def _confirm_password(self, user: UserView, password: str, field: str, wrong: str) -> str:
        """Check the logged-in user's password as a log-in is checked, counted and locked; return the stored
        email. ValidationError(`field`, `wrong`) for a wrong one; AccountLocked; NotFound for a gone account."""
        raw = _typed_password(password, field)
        with self.db.session() as session:
            address = session.exec(select(User.email).where(User.id == user.id)).first()
        if address is None:
            raise NotFound("This account no longer exists")
        try:
            attempt = self._checked_attempt(address, raw, self.clock())
        except AccountLocked:
            raise
        except AuthError:
            raise ValidationError(field, wrong) from None
        if attempt.user_id != user.id:  # deleted meanwhile (ids are never reused)
            raise NotFound("This account no longer exists")
        return address
