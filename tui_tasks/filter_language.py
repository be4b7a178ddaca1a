"""The search box's filter language: `project:work #home !high due<=fri is:pending -word "two words"`.

`parse_filter` turns the text into terms, each with its span, and errors with their span and a one-line
reason; it never raises. A token with an error is searched as text, so a list never fails while a field is
half typed. Nothing here touches SQL or Textual: services/task_queries turns terms into SQL, filter_rule
evaluates them in Python (the same rule), and the search box highlights `tokens`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tui_tasks.dates import parse_when
from tui_tasks.domain import Priority, due_day, local_date

HINT = "try project:, #tag, !high, due:, is:"
FIELDS = {"project": "project", "proj": "project", "pro": "project", "due": "due", "is": "is"}
PRIORITIES = {"h": Priority.HIGH, "hi": Priority.HIGH, "high": Priority.HIGH, "m": Priority.MEDIUM,
              "med": Priority.MEDIUM, "medium": Priority.MEDIUM, "l": Priority.LOW, "lo": Priority.LOW,
              "low": Priority.LOW, "none": Priority.NONE}  # fmt: skip
STATES = ("done", "pending", "waiting", "blocked", "recurring")
DUE_WORDS = "today, tomorrow, overdue, none, fri, 2026-12-24 or in 2 weeks"
COMPARE = {":": "on", "<": "before", "<=": "until", ">": "after", ">=": "from"}
DATE_WORDS = 4  # "due<in 2 weeks": a day may take this many more words after its first
# An optional "-", then an optional field name and its operator; a value may then be quoted.
_HEAD = re.compile(r"-?(?:([A-Za-z]+)(<=|>=|:|<|>))?")


@dataclass(frozen=True, slots=True)
class Term:
    """One condition. `kind` and `value`: text (the words), tag (a prefix, lowercase), project (a name, or
    None: no project), priority (a Priority), due ((op, day): op on/before/until/after/from with a date,
    or overdue/none with None), is (a state in STATES). `negated`: written with a leading "-"."""

    kind: str
    value: Any
    negated: bool
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class FilterError:
    """What is wrong at text[start:end], in one line."""

    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedFilter:
    """The terms of a filter (all must hold) and what could not be read as the field it looked like."""

    terms: tuple[Term, ...] = ()
    errors: tuple[FilterError, ...] = ()

    @property
    def shows_waiting(self) -> bool:
        """Asks for waiting tasks (is:waiting), which every list hides otherwise."""
        return any(t.kind == "is" and t.value == "waiting" and not t.negated for t in self.terms)

    @property
    def plain(self) -> bool:
        """Only words and #tag prefixes, as the search had before the language: what typing on can narrow."""
        return not self.errors and all(t.kind in ("text", "tag") and not t.negated and not t.quoted for t in self.terms)

    @property
    def first_error(self) -> FilterError | None:
        return self.errors[0] if self.errors else None


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    negated: bool
    field: str | None  # as typed, lowercase
    op: str | None
    value_start: int  # where the value (or the whole word) starts, after "-" and "field:"
    quoted: bool


def tokens(text: str) -> list[_Token]:
    """The words of `text` split as str.split() does, except that a value starting with `"` runs to the
    next `"` (or the end: still being typed), spaces included."""
    found, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        head = _HEAD.match(text, i)
        j = head.end()
        negated = text[i] == "-" and j > i
        if j < n and text[j] == '"':
            close = text.find('"', j + 1)
            end, quoted = (n if close == -1 else close + 1), True
        else:
            end, quoted = j, False
            while end < n and not text[end].isspace():
                end += 1
        if negated and end == i + 1:  # "-" alone is a word
            negated, j = False, i
        field = head.group(1).lower() if head.group(1) else None
        found.append(_Token(i, end, negated, field, head.group(2), j, quoted))
        i = end
    return found


