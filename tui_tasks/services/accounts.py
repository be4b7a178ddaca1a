"""Accounts: register, log in (with lockout), me, change password, delete."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import bcrypt
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tui_tasks.db.engine import Database
from tui_tasks.db.tables import User
from tui_tasks.domain import UserView
from tui_tasks.errors import AccountLocked, AuthError, NotFound, ValidationError
from tui_tasks.services.validation import (
    PASSWORD_MAX_BYTES,
    clean_display_name,
    clean_email,
    password_bytes,
)

MAX_FAILURES = 5  # failures in a row before the account locks
FIRST_LOCK_S = 30  # doubled for each further failure...
LONGEST_LOCK_S = 15 * 60  # ...up to this
INVALID_LOGIN = "Invalid email or password"

log = logging.getLogger("tui_tasks.accounts")
_dummy_hashes: dict[int, bytes] = {}
_dummy_lock = threading.Lock()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def lock_seconds(failures: int) -> int:
    """How long the account stays locked after `failures` failed log-ins in a row (0: not locked)."""
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


def _view(user: User) -> UserView:
    return UserView(user.id, user.email, user.display_name, user.created_at, user.last_login_at)


class Accounts:
    """Local accounts; passwords are only ever kept as bcrypt hashes of cost `rounds`."""

    def __init__(self, db: Database, rounds: int = 12, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.rounds = rounds
        self.clock = clock

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
        except IntegrityError:
            raise ValidationError("email", "An account with this email already exists") from None
        log.info("account registered user_id=%s", view.id)
        return view

    def log_in(self, email: str, password: str) -> UserView:
        """The account for these credentials; AuthError (same message, same cost) otherwise."""
        raw = password.encode("utf-8", "replace") if isinstance(password, str) else b""
        if len(raw) > PASSWORD_MAX_BYTES:  # no account can have it: saying so reveals nothing
            raise ValidationError("password", f"Password must be at most {PASSWORD_MAX_BYTES} bytes in UTF-8")
        try:
            address = clean_email(email)
        except ValidationError:
            address = None
        user = None
        if address is not None:
            with self.db.session() as session:
                user = session.exec(select(User).where(User.email == address)).first()
        now = self.clock()
        if user is not None and user.locked_until is not None and user.locked_until > now:
            _password_matches(raw, _dummy_hash(self.rounds))  # a locked account costs the same too
            raise AccountLocked(math.ceil((user.locked_until - now).total_seconds()))
        if user is None or not _password_matches(raw, user.password_hash):
            if user is None:
                _password_matches(raw, _dummy_hash(self.rounds))
                log.info("log-in failed: unknown account")
                raise AuthError(INVALID_LOGIN)
            self._record_failure(user.id, now)
        return self._record_success(user.id, raw, now)

    def _record_failure(self, user_id: int, now: datetime) -> None:
        with self.db.session(write=True) as session:
            user = session.exec(select(User).where(User.id == user_id).with_for_update()).one()
            user.failed_logins += 1
            seconds = lock_seconds(user.failed_logins)
            if seconds:
                user.locked_until = now + timedelta(seconds=seconds)
            failures = user.failed_logins
        log.info("log-in failed user_id=%s failures=%s", user_id, failures)
        if seconds:
            log.warning("account locked user_id=%s seconds=%s", user_id, seconds)
            raise AccountLocked(seconds)
        raise AuthError(INVALID_LOGIN)

    def _record_success(self, user_id: int, password: bytes, now: datetime) -> UserView:
        with self.db.session(write=True) as session:
            user = session.exec(select(User).where(User.id == user_id).with_for_update()).one()
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            if hash_cost(user.password_hash) < self.rounds:
                user.password_hash = self._hash(password)
                log.info("password re-hashed at cost %s user_id=%s", self.rounds, user_id)
            view = _view(user)
        log.info("logged in user_id=%s", user_id)
        return view

    def me(self, user: UserView) -> UserView:
        """The account as stored now."""
        with self.db.session() as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            return _view(row)

    def change_password(self, user: UserView, old_password: str, new_password: str) -> None:
        """Replace the password; the current one must be given."""
        new_raw = password_bytes(new_password, "new_password")
        with self.db.session() as session:
            row = session.get(User, user.id)
        if row is None:
            raise NotFound("This account no longer exists")
        old_raw = old_password.encode("utf-8", "replace") if isinstance(old_password, str) else b""
        if len(old_raw) > PASSWORD_MAX_BYTES or not _password_matches(old_raw, row.password_hash):
            raise ValidationError("old_password", "The current password is not correct")
        new_hash = self._hash(new_raw)
        with self.db.session(write=True) as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            row.password_hash = new_hash
        log.info("password changed user_id=%s", user.id)

    def delete_account(self, user: UserView, confirm_email: str) -> None:
        """Delete the account and all its tasks; `confirm_email` must be the account's email."""
        if not isinstance(confirm_email, str) or confirm_email.strip().lower() != user.email:
            raise ValidationError("confirm_email", "Type the account's email to confirm")
        with self.db.session(write=True) as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("This account no longer exists")
            session.delete(row)  # tasks and tags go with it: ON DELETE CASCADE
        log.info("account deleted user_id=%s", user.id)
