"""Input checks shared by the services. Each returns the normalised value or raises ValidationError."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from datetime import date, datetime, timezone

from tui_tasks.domain import Priority, Recurrence, SortField, TaskDraft, TaskFilter, TaskQuery
from tui_tasks.errors import ValidationError

EMAIL_MAX = 254
NAME_MAX = 80
TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
PROJECT_MAX = 80
TAG_MAX = 40
TAGS_MAX = 20
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 72  # bcrypt's limit: longer passwords are rejected, never truncated

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
_TAG = re.compile(r"[\w-]+")
# Control characters, lone surrogates (cannot be stored as UTF-8), line/paragraph separators, and format
# characters (Cf): invisible (zero-width space and joiners, soft hyphen, byte order mark) or reordering what
# follows (bidi overrides and isolates). Refused like control characters, for the same reason: what is
# stored must be what is seen, and `visible` would draw each of them as a symbol anyway.
_NOT_IN_LINE = {"Cc", "Cs", "Zl", "Zp", "Cf"}
_DELETE = {"": {}, "\n\t": {ord("\n"): None, ord("\t"): None}}  # str.translate tables per `allowed`


def _bad_char(text: str, allowed: str = "") -> str | None:
    if (text if not allowed else text.translate(_DELETE[allowed])).isprintable():  # fast: printable text has none
        return None
    for char in text:
        if char not in allowed and unicodedata.category(char) in _NOT_IN_LINE:
            return char
    return None


def _refused(label: str, bad: str) -> str:
    kind = "invisible or direction characters" if unicodedata.category(bad) == "Cf" else "control characters"
    return f"{label} must not contain {kind} (found U+{ord(bad):04X})"


def clean_line(field: str, label: str, value: str, *, max_len: int, required: bool) -> str:
    """One line of text: trimmed, no control characters, at most `max_len` characters."""
    if not isinstance(value, str):
        raise ValidationError(field, f"{label} must be text")
    text = value.strip()
    if required and not text:
        raise ValidationError(field, f"{label} is required")
    if len(text) > max_len:
        raise ValidationError(field, f"{label} must be at most {max_len} characters (it has {len(text)})")
    bad = _bad_char(text)
    if bad is not None:
        raise ValidationError(field, _refused(label, bad))
    return text


def clean_email(value: str) -> str:
    email = clean_line("email", "Email", value, max_len=EMAIL_MAX, required=True).lower()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise ValidationError("email", "Email must look like name@example.com")
    return email


def clean_display_name(value: str | None, email: str) -> str:
    """The display name, or the part of the email before the @ when none is given."""
    name = clean_line("display_name", "Display name", value or "", max_len=NAME_MAX, required=False)
    return name or email.partition("@")[0][:NAME_MAX]


def password_bytes(value: str, field: str = "password") -> bytes:
    """The password as the bytes bcrypt hashes, after checking bcrypt's 8-72 byte range."""
    if not isinstance(value, str):
        raise ValidationError(field, "Password must be text")
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "Password contains characters that cannot be encoded as UTF-8") from None
    if len(raw) < PASSWORD_MIN_BYTES:
        raise ValidationError(field, f"Password must be at least {PASSWORD_MIN_BYTES} bytes (it has {len(raw)})")
    if len(raw) > PASSWORD_MAX_BYTES:
        raise ValidationError(
            field, f"Password must be at most {PASSWORD_MAX_BYTES} bytes in UTF-8 (it has {len(raw)})"
        )
    return raw


