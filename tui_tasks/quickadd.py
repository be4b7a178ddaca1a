"""One line typed at the bottom of the list becomes a task: "Water plants every 3 days due:today #home !high".

Title words, `#tag` / `+tag`, `!high`, `project:`, `due:`, `wait:`, `recur:`, `parent:`, `depends:`, an
"every ..." phrase, and a natural due phrase ("tomorrow 5pm", "next fri", "in 3 days"). Quoted words stay in the
title as typed, and `\\#5` keeps "#5". Parsing never raises: what cannot be a task comes back as an error line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from tui_tasks.dates import describe_due, parse_when, parse_when_prefix
from tui_tasks.domain import Due, Priority, Recurrence, TaskDraft, visible
from tui_tasks.recurrence import ACCEPTED as RECURRENCE_ACCEPTED
from tui_tasks.recurrence import describe_recurrence, parse_recurrence

NO_TITLE = "A task needs a title: type some words besides #tags and due:"
KEYS = {"due": "due", "wait": "wait", "recur": "recur", "project": "project", "proj": "project",
        "pro": "project", "priority": "priority", "pri": "priority", "parent": "parent", "depends": "depends",
        "dep": "depends"}  # fmt: skip
PRIORITIES = {"h": Priority.HIGH, "hi": Priority.HIGH, "high": Priority.HIGH, "m": Priority.MEDIUM,
              "med": Priority.MEDIUM, "medium": Priority.MEDIUM, "l": Priority.LOW, "lo": Priority.LOW,
              "low": Priority.LOW}  # fmt: skip
QUOTES = {'"': '"', "'": "'", "“": "”"}
EVERY_WORDS = 10  # the longest "every" phrase looked at: "every 2 weeks on mon wed fri until 2027-01-31"
_TAG = re.compile(r"[#+]([^\W\d_][\w-]*)")
_KEY = re.compile(r"([A-Za-z]+):")
_ID = re.compile(r"[1-9]\d{0,17}")


@dataclass(frozen=True, slots=True)
class Token:
    """A part of the line that is not title: `start`:`end` index the typed text, for highlighting."""

    start: int
    end: int
    kind: str  # tag, project, priority, due, recur, wait, parent, depends, quoted


@dataclass(frozen=True, slots=True)
class QuickAdd:
    """What a quick-add line means: the task to save, or the one-line reason it cannot be one."""

    draft: TaskDraft | None
    tokens: tuple[Token, ...]
    error: str | None = None

    def preview(self, now: datetime) -> str:
        """The task Enter would save, in one line: “Water plants” · due today · every 3 days · #home · !high."""
        if self.draft is None:
            return self.error or ""
        draft = self.draft
        parts = [f"“{visible(draft.title)}”"]
        if draft.due is not None:
            parts.append(f"due {describe_due(draft.due, now)}")
        if draft.recurrence is not None:
            parts.append(describe_recurrence(draft.recurrence))
        if draft.wait is not None:
            parts.append(f"wait {describe_due(draft.wait, now)}")
        if draft.project:
            parts.append(f"project {visible(draft.project)}")
        if draft.tags:
            parts.append(" ".join(f"#{visible(tag)}" for tag in draft.tags))
        if draft.priority:
            parts.append(f"!{draft.priority.label}")
        if draft.parent_id is not None:
            parts.append(f"under #{draft.parent_id}")
        if draft.depends:
            parts.append("after " + ", ".join(f"#{task}" for task in draft.depends))
        return " · ".join(parts)


@dataclass(slots=True)
class _Word:
    start: int
    end: int
    text: str
    literal: bool = False  # quoted or escaped: title text, never a token
    key: str | None = None  # due, project... for key:value
    value: str = ""


@dataclass(slots=True)
class _Found:
    title: list[str] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    priority: Priority = Priority.NONE
    due: Due | None = None
    wait: Due | None = None
    project: str | None = None
    recurrence: Recurrence | None = None
    parent: int | None = None
    depends: tuple[int, ...] = ()


def parse_quick_add(text: str, now: datetime) -> QuickAdd:
    """What a quick-add line means (never raises: an error line instead)."""
    words = _words(text)
    found = _Found()
    explicit_due = any(word.key == "due" for word in words)
    i = 0
    while i < len(words):
        try:
            i = _take(words, i, found, now, natural_due=not explicit_due and found.due is None)
        except ValueError as error:
            message = " ".join(str(error).split()) or "That cannot be a task"
            return QuickAdd(None, tuple(found.tokens), message)
    title = " ".join(piece for piece in found.title if piece).strip()
    if not title:
        return QuickAdd(None, tuple(found.tokens), NO_TITLE)
    draft = TaskDraft(
        title=title, priority=found.priority, due=found.due, project=found.project,
        tags=tuple(dict.fromkeys(found.tags)), wait=found.wait, parent_id=found.parent, depends=found.depends,
        recurrence=found.recurrence,
    )  # fmt: skip
    return QuickAdd(draft, tuple(found.tokens))


def _take(words: list[_Word], i: int, found: _Found, now: datetime, natural_due: bool) -> int:
    """Read the word (or phrase) at `i` into `found`; the index after it."""
    word = words[i]
    if word.literal:
        found.title.append(word.text)
        found.tokens.append(Token(word.start, word.end, "quoted"))
        return i + 1
    if word.key is not None:
        following = words[i + 1] if i + 1 < len(words) else None
        return i + 1 + _key(word, found, now, following)
    lowered = word.text.lower()
    if tag := _TAG.fullmatch(word.text):
        found.tags.append(tag[1].lower())
        found.tokens.append(Token(word.start, word.end, "tag"))
        return i + 1
    if lowered[:1] == "!" and lowered[1:] in PRIORITIES:
        found.priority = PRIORITIES[lowered[1:]]
        found.tokens.append(Token(word.start, word.end, "priority"))
        return i + 1
    plain = _plain_run(words, i)
    if lowered == "every" and len(plain) > 1:
        taken = _every(plain, found, now)
        if taken:
            return i + taken
    if natural_due:
        phrase = parse_when_prefix([w.text for w in plain], now)
        if phrase is not None:
            found.due, taken = phrase
            found.tokens.append(Token(word.start, words[i + taken - 1].end, "due"))
            return i + taken
    found.title.append(word.text)
    return i + 1


