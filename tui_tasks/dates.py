"""Due and wait dates as people type and read them: "fri 5pm", "in 2 weeks", "eom" in; "tomorrow 09:00" out.

A `date` is a whole local day, an aware UTC `datetime` an instant (see `domain.Due`). Every function that needs
"now" takes it, so that the same text means the same day in a test as on Friday evening.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from tui_tasks.domain import Due, local_date

ACCEPTED = "Try today, tomorrow, fri, +3d, in 2 weeks, eom, 2026-12-04 or tomorrow 5pm"
OUT_OF_RANGE = "Dates must be between 1900 and 9999"
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9999, 12, 31)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UNITS = dict.fromkeys(("d", "day", "days"), "days") | dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks")
UNITS |= dict.fromkeys(("m", "mo", "mos", "month", "months"), "months")
UNITS |= dict.fromkeys(("y", "yr", "yrs", "year", "years"), "years")

# Words a title may well hold ("Call Tom", "Sow seeds"): never dates inside a quick-add line.
_AMBIGUOUS = {"tod", "tom", "sow", "som", "soy"}
_RELATIVE = re.compile(r"([+-]?)(\d{1,6})([a-z]+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_OFFSET = r"(z|[+-]\d{2}(?::?\d{2})?)?"
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})t(\d{1,2}:\d{2}(?::\d{2})?)" + _OFFSET)
_COMPACT_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})" + _OFFSET)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?" + _OFFSET)
_TWELVE = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)")
_HOUR = re.compile(r"\d{1,2}")

Phrase = tuple[date, time | None, int]  # the day, its time (maybe with an offset), the index after the phrase


def parse_when(text: str, now: datetime) -> Due | None:
    """What a person types for a due or wait: None when empty, a `date` without a time, else an aware UTC
    datetime (a time without an offset is local). Raises ValueError with a one-line message otherwise."""
    words = text.lower().split()
    if not words:
        return None
    try:
        found = _phrase(words, 0, local_date(now), strict=False)
    except OverflowError:  # a day before 0001-01-01 or after 9999-12-31
        raise ValueError(OUT_OF_RANGE) from None
    if found is None or found[2] != len(words):
        raise ValueError(ACCEPTED)
    return _due(found[0], found[1])


def parse_when_prefix(words: list[str], now: datetime) -> tuple[Due, int] | None:
    """The longest date phrase at the start of `words` and how many words it takes (None if there is none),
    to find "next fri 5pm" inside a quick-add line. Conservative: bare numbers, "3d", "tom" and weekday
    abbreviations not after next/on/by are ordinary words there."""
    lowered = [word.lower() for word in words[:6]]  # no phrase is longer than "on next fri at 5 pm"
    try:
        found = _phrase(lowered, 0, local_date(now), strict=True)
        return None if found is None else (_due(found[0], found[1]), found[2])
    except (ValueError, OverflowError):
        return None


def describe_due(due: Due, now: datetime) -> str:
    """A due for a list column, at most 16 characters: "today 17:00", "2 d overdue", "in 3 d", "Fri 12 Dec"."""
    today, day = local_date(now), _local_day(due)
    clock = f" {due.astimezone():%H:%M}" if isinstance(due, datetime) else ""
    ahead = (day - today).days
    if ahead < 0:
        return f"{-ahead} d overdue"
    if ahead <= 1:
        return ("today" if ahead == 0 else "tomorrow") + clock
    if ahead < 7:
        return f"in {ahead} d{clock}"
    if ahead <= 300:
        return f"{DAY_ABBR[day.weekday()]} {day.day} {MONTH_ABBR[day.month - 1]}{clock}"
    return _long_day(day)  # no room for the time: the year says more


def describe_exact(due: Due) -> str:
    """A due in full, for a detail pane: "Fri 4 Dec 2026" or "Fri 4 Dec 2026 17:00 CET"."""
    if not isinstance(due, datetime):
        return _long_day(due)
    local = due.astimezone()
    return f"{_long_day(local.date())} {local:%H:%M} {local.tzname()}"


def preview_when(text: str, now: datetime) -> str:
    """What a form shows beside a date field as it is typed: nothing, the date it means, or what is wrong."""
    try:
        due = parse_when(text, now)
    except ValueError as error:
        return str(error)
    return "" if due is None else describe_exact(due)


def format_when(due: Due) -> str:
    """The text that `parse_when` reads back as `due`: 2026-12-04, or 2026-12-04 17:00 in local time (with
    seconds if it has some, and with its offset when the clock shows that time twice as DST ends)."""
    if not isinstance(due, datetime):
        return due.isoformat()
    local = due.astimezone()
    text = f"{local:%Y-%m-%d %H:%M}" + (f":{local.second:02}" if local.second else "")
    naive = local.replace(tzinfo=None)
    if localize(naive).utcoffset() != localize(naive.replace(fold=1)).utcoffset():
        text += local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:5]
    return text


def localize(naive: datetime) -> datetime:
    """A local wall-clock time as an aware datetime. A time that the clock skips (02:30 as DST starts) is read
    with the offset before the switch, so it moves on by the gap (03:30), as PEP 495 says. On 9999-12-31
    Python's own conversion looks a day ahead and fails: there the offset of the day before is used."""
    try:
        aware = naive.astimezone()
    except (OverflowError, ValueError):
        return naive.replace(tzinfo=(naive - timedelta(days=1)).astimezone().tzinfo)
    if aware.replace(tzinfo=None) == naive:
        return aware
    before = (naive - timedelta(hours=6)).astimezone().utcoffset()
    return (naive - before).replace(tzinfo=timezone.utc).astimezone()