def clean_tag(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("tags", "Tags must be text")
    return _clean_tag(value)


@lru_cache(maxsize=1024)  # a user has few tags, on many tasks: an import checks each word once
def _clean_tag(value: str) -> str:
    tag = value.strip().lstrip("#").lower()
    if not tag or len(tag) > TAG_MAX or not _TAG.fullmatch(tag):
        raise ValidationError(
            "tags", f"Tag {value.strip()!r} must be one word of letters, digits, - or _ (at most {TAG_MAX})"
        )
    return tag


def clean_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Tags: lowercase words, each once, sorted."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    tags = tuple(sorted({clean_tag(value) for value in values if not isinstance(value, str) or value.strip()}))
    if len(tags) > TAGS_MAX:
        raise ValidationError("tags", f"A task can have at most {TAGS_MAX} tags (it has {len(tags)})")
    return tags


def clean_description(value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("description", "Description must be text")
    text = value.replace("\r\n", "\n").strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            "description", f"Description must be at most {DESCRIPTION_MAX} characters (it has {len(text)})"
        )
    bad = _bad_char(text, allowed="\n\t")
    if bad is not None:
        raise ValidationError("description", _refused("Description", bad))
    return text


def clean_draft(draft: TaskDraft) -> TaskDraft:
    """A task's fields, checked and normalised."""
    return TaskDraft(
        *clean_fields(draft.title, draft.description, draft.priority, draft.due, draft.project, draft.tags),
        wait=clean_when("wait", "Wait", draft.wait),
        parent_id=clean_id("parent_id", "Parent", draft.parent_id),
        depends=clean_ids(draft.depends),
        recurrence=clean_recurrence(draft.recurrence),
    )


def clean_fields(title: str, description: str, priority: object, due: object, project: str | None,
                 tags: Iterable[str]) -> tuple[str, str, Priority, date | datetime | None, str | None, tuple[str, ...]]:
    """TaskDraft's first six fields, checked and normalised (for an import, without making drafts)."""
    try:
        priority = Priority(priority)
    except ValueError:
        raise ValidationError("priority", "Priority must be none, low, medium or high") from None
    return (
        clean_line("title", "Title", title, max_len=TITLE_MAX, required=True),
        clean_description(description),
        priority,
        clean_when("due", "Due", due),
        clean_line("project", "Project", project or "", max_len=PROJECT_MAX, required=False) or None,
        clean_tags(tags),
    )  # fmt: skip


YEARS = (1900, 9999)


def clean_when(field: str, label: str, value: object) -> date | datetime | None:
    """A due or wait: a date, or an aware datetime (in UTC), within YEARS."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValidationError(field, f"{label} needs a time zone")
        try:
            value = value.astimezone(timezone.utc)
        except OverflowError:
            raise ValidationError(field, f"{label} must be between {YEARS[0]} and {YEARS[1]}") from None
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise ValidationError(field, f"{label} must be between {YEARS[0]} and {YEARS[1]}")
        return value
    if not isinstance(value, date):
        raise ValidationError(field, f"{label} must be a date")
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValidationError(field, f"{label} must be between {YEARS[0]} and {YEARS[1]}")
    return value


def clean_id(field: str, label: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ValidationError(field, f"{label} must be a task number")
    return value


DEPENDS_MAX = 50


def clean_ids(values: Iterable[object]) -> tuple[int, ...]:
    if values == ():
        return ()
    ids = tuple(dict.fromkeys(clean_id("depends", "Depends", value) for value in values))
    if len(ids) > DEPENDS_MAX:
        raise ValidationError("depends", f"A task can depend on at most {DEPENDS_MAX} tasks (it has {len(ids)})")
    return ids  # type: ignore[return-value]


def clean_recurrence(value: Recurrence | None) -> Recurrence | None:
    """A rule dateutil understands, at most 500 characters (refused with the rule parser's own words)."""
    if value is None:
        return None
    if not isinstance(value, Recurrence) or not isinstance(value.rule, str) or len(value.rule) > 500:
        raise ValidationError("recurrence", "Repeat must be a rule such as every 3 days")
    from dateutil.rrule import rrulestr

    try:
        rrulestr(value.rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, OverflowError):
        raise ValidationError("recurrence", f"Repeat rule {value.rule[:40]!r} is not one tui-tasks understands") from None
    return Recurrence(value.rule, bool(value.after_completion))


def clean_query(query: TaskQuery) -> TaskQuery:
    """A list query with only the filters and sorts that exist, and text a database can compare."""
    try:
        task_filter, sort = TaskFilter(query.filter), SortField(query.sort)
    except ValueError:
        raise ValidationError("query", "Unknown filter or sort") from None
    return TaskQuery(
        filter=task_filter,
        search=clean_line("search", "Search", query.search, max_len=TITLE_MAX, required=False),
        sort=sort,
        descending=bool(query.descending),
        project=None if query.project is None else clean_line(
            "project", "Project", query.project, max_len=PROJECT_MAX, required=False
        ),
        tag=None if query.tag is None else clean_line("tag", "Tag", query.tag, max_len=TAG_MAX + 1, required=False),
        tree=bool(query.tree),
    )
