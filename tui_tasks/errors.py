"""Typed errors: each carries a message fit to show a user as it is."""

from __future__ import annotations


class TasksError(Exception):
    """Base of every error tui-tasks reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(TasksError):
    """A setting has a value tui-tasks cannot use."""


class ValidationError(TasksError):
    """An input value was rejected; `field` names the input it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(TasksError):
    """The task does not exist, or belongs to someone else (the two look the same)."""


class StaleTask(TasksError):
    """The task was changed elsewhere since it was read."""

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class AuthError(TasksError):
    """Log-in failed; the message never tells whether the email exists."""


class AccountLocked(AuthError):
    """Too many failed log-ins in a row; retry after `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"Account locked — try again in {seconds} s")
        self.seconds = seconds


class StorageError(TasksError):
    """The database cannot be used (unreachable, read-only, corrupt, locked, full...)."""


class OutcomeUnknown(StorageError):
    """The database failed while committing a change, so it may or may not have been saved. The services
    read back what they wrote and answer for sure where they can; this is what is left when they can't."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The database failed while saving ({reason}): it may or may not have been saved")
        self.reason = reason


class Conflict(StorageError):
    """A write broke a rule of the database (a duplicate, a row that no longer exists)."""


class SchemaError(StorageError):
    """The database schema is one this version cannot use."""