def _long_day(day: date) -> str:
    return f"{DAY_ABBR[day.weekday()]} {day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def _local_day(due: Due) -> date:
    return local_date(due) if isinstance(due, datetime) else due


def _due(day: date, clock: time | None) -> Due:
    """The Due a phrase names: the day alone, or that day at that time (local unless it has an offset)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(OUT_OF_RANGE)
    if clock is None:
        return day
    try:
        naive = datetime.combine(day, clock.replace(tzinfo=None))
        moment = naive.replace(tzinfo=clock.tzinfo) if clock.tzinfo else localize(naive)
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise ValueError(OUT_OF_RANGE) from None


def _phrase(words: list[str], i: int, today: date, strict: bool) -> Phrase | None:
    """The longest date phrase at words[i:]: [on|by] day [[at] time], or [at] time [day]."""
    if i < len(words) and words[i] in ("on", "by"):
        found = _day(words, i + 1, today, strict, abbreviated=True)
        return None if found is None else _then_time(words, found, strict)
    found = _day(words, i, today, strict, abbreviated=not strict)
    if found is not None:
        return _then_time(words, found, strict)
    clock = _time(words, i + 1, strict, after_at=True) if i < len(words) and words[i] == "at" else None
    clock = clock or _time(words, i, strict, after_at=False)
    if clock is None:
        return None
    then = _day(words, clock[1], today, strict, abbreviated=not strict)  # "5pm tomorrow"
    if then is not None and then[1] is None:
        return then[0], clock[0], then[2]
    return today, clock[0], clock[1]


def _then_time(words: list[str], found: Phrase, strict: bool) -> Phrase:
    day, clock, j = found
    if clock is not None or j >= len(words):
        return found
    after = _time(words, j + 1, strict, after_at=True) if words[j] == "at" else _time(words, j, strict, after_at=False)
    return found if after is None else (day, after[0], after[1])


def _day(words: list[str], i: int, today: date, strict: bool, abbreviated: bool) -> Phrase | None:
    """A day at words[i] (one or two words), or an ISO date-time (one word, with its time)."""
    if i >= len(words):
        return None
    word = words[i]
    if word in _FIXED and not (strict and word in _AMBIGUOUS):
        return _FIXED[word](today), None, i + 1
    if word == "next" and i + 1 < len(words):
        following = words[i + 1]
        ahead = {"week": "sow", "month": "som", "year": "soy"}
        if following in ahead:
            return _FIXED[ahead[following]](today), None, i + 2
        weekday = _weekday_named(following, abbreviated=True)
        return None if weekday is None else (_weekday(today, weekday), None, i + 2)
    if word == "in" and i + 1 < len(words):
        return _in(words, i + 1, today)
    weekday = _weekday_named(word, abbreviated)
    if weekday is not None:
        return _weekday(today, weekday), None, i + 1
    if match := _RELATIVE.fullmatch(word):
        sign, count, unit = match.groups()
        if unit in UNITS and (sign or not strict):
            return _shift(today, **{UNITS[unit]: int(count) * (-1 if sign == "-" else 1)}), None, i + 1
        return None
    return _iso(word, i, strict)


_FIXED = {
    "today": lambda today: today, "tod": lambda today: today,
    "tomorrow": lambda today: today + timedelta(days=1), "tom": lambda today: today + timedelta(days=1),
    "yesterday": lambda today: today - timedelta(days=1),
    "eow": lambda today: today + timedelta(days=6 - today.weekday()), "sow": lambda today: _weekday(today, 0),
    "eom": lambda today: _shift(today, day=31), "som": lambda today: _shift(today, months=1, day=1),
    "eoy": lambda today: today.replace(month=12, day=31), "soy": lambda today: _shift(today, years=1, month=1, day=1),
}  # fmt: skip


def _in(words: list[str], i: int, today: date) -> Phrase | None:
    """"in 3 days", "in 3d", "in 3 d", "in a week"."""
    word = words[i]
    if (match := _RELATIVE.fullmatch(word)) and not match[1]:
        _, count, unit = match.groups()
        j = i + 1
    elif (word.isdigit() and len(word) <= 6 or word in ("a", "an")) and i + 1 < len(words):
        count, unit, j = ("1" if word in ("a", "an") else word), words[i + 1], i + 2
    else:
        return None
    if unit not in UNITS:
        return None
    return _shift(today, **{UNITS[unit]: int(count)}), None, j


def _iso(word: str, i: int, strict: bool) -> Phrase | None:
    """2026-12-04, 2026-12-04T17:00[:00][offset] and Taskwarrior's 20261204T170000Z."""
    if match := _ISO_DATE.fullmatch(word):
        return _calendar_day(word, *map(int, match.groups())), None, i + 1
    if match := _ISO_DATETIME.fullmatch(word):
        day_text, clock_text, offset = match.groups()
        day = _calendar_day(day_text, *map(int, day_text.split("-")))
        clock = _clock(clock_text, strict) if _CLOCK.fullmatch(clock_text) else None
        if clock is None:
            return None
        return day, clock.replace(tzinfo=_offset(offset, strict)), i + 1
    if match := _COMPACT_DATETIME.fullmatch(word):
        year, month, day_number, hour, minute, second, offset = match.groups()
        day = _calendar_day(f"{year}-{month}-{day_number}", int(year), int(month), int(day_number))
        clock = _clock(f"{hour}:{minute}:{second}", strict)
        return day, clock.replace(tzinfo=_offset(offset, strict)), i + 1
    return None