def _every(plain: list[_Word], found: _Found, now: datetime) -> int:
    """The longest "every ..." run that is a repeat: words taken (0 when none, and "every" is a title word)."""
    texts = [word.text for word in plain[: EVERY_WORDS + 1]]
    until_error = None
    for length in range(len(texts), 1, -1):
        try:
            found.recurrence = parse_recurrence(" ".join(texts[:length]), now=now)
        except ValueError as error:
            if until_error is None and "until" in (text.lower() for text in texts[1:length]):
                until_error = error
            continue
        if length < len(texts) and texts[length].lower() == "until" and until_error is not None:
            raise until_error  # "every day until 2026-02-30": say what is wrong with the end
        found.tokens.append(Token(plain[0].start, plain[length - 1].end, "recur"))
        return length
    if texts[1][:1].isdigit():  # "every 3 dayz" was meant as a repeat
        raise ValueError(RECURRENCE_ACCEPTED)
    return 0


def _key(word: _Word, found: _Found, now: datetime, following: _Word | None = None) -> int:
    """A key:value word: due, wait, recur, project, priority, parent or depends. A day given to due: or
    wait: takes the next word too when it is its time (`due:today 9:00`): the words taken after this one."""
    key, value = word.key, word.value.strip()
    if not value:
        raise ValueError(f"{key}: needs a value, as in " + _EXAMPLES[key])
    if key in ("due", "wait"):
        try:
            when = parse_when(value, now)
        except ValueError as error:
            raise ValueError(f"{key}: {error}") from None
        if following is not None and not following.literal and following.key is None and not isinstance(when, datetime):
            try:
                timed = parse_when(f"{value} {following.text}", now)
            except ValueError:
                timed = None
            if isinstance(timed, datetime):
                if key == "due":
                    found.due = timed
                else:
                    found.wait = timed
                found.tokens.append(Token(word.start, following.end, key))
                return 1
        if key == "due":
            found.due = when
        else:
            found.wait = when
    elif key == "recur":
        found.recurrence = parse_recurrence(value, now=now)
    elif key == "project":
        found.project = value
    elif key == "priority":
        if value.lower() not in PRIORITIES:
            raise ValueError("priority: is h, m or l (high, medium or low)")
        found.priority = PRIORITIES[value.lower()]
    elif key == "parent":
        if not _ID.fullmatch(value):
            raise ValueError("parent: takes a task number, as in parent:12")
        found.parent = int(value)
    else:
        ids = value.split(",")
        if not all(_ID.fullmatch(item) for item in ids):
            raise ValueError("depends: takes task numbers, as in depends:12,14")
        found.depends = tuple(dict.fromkeys([*found.depends, *map(int, ids)]))
    found.tokens.append(Token(word.start, word.end, key))
    return 0


_EXAMPLES = {"due": "due:tomorrow", "wait": "wait:mon", "recur": "recur:weekly", "project": "project:home",
             "priority": "priority:h", "parent": "parent:12", "depends": "depends:12,14"}  # fmt: skip


def _plain_run(words: list[_Word], i: int) -> list[_Word]:
    """Words from `i` on that a phrase may take: up to the first quoted, escaped, key:value, tag or priority."""
    run = []
    for word in words[i : i + EVERY_WORDS + 1]:
        if word.literal or word.key is not None or (run and _special(word.text)):
            break
        run.append(word)
    return run


def _special(text: str) -> bool:
    return bool(_TAG.fullmatch(text)) or (text[:1] == "!" and text[1:].lower() in PRIORITIES)


def _words(text: str) -> list[_Word]:
    """The words of a line, with quoted runs ("..." or '...' or “...”) as one literal word each, and
    key:"a value" as one word. A quote closes only where a word ends (so "Bob's" is one word), and a quote
    that never closes is an ordinary character."""
    ends = {k for k, char in enumerate(text) if k + 1 == len(text) or text[k + 1].isspace()}  # where words end
    closers = {closer: [k for k, char in enumerate(text) if char == closer and k in ends]
               for closer in set(QUOTES.values()) if closer in text}  # fmt: skip

    def closing(quote: str, at: int) -> int | None:
        ends = closers.get(QUOTES[quote], [])
        found = bisect_left(ends, at)
        return ends[found] if found < len(ends) else None

    words, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] in QUOTES and (close := closing(text[i], i + 1)) is not None:
            words.append(_Word(i, close + 1, text[i + 1 : close], literal=True))
            i = close + 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        if word[:1] == "\\" and len(word) > 1:
            words.append(_Word(i, j, word[1:], literal=True))
        elif (key := _KEY.match(word)) and key[1].lower() in KEYS:
            name, after = KEYS[key[1].lower()], i + key.end()
            if after < n and text[after] in QUOTES and (close := closing(text[after], after + 1)) is not None:
                j = close + 1
                words.append(_Word(i, j, text[i:j], key=name, value=text[after + 1 : close]))
            else:
                words.append(_Word(i, j, word, key=name, value=word[key.end() :]))
        else:
            words.append(_Word(i, j, word))
        i = j
    return words
