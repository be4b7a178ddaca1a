"""Repeating tasks: phrases ("every 2 weeks", "every month on the last fri", "3 days after done") to RFC 5545
rules, rules back to words, the due of the next instance, and Taskwarrior's `recur:` values both ways.

Rules are by day (no HOURLY): a due is a day, or a day at a time of day that each instance keeps.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from functools import lru_cache
from itertools import islice

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from tui_tasks.dates import DAY_ABBR, MONTH_ABBR, WEEKDAYS, localize, parse_when
from tui_tasks.domain import Due, Recurrence, local_date, utcnow

ACCEPTED = "Try daily, every 3 days, every weekday, every mon,wed, every month on the 1st or 3 days after done"
ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT", "UNTIL")
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKWEEK = "MO,TU,WE,TH,FR"
UNIT_FREQ = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
FREQ_UNIT = {freq: unit for unit, freq in UNIT_FREQ.items()}
UNITS = dict.fromkeys(("d", "day", "days"), "days") | dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks")
UNITS |= dict.fromkeys(("mo", "mos", "mth", "mths", "month", "months"), "months")  # "m" is minutes to Taskwarrior
UNITS |= dict.fromkeys(("q", "qtr", "qtrs", "quarter", "quarters"), "quarters")
UNITS |= dict.fromkeys(("y", "yr", "yrs", "year", "years"), "years")
NAMED = {  # one word: (FREQ, INTERVAL, BYDAY)
    "daily": ("DAILY", 1, ""), "day": ("DAILY", 1, ""), "weekly": ("WEEKLY", 1, ""), "week": ("WEEKLY", 1, ""),
    "biweekly": ("WEEKLY", 2, ""), "fortnightly": ("WEEKLY", 2, ""), "fortnight": ("WEEKLY", 2, ""),
    "monthly": ("MONTHLY", 1, ""), "month": ("MONTHLY", 1, ""), "bimonthly": ("MONTHLY", 2, ""),
    "quarterly": ("MONTHLY", 3, ""), "quarter": ("MONTHLY", 3, ""),
    "semiannual": ("MONTHLY", 6, ""), "semiannually": ("MONTHLY", 6, ""),
    "yearly": ("YEARLY", 1, ""), "year": ("YEARLY", 1, ""), "annual": ("YEARLY", 1, ""), "annually": ("YEARLY", 1, ""),
    "biannual": ("YEARLY", 2, ""), "biyearly": ("YEARLY", 2, ""),
    "weekday": ("WEEKLY", 1, WORKWEEK), "weekdays": ("WEEKLY", 1, WORKWEEK), "workday": ("WEEKLY", 1, WORKWEEK),
    "workdays": ("WEEKLY", 1, WORKWEEK), "weekend": ("WEEKLY", 1, "SA,SU"), "weekends": ("WEEKLY", 1, "SA,SU"),
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
INTERVAL_MAX = 999
_COMPACT = re.compile(r"(\d{1,3}) ?([a-z]+)")
_ISO_DURATION = re.compile(r"p(\d{1,3})([dwmy])")
_NTH = re.compile(r"(\d{1,2})(st|nd|rd|th)?")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_RAW = re.compile(r"\s*(rrule:)?[a-z]+=", re.IGNORECASE)
_AFTER = {"done", "completion", "completed", "complete", "finished", "finishing"}


def parse_recurrence(text: str, start: Due | None = None, now: datetime | None = None) -> Recurrence:
    """A repeat as people say it ("every 2 weeks until 2027-01-31", "weekdays", "3 days after done"), a
    Taskwarrior `recur:` value, or a raw RRULE. `start` (the first due) checks that the rule ever happens and
    ends after it; a relative "until" date counts from `now` (else from `start`, else from today)."""
    if _RAW.match(text):
        rule = text.strip()[6:] if text.strip().upper().startswith("RRULE:") else text.strip()
        return Recurrence(_checked(_rule_parts(rule), start))
    words = text.lower().replace(",", " ").split()
    words = [word for word in words if word not in ("and", "&", "the")]
    parts, after = _suffixes(words, start, now)
    if words and words[0] in ("every", "each"):
        words = words[1:]
    found = _core(words)
    if found is None:
        raise ValueError("How often after done? e.g. 3 days after done" if after and not words else ACCEPTED)
    parts = found | parts
    if after and set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        raise ValueError("“After done” counts days, weeks, months or years: no weekdays or month days")
    return Recurrence(_checked(parts, start), after)


def describe_recurrence(rec: Recurrence, next_due: Due | None = None) -> str:
    """A repeat in words: "every Mon and Wed", "every month on the last Fri", "every 3 days after done",
    "every 2 weeks until 31 Jan 2027", with ", next Mon 7 Dec" when the next due is given."""
    try:
        parts = _rule_parts(rec.rule)
    except ValueError:
        return f"repeats ({rec.rule})"
    text = _describe_parts(parts)
    if "UNTIL" in parts:
        until = _until_day(parts["UNTIL"])
        text += f" until {until.day} {MONTH_ABBR[until.month - 1]} {until.year}"
    if rec.after_completion:
        text += " after done"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times" if parts["COUNT"] != "1" else ", once"
    if next_due is not None:
        day = local_date(next_due) if isinstance(next_due, datetime) else next_due
        clock = f" {next_due.astimezone():%H:%M}" if isinstance(next_due, datetime) else ""
        text += f", next {DAY_ABBR[day.weekday()]} {day.day} {MONTH_ABBR[day.month - 1]}{clock}"
    return text


def next_due(
    rec: Recurrence, first_due: Due, occurrence: int, completed_at: datetime | None = None,
    previous_due: Due | None = None,
) -> tuple[int, Due] | None:  # fmt: skip
    """The number and due of the instance after instance `occurrence` (0 is the first, due `first_due`), or
    None when the series has ended (UNTIL, inclusive of its day, or COUNT instances in all).

    By the calendar, instance 0 is `first_due` even when the rule would not give that day (weekly on Mondays,
    first due a Wednesday), and the rule's days after it follow; COUNT counts instance 0. Each instance keeps
    the kind of `first_due` (a date, or its local wall-clock time, across DST). After completion, the next due
    is the local day of `completed_at` (else of the previous due) plus the interval."""
    parts = _rule_parts(rec.rule)
    if "COUNT" in parts and occurrence + 1 >= int(parts["COUNT"]):
        return None
    until = _until_day(parts["UNTIL"]) if "UNTIL" in parts else None
    timed = isinstance(first_due, datetime)
    wall = first_due.astimezone().time().replace(microsecond=0) if timed else time()
    if rec.after_completion:
        done_day = local_date(completed_at) if completed_at else _day_of(previous_due or first_due)
        unit, interval = FREQ_UNIT[parts["FREQ"]], int(parts.get("INTERVAL", "1"))
        day = _shifted(done_day, **{unit: interval})
        found = None if day is None else datetime.combine(day, wall)
    else:
        start = _wall(first_due)
        if _first(";".join(f"{key}={value}" for key, value in parts.items()), start) is None:
            return None  # the rule never happens from this first due (or only centuries later)
        rule = _rrule(parts, start)
        if previous_due is not None:
            found = rule.after(max(_wall(previous_due), start))
        else:
            on_rule = next(iter(rule), None) == start  # instance 0 is the rule's own first, or comes before it
            found = next(islice(rule, occurrence + (1 if on_rule else 0), None), None)
    if found is None or (until is not None and found.date() > until):
        return None
    return occurrence + 1, _kind(found, timed)


def to_taskwarrior(rec: Recurrence) -> str:
    """The Taskwarrior `recur:` value nearest to a rule: "daily", "3d", "weekdays", "biweekly", "quarterly"...
    (Taskwarrior repeats by a period only: see `taskwarrior_exact`)."""
    parts = _rule_parts(rec.rule)
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if freq == "WEEKLY" and interval == 1 and parts.get("BYDAY") == WORKWEEK:
        return "weekdays"
    names = {("DAILY", 1): "daily", ("WEEKLY", 1): "weekly", ("WEEKLY", 2): "biweekly", ("MONTHLY", 1): "monthly",
             ("MONTHLY", 3): "quarterly", ("MONTHLY", 6): "semiannual", ("YEARLY", 1): "yearly"}  # fmt: skip
    suffix = {"DAILY": "d", "WEEKLY": "w", "MONTHLY": "mo", "YEARLY": "y"}[freq]
    return names.get((freq, interval)) or f"{interval}{suffix}"


def taskwarrior_exact(rec: Recurrence) -> bool:
    """Whether `to_taskwarrior` says all of the rule (not when it has weekdays, month days, an end, or counts
    from completion)."""
    parts = _rule_parts(rec.rule)
    if rec.after_completion:
        return False
    extra = set(parts) - {"FREQ", "INTERVAL"}
    return not extra or (extra == {"BYDAY"} and to_taskwarrior(rec) == "weekdays")


def from_taskwarrior(text: str) -> Recurrence:
    """A Taskwarrior `recur:` value ("weekly", "weekdays", "3d", "2wks", "P1M"...) as a rule."""
    word = text.strip().lower()
    period = _period([word]) if word and " " not in word else None
    if period is None:
        raise ValueError(f"Unknown Taskwarrior recurrence {text.strip()[:40]!r}: try daily, weekly, 3d or 2wks")
    freq, interval, byday = period[0]
    return Recurrence(_checked({"FREQ": freq, "INTERVAL": str(interval)} | ({"BYDAY": byday} if byday else {}), None))


def _suffixes(words: list[str], start: Due | None, now: datetime | None) -> tuple[dict[str, str], bool]:
    """Take "until DATE", "for N times" / "N times" and "after done" off the end of `words` (in place)."""
    parts: dict[str, str] = {}
    after = False
    if "until" in words:
        at = words.index("until")
        reference = now or (localize(datetime.combine(start, time())) if type(start) is date else start) or utcnow()
        until = parse_when(" ".join(words[at + 1 :]), reference)
        if until is None:
            raise ValueError("Until when? e.g. until 2027-01-31")
        parts["UNTIL"] = (local_date(until) if isinstance(until, datetime) else until).strftime("%Y%m%d")
        del words[at:]
    while True:
        if len(words) >= 2 and words[-2] == "after" and words[-1] in _AFTER:
            after = True
            del words[-2:]
        elif len(words) >= 2 and words[-1] in ("times", "time", "x") and words[-2].isdigit() and len(words[-2]) < 5:
            if int(words[-2]) < 1:
                raise ValueError("A repeat happens at least once")
            parts["COUNT"] = str(int(words[-2]))
            del words[-3 if len(words) >= 3 and words[-3] == "for" else -2 :]
        else:
            return parts, after


def _core(words: list[str]) -> dict[str, str] | None:
    """The rule of a phrase without "every" and its suffixes, or None."""
    if not words:
        return None
    period = _period(words)
    if period is not None:
        (freq, interval, byday), used = period
        parts = {"FREQ": freq, "INTERVAL": str(interval)} | ({"BYDAY": byday} if byday else {})
        rest = words[used:]
        if not rest:
            return parts
        if rest[0] == "on" and not byday:
            spec = _on(freq, rest[1:])
            return None if spec is None else parts | spec
        return None
    if all(_weekday(word) is not None for word in words):  # "mon wed", "tuesdays"
        return {"FREQ": "WEEKLY", "BYDAY": ",".join(CODES[_weekday(word)] for word in words)}
    spec = _on("MONTHLY", words, bare_numbers=False)  # "last fri", "15th" (but "every 3" is not the 3rd)
    return None if spec is None else {"FREQ": "MONTHLY"} | spec


def _period(words: list[str]) -> tuple[tuple[str, int, str], int] | None:
    """A period at the start: "daily", "weekdays", "3 days", "other week", "2wks", "P3D"; and words taken."""
    word = words[0]
    if word in NAMED:
        return NAMED[word], 1
    if (match := _COMPACT.fullmatch(word)) and match[2] in UNITS:
        return _unit(int(match[1]), match[2]), 1
    if match := _ISO_DURATION.fullmatch(word):
        return _unit(int(match[1]), {"d": "d", "w": "w", "m": "mo", "y": "y"}[match[2]]), 1
    if len(words) >= 2 and words[1] in UNITS and (word.isdigit() and len(word) <= 3 or word == "other"):
        return _unit(2 if word == "other" else int(word), words[1]), 2
    return None


def _unit(count: int, unit: str) -> tuple[str, int, str]:
    name = UNITS[unit]
    if name == "quarters":
        return "MONTHLY", count * 3, ""
    return UNIT_FREQ[name], count, ""


def _on(freq: str, words: list[str], bare_numbers: bool = True) -> dict[str, str] | None:
    """What follows "on": weekdays for a week, days ("1st 15th", "last day") or "last fri" for a month."""
    if not words:
        return None
    if freq in ("WEEKLY", "DAILY") and all(_weekday(word) is not None for word in words):
        return {"BYDAY": ",".join(CODES[_weekday(word)] for word in words)}
    if freq != "MONTHLY":
        return None
    if len(words) == 2 and words[1] in ("weekday", "workday") and _ordinal(words[0]) is not None:
        return {"BYDAY": WORKWEEK, "BYSETPOS": str(_ordinal(words[0]))}
    if len(words) == 2 and _ordinal(words[0]) is not None and _weekday(words[1]) is not None:
        return {"BYDAY": f"{_ordinal(words[0])}{CODES[_weekday(words[1])]}"}
    days = []
    for at, word in enumerate(words):
        if word == "day" and at > 0:
            continue  # "the 1st day", "last day"
        if word == "last" and at + 1 < len(words) and words[at + 1] == "day":
            days.append(-1)
        elif (match := _NTH.fullmatch(word)) and (match[2] or bare_numbers) and 1 <= int(match[1]) <= 31:
            days.append(int(match[1]))
        else:
            return None
    return {"BYMONTHDAY": ",".join(map(str, days))} if days else None


def _ordinal(word: str) -> int | None:
    if word in ORDINALS:
        return ORDINALS[word]
    match = _NTH.fullmatch(word)
    return int(match[1]) if match and match[2] and 1 <= int(match[1]) <= 5 else None


def _weekday(word: str) -> int | None:
    """A weekday by its name, a plural ("mondays") or a prefix of three letters or more."""
    word = word[:-1] if word.endswith("s") and word[:-1] in WEEKDAYS else word
    return next((n for n, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)), None)


def _rule_parts(rule: str) -> dict[str, str]:
    """The parts of a rule text, each checked and written one way (so that equal rules compare equal)."""
    parts: dict[str, str] = {}
    for item in rule.strip().upper().split(";"):
        key, equals, value = item.strip().partition("=")
        if not equals or not value.strip():
            raise ValueError(f"Not a rule part: {item.strip()[:20]!r} (parts are KEY=VALUE, as FREQ=DAILY)")
        if key not in ORDER:
            raise ValueError(f"A repeat rule by days cannot take {key[:20]}")
        if key in parts:
            raise ValueError(f"A repeat rule has one {key}")
        parts[key] = value.strip()
    if parts.get("FREQ") not in FREQS:
        raise ValueError("A repeat rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("A repeat ends on a date or after a number of times, not both")
    return parts


def _checked(parts: dict[str, str], start: Due | None) -> str:
    """The rule text in one form, once dateutil accepts it and it happens at least once after `start`."""
    normal = dict(parts)
    for key, low, high in (("INTERVAL", 1, INTERVAL_MAX), ("COUNT", 1, 99_999), ("BYMONTH", 1, 12),
                           ("BYMONTHDAY", -31, 31), ("BYSETPOS", -366, 366)):  # fmt: skip
        if key in normal:
            numbers = _numbers(normal[key], low, high, key)
            normal[key] = ",".join(map(str, sorted(set(numbers))))
    if "BYDAY" in normal:
        normal["BYDAY"] = ",".join(_days(normal["BYDAY"]))
    if "UNTIL" in normal:
        normal["UNTIL"] = _until_day(normal["UNTIL"]).strftime("%Y%m%d")
    if normal.get("INTERVAL") == "1":
        del normal["INTERVAL"]
    if normal.get("WKST") == "MO":
        del normal["WKST"]
    rule = ";".join(f"{key}={normal[key]}" for key in ORDER if key in normal)
    # Without a first due, any weekday may start the series ("every 7 days on Mondays" works from Mondays only).
    phased = normal["FREQ"] in ("DAILY", "WEEKLY") and "INTERVAL" in normal
    begins = [_wall(start)] if start is not None else [datetime(2000, 1, 3 + day) for day in range(7 if phased else 1)]
    try:
        first = next((found for begin in begins if (found := _first(rule, begin)) is not None), None)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise ValueError(f"Not a repeat rule dateutil understands: {rule[:60]}") from None
    if first is None:
        raise ValueError("That repeat never happens" + (" after its first due" if start is not None else ""))
    return rule


@lru_cache(maxsize=256)
def _first(rule: str, begin: datetime) -> datetime | None:
    """The rule's first day from `begin`, or None if it has none within 60 years (a day rule: weekdays and dates
    meet again within 28) or 400 (a month or year rule: the Gregorian cycle). A rule such as "every 30 February"
    would otherwise run dateutil on to the year 9999, for seconds."""
    parts = _rule_parts(rule)
    years = 60 if parts["FREQ"] in ("DAILY", "WEEKLY") else 400
    horizon = _shifted(begin.date(), years=years * int(parts.get("INTERVAL", "1"))) or date(9999, 12, 31)
    until = min(_until_day(parts["UNTIL"]), horizon) if "UNTIL" in parts else horizon
    parts.pop("COUNT", None)
    parts["UNTIL"] = until.strftime("%Y%m%d") + "T235959"
    return next(iter(rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=begin)), None)


def _numbers(text: str, low: int, high: int, key: str) -> list[int]:
    try:
        numbers = [int(item) for item in text.split(",")]
    except ValueError:
        raise ValueError(f"{key} takes numbers: not {text[:20]!r}") from None
    if any(not low <= number <= high or number == 0 for number in numbers):
        raise ValueError(f"{key} takes numbers from {low} to {high}: not {text[:20]!r}")
    return numbers


def _days(text: str) -> list[str]:
    """BYDAY items ("MO", "-1FR", "+2TU"), checked, once each, in weekday order."""
    items = set()
    for item in text.split(","):
        match = _BYDAY.fullmatch(item.strip())
        if match is None or (match[1] and not 1 <= abs(int(match[1])) <= 53):
            raise ValueError(f"BYDAY takes MO to SU, maybe with a number (-1FR): not {item.strip()[:20]!r}")
        items.add((CODES.index(match[2]), int(match[1]) if match[1] else 0))
    return [f"{n or ''}{CODES[day]}" for day, n in sorted(items)]


def _until_day(text: str) -> date:
    """The day of an UNTIL value (YYYYMMDD, maybe with a time, which a repeat by days does not need)."""
    try:
        return datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"UNTIL takes a date as YYYYMMDD: not {text[:20]!r}") from None


def _rrule(parts: dict[str, str], start: datetime):
    """The dateutil rule from `start` (a local wall-clock time), without COUNT (next_due counts instance 0
    itself) and ending at the end of UNTIL's day.

    A plain "monthly" from the 31st falls on the last day of shorter months, and a plain "yearly" from
    29 February on the 28th in other years, as people expect (RFC 5545 would skip those months and years;
    a rule that names its month days, "every month on the 31st", still does)."""
    rule = {key: value for key, value in parts.items() if key not in ("COUNT", "UNTIL")}
    if not set(rule) - {"FREQ", "INTERVAL", "WKST"}:
        if rule["FREQ"] == "MONTHLY" and start.day > 28:
            rule |= {"BYMONTHDAY": ",".join(map(str, range(28, start.day + 1))), "BYSETPOS": "-1"}
        elif rule["FREQ"] == "YEARLY" and (start.month, start.day) == (2, 29):
            rule |= {"BYMONTH": "2", "BYMONTHDAY": "28,29", "BYSETPOS": "-1"}
    if "UNTIL" in parts:
        rule["UNTIL"] = parts["UNTIL"][:8] + "T235959"
    return rrulestr(";".join(f"{key}={value}" for key, value in rule.items()), dtstart=start)


def _describe_parts(parts: dict[str, str]) -> str:
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    unit = FREQ_UNIT[freq][:-1]
    base = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    extra = {key: value for key, value in parts.items() if key not in ("FREQ", "INTERVAL", "COUNT", "UNTIL")}
    byday = extra.get("BYDAY", "")
    plain_days = bool(byday) and all(_BYDAY.fullmatch(item)[1] is None for item in byday.split(","))
    if set(extra) == {"BYDAY"} and plain_days and freq in ("DAILY", "WEEKLY"):
        if byday == WORKWEEK:
            return "every weekday" if interval == 1 else f"{base} on weekdays"
        names = _joined([DAY_ABBR[CODES.index(code)] for code in byday.split(",")])
        return f"every {names}" if interval == 1 else f"{base} on {names}"
    if freq == "MONTHLY" and set(extra) == {"BYMONTHDAY"}:
        return f"{base} on the " + _joined([_nth_day(int(day)) for day in extra["BYMONTHDAY"].split(",")])
    if freq == "MONTHLY" and set(extra) == {"BYDAY"} and "," not in byday and not plain_days:
        match = _BYDAY.fullmatch(byday)
        return f"{base} on the {_nth(int(match[1]))} {DAY_ABBR[CODES.index(match[2])]}"
    if freq == "MONTHLY" and set(extra) == {"BYDAY", "BYSETPOS"} and plain_days and "," not in extra["BYSETPOS"]:
        what = "weekday" if byday == WORKWEEK else DAY_ABBR[CODES.index(byday)] if "," not in byday else None
        if what:
            return f"{base} on the {_nth(int(extra['BYSETPOS']))} {what}"
    if not extra:
        return base
    return f"{base} ({';'.join(f'{key}={value}' for key, value in extra.items())})"


def _nth(number: int) -> str:
    if number == -1:
        return "last"
    if number < 0:
        return f"{_nth(-number)} last"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _nth_day(number: int) -> str:
    return f"{_nth(number)} day" if number < 0 else _nth(number)


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _day_of(due: Due) -> date:
    return local_date(due) if isinstance(due, datetime) else due


def _wall(due: Due) -> datetime:
    """A due as the naive local wall-clock time rules run on (a date: its midnight)."""
    if isinstance(due, datetime):
        return due.astimezone().replace(tzinfo=None, microsecond=0)
    return datetime.combine(due, time())


def _kind(found: datetime, timed: bool) -> Due:
    return localize(found).astimezone(timezone.utc) if timed else found.date()


def _shifted(day: date, **delta: int) -> date | None:
    try:
        return day + relativedelta(**delta)
    except (OverflowError, ValueError):
        return None