def _calendar_day(text: str, year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 9999:
        raise ValueError(OUT_OF_RANGE)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"There is no date {text}") from None


def _time(words: list[str], i: int, strict: bool, after_at: bool) -> tuple[time, int] | None:
    """A time at words[i]: 17:00, 17:00:30, 5pm, 5:30pm, "5 pm", "5:30 pm", noon (strictly: after "at")."""
    if i >= len(words):
        return None
    word = words[i]
    if i + 1 < len(words) and words[i + 1] in ("am", "pm") and (_HOUR.fullmatch(word) or _CLOCK.fullmatch(word)):
        clock = _twelve(word + words[i + 1], strict)
        return None if clock is None else (clock, i + 2)
    if word == "noon" and (after_at or not strict):
        return time(12), i + 1
    if _CLOCK.fullmatch(word):
        clock = _clock(word, strict)
        return None if clock is None else (clock, i + 1)
    if _TWELVE.fullmatch(word):
        clock = _twelve(word, strict)
        return None if clock is None else (clock, i + 1)
    return None


def _clock(text: str, strict: bool) -> time | None:
    hour, minute, second, offset = _CLOCK.fullmatch(text).groups()
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return _no_time(text, strict)
    return time(int(hour), int(minute), int(second or 0), tzinfo=_offset(offset, strict))


def _twelve(text: str, strict: bool) -> time | None:
    match = _TWELVE.fullmatch(text)
    if match is None:  # "17:00 pm"
        return _no_time(text, strict)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if not 1 <= hour <= 12 or minute > 59:
        return _no_time(text, strict)
    return time(hour % 12 + (12 if half == "pm" else 0), minute)


def _no_time(text: str, strict: bool) -> None:
    if strict:
        return None
    raise ValueError(f"There is no time {text}")


def _offset(text: str | None, strict: bool) -> timezone | None:
    if not text:
        return None
    if text == "z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        if strict:
            raise ValueError(ACCEPTED)
        raise ValueError(f"There is no offset {text}")
    return timezone((1 if text[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes))


def _weekday_named(word: str, abbreviated: bool) -> int | None:
    """The weekday a word names: its full name, or (when `abbreviated`) a prefix of three letters or more."""
    for number, name in enumerate(WEEKDAYS):
        if word == name or (abbreviated and len(word) >= 3 and name.startswith(word)):
            return number
    return None


def _weekday(today: date, weekday: int) -> date:
    """The next such weekday, never today: on a Friday, "fri" is a week ahead."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _shift(today: date, **delta: int) -> date:
    try:
        day = today + relativedelta(**delta)
    except (OverflowError, ValueError):
        raise ValueError(OUT_OF_RANGE) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(OUT_OF_RANGE)
    return day