def _unquote(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
    return text


def parse_filter(text: str, now: datetime) -> ParsedFilter:
    """The filter `text` says; days (fri, in 2 weeks) are read from the local day of `now`. Never raises."""
    words = tokens(text)
    terms: list[Term] = []
    errors: list[FilterError] = []
    k = 0
    while k < len(words):
        token = words[k]
        k += 1
        body_start = token.start + (1 if token.negated else 0)
        body = text[body_start:token.end]
        value = _unquote(text[token.value_start:token.end])

        def term(kind: str, val: Any, end: int = token.end, quoted: bool = token.quoted) -> None:
            terms.append(Term(kind, val, token.negated, token.start, end, quoted))

        def as_text(message: str | None) -> None:
            if message:
                errors.append(FilterError(token.start, token.end, message))
            term("text", _unquote(body) if token.quoted and token.field is None else body, quoted=False)

        name = FIELDS.get(token.field or "")
        if token.field is None:
            if token.quoted:
                if value:
                    term("text", value)
            elif body.startswith("#") and len(body) > 1:
                term("tag", body[1:].lower())
            elif body.startswith("!") and len(body) > 1:
                if body[1:].lower() in PRIORITIES:
                    term("priority", PRIORITIES[body[1:].lower()])
                else:
                    as_text(f"unknown priority '{body}' — try !high, !medium, !low, !none")
            else:
                term("text", body)
        elif name is None:
            as_text(f"unknown field '{token.field}' — {HINT}" if token.op == ":" else None)
        elif name != "due" and token.op != ":":
            as_text(f"only due can be compared with {token.op} — write {token.field}:")
        elif name == "project":
            if not value:
                as_text("project: needs a name, or none")
            else:
                term("project", None if value.lower() == "none" and not token.quoted else value)
        elif name == "is":
            if value.lower() in STATES:
                term("is", value.lower())
            else:
                as_text(f"unknown state '{value}' — try is:{', is:'.join(STATES)}")
        else:
            found = _due(text, token, value, words[k:], now)
            if isinstance(found, str):
                as_text(found)
            else:
                (op, day), taken = found
                end = words[k + taken - 1].end if taken else token.end
                terms.append(Term("due", (op, day), token.negated, token.start, end, token.quoted))
                k += taken
    return ParsedFilter(tuple(terms), tuple(errors))


def _due(text: str, token: _Token, value: str, after: list[_Token], now: datetime) -> tuple[tuple[str, date | None], int] | str:
    """((op, day), how many more words the day took) for a due: term, or why it is not one."""
    op = COMPARE[token.op or ":"]
    lowered = value.lower()
    if not value:
        return f"due{token.op} needs a day — try {DUE_WORDS}"
    if op == "on" and lowered in ("overdue", "none") and not token.quoted:
        return (lowered, None), 0
    if lowered in ("overdue", "none"):
        return f"due{token.op}{lowered} cannot be compared — write due:{lowered}"
    best: tuple[date, int] | None = None
    problem = ""
    more = 0 if token.quoted else DATE_WORDS
    for taken in range(0, more + 1):
        if taken and (taken > len(after) or after[taken - 1].field or after[taken - 1].quoted or after[taken - 1].negated):
            break
        phrase = " ".join([value, *(text[w.start:w.end] for w in after[:taken])])
        try:
            when = parse_when(phrase, now)
        except (ValueError, OverflowError) as error:
            problem = problem or str(error)
            continue
        if when is not None:
            best = (due_day(when), taken)
    if best is None:
        return f"not a day: '{value}' — {problem[0].lower() + problem[1:] if problem else DUE_WORDS}"
    return (op, best[0]), best[1]


def next_day(day: date) -> date | None:
    """The day after `day`, None after the last day there is."""
    return None if day == date.max else day + timedelta(days=1)


def today_of(now: datetime) -> date:
    """The local day the filter's "today" is."""
    return local_date(now)


KINDS = ("text", "tag", "project", "priority", "due", "is")


@dataclass(frozen=True, slots=True)
class Highlights:
    """What the search box shows: (start, end, kind) of each recognised field, and the first error."""

    spans: tuple[tuple[int, int, str], ...]
    error: FilterError | None


def highlights(text: str, now: datetime) -> Highlights:
    """The fields to colour in the search box (words searched as text are left plain), and the first error."""
    parsed = parse_filter(text, now)
    spans = tuple((t.start, t.end, "negated" if t.negated and t.kind == "text" else t.kind)
                  for t in parsed.terms if t.kind != "text" or t.negated or t.quoted)  # fmt: skip
    if too_long(text):  # the list cannot search it at all: said first
        return Highlights(spans, FilterError(SEARCH_MAX, len(text), f"A search can be at most {SEARCH_MAX} characters (it has {len(text.strip())})"))
    return Highlights(spans, parsed.first_error)


SEARCH_MAX = 200  # the services' limit of a search (validation.TITLE_MAX; a test checks they agree)


def too_long(text: str) -> bool:
    return len(text.strip()) > SEARCH_MAX
