"""Repeating tasks: what people type, what they read back, and the due of each next instance."""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, FR, MO, MONTHLY, TU, WEEKLY, YEARLY, rrule, weekday
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_dates import zone
from tui_tasks.domain import Recurrence
from tui_tasks.recurrence import (
    describe_recurrence, from_taskwarrior, next_due, parse_recurrence, taskwarrior_exact, to_taskwarrior,
)  # fmt: skip

UTC = timezone.utc
FAST = settings(max_examples=200, deadline=None)
WEDNESDAY = date(2026, 12, 2)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True, scope="module")
def _berlin():
    with zone("Europe/Berlin"):
        yield


def berlin(*args: int) -> datetime:
    with zone("Europe/Berlin"):
        return datetime(*args).astimezone().astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("daily", "FREQ=DAILY"), ("Weekly", "FREQ=WEEKLY"), ("monthly", "FREQ=MONTHLY"), ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"), ("every day", "FREQ=DAILY"), ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"), ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), ("every mon,wed", "FREQ=WEEKLY;BYDAY=MO,WE"),
        ("every wed, mon", "FREQ=WEEKLY;BYDAY=MO,WE"), ("every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("tuesdays", "FREQ=WEEKLY;BYDAY=TU"), ("every 2 weeks on mon, fri", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"),
        ("every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every month on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15"), ("every month on the 15", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("every last friday", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every month on the last friday", "FREQ=MONTHLY;BYDAY=-1FR"), ("every 2nd tue", "FREQ=MONTHLY;BYDAY=2TU"),
        ("every month on the last weekday", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        ("every year", "FREQ=YEARLY"), ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"), ("every 2 quarters", "FREQ=MONTHLY;INTERVAL=6"),
        ("every 2 weeks until 2027-01-31", "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270131"),
        ("every day until 2027-01-31 17:00", "FREQ=DAILY;UNTIL=20270131"),
        ("every day for 5 times", "FREQ=DAILY;COUNT=5"), ("every day 5 times", "FREQ=DAILY;COUNT=5"),
        # Taskwarrior's recur: values
        ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), ("fortnight", "FREQ=WEEKLY;INTERVAL=2"),
        ("semiannual", "FREQ=MONTHLY;INTERVAL=6"), ("annual", "FREQ=YEARLY"), ("3d", "FREQ=DAILY;INTERVAL=3"),
        ("3days", "FREQ=DAILY;INTERVAL=3"), ("2w", "FREQ=WEEKLY;INTERVAL=2"), ("2wks", "FREQ=WEEKLY;INTERVAL=2"),
        ("2mo", "FREQ=MONTHLY;INTERVAL=2"), ("2months", "FREQ=MONTHLY;INTERVAL=2"), ("1y", "FREQ=YEARLY"),
        ("P3D", "FREQ=DAILY;INTERVAL=3"), ("p1m", "FREQ=MONTHLY"),
        # raw rules, written one way
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("RRULE:freq=weekly;byday=fr,mo", "FREQ=WEEKLY;BYDAY=MO,FR"), ("FREQ=DAILY;INTERVAL=1;WKST=MO", "FREQ=DAILY"),
        ("FREQ=DAILY;UNTIL=20270131T120000Z", "FREQ=DAILY;UNTIL=20270131"),
        ("BYMONTHDAY=15,1;FREQ=MONTHLY", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    ],  # fmt: skip
)
def test_a_repeat_as_people_say_it(typed, rule):
    assert parse_recurrence(typed) == Recurrence(rule)


@pytest.mark.parametrize(
    "typed", ["every 3 days after done", "3 days after done", "every 3 days after completion", "daily after done"]
)
def test_after_done_counts_from_completion(typed):
    assert parse_recurrence(typed).after_completion


def test_until_a_relative_day_counts_from_now_or_the_first_due():
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert parse_recurrence("every day until tomorrow", now=now).rule == "FREQ=DAILY;UNTIL=20261202"
    assert parse_recurrence("every day until +1m", start=date(2027, 1, 31)).rule == "FREQ=DAILY;UNTIL=20270228"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("every 3 dayz", "Try daily, every 3 days"), ("sometimes", "Try daily, every 3 days"), ("", "Try daily"),
        ("every 3", "Try daily"),
        ("every weekday after done", "no weekdays or month days"), ("after done", "How often after done"),
        ("every 0 days", "INTERVAL takes numbers from 1 to 999"), ("every day until", "Until when"),
        ("every day until 2026-02-30", "There is no date 2026-02-30"), ("every day for 0 times", "at least once"),
        ("FREQ=HOURLY", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"), ("FREQ=DAILY;BYHOUR=3", "cannot take BYHOUR"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "not both"), ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=MONTHLY;BYDAY=XX", "BYDAY takes MO to SU"), ("FREQ=DAILY;INTERVAL=x", "INTERVAL takes numbers"),
        ("FREQ=DAILY;UNTIL=2027", "UNTIL takes a date"), ("FREQ=DAILY;FREQ=DAILY", "has one FREQ"),
        ("FREQ=DAILY;;", "Not a rule part"),
    ],  # fmt: skip
)
def test_anything_else_says_what_is_wrong_in_one_line(typed, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_recurrence(typed)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 100


def test_a_rule_that_ends_before_the_first_due_is_refused():
    with pytest.raises(ValueError, match="never happens after its first due"):
        parse_recurrence("every day until 2026-01-01", start=WEDNESDAY)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("daily", "every day"), ("every 3 days", "every 3 days"), ("weekdays", "every weekday"),
        ("every mon,wed", "every Mon and Wed"), ("every mon wed fri", "every Mon, Wed and Fri"),
        ("every 2 weeks on mon", "every 2 weeks on Mon"), ("every month on the 1st", "every month on the 1st"),
        ("every month on the 22nd", "every month on the 22nd"), ("every month on the 11th", "every month on the 11th"),
        ("every last friday", "every month on the last Fri"), ("every 2nd tue", "every month on the 2nd Tue"),
        ("every month on the last weekday", "every month on the last weekday"),
        ("every month on the last day", "every month on the last day"),
        ("every 2 weeks until 2027-01-31", "every 2 weeks until 31 Jan 2027"),
        ("every 3 days after done", "every 3 days after done"), ("every day for 5 times", "every day, 5 times"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", "every year (BYMONTH=12;BYMONTHDAY=25)"),
    ],  # fmt: skip
)
def test_a_repeat_in_words(typed, words):
    assert describe_recurrence(parse_recurrence(typed)) == words


def test_a_repeat_in_words_with_its_next_due():
    rec = parse_recurrence("every 3 days")
    assert describe_recurrence(rec, date(2026, 12, 7)) == "every 3 days, next Mon 7 Dec"
    assert describe_recurrence(rec, berlin(2026, 12, 7, 17)) == "every 3 days, next Mon 7 Dec 17:00"
    assert describe_recurrence(Recurrence("nonsense")) == "repeats (nonsense)"


def test_the_next_instance_follows_the_calendar_from_the_first_due():
    assert next_due(parse_recurrence("every 3 days"), WEDNESDAY, 0) == (1, date(2026, 12, 5))
    assert next_due(parse_recurrence("every 3 days"), WEDNESDAY, 4) == (5, date(2026, 12, 17))
    last_friday = parse_recurrence("every last friday")
    assert next_due(last_friday, date(2026, 12, 25), 0) == (1, date(2027, 1, 29))


def test_a_first_due_off_the_rule_is_instance_0_and_the_rule_days_follow():
    mondays = parse_recurrence("every monday")
    assert next_due(mondays, WEDNESDAY, 0) == (1, date(2026, 12, 7))
    assert next_due(mondays, WEDNESDAY, 1) == (2, date(2026, 12, 14))
    assert next_due(mondays, WEDNESDAY, 1, previous_due=date(2026, 12, 7)) == (2, date(2026, 12, 14))


def test_count_counts_the_first_instance_and_until_includes_its_day():
    three = parse_recurrence("every day for 3 times")
    assert [next_due(three, WEDNESDAY, k) for k in range(3)] == [
        (1, date(2026, 12, 3)), (2, date(2026, 12, 4)), None]  # fmt: skip
    until = parse_recurrence("every day until 2026-12-03")
    assert next_due(until, WEDNESDAY, 0) == (1, date(2026, 12, 3)) and next_due(until, WEDNESDAY, 1) is None
    timed = berlin(2026, 12, 2, 23, 30)
    assert next_due(until, timed, 0) == (1, berlin(2026, 12, 3, 23, 30))


def test_a_monthly_due_on_the_31st_falls_on_the_last_day_of_shorter_months():
    monthly = parse_recurrence("monthly")
    assert [next_due(monthly, date(2026, 1, 31), k)[1] for k in range(3)] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]  # fmt: skip
    assert next_due(parse_recurrence("yearly"), date(2024, 2, 29), 0) == (1, date(2025, 2, 28))
    assert next_due(parse_recurrence("yearly"), date(2024, 2, 29), 3) == (4, date(2028, 2, 29))


def test_a_timed_due_keeps_its_wall_clock_time_across_dst():
    friday_17 = berlin(2026, 3, 27, 17)  # CET; from Sunday CEST
    daily = parse_recurrence("daily")
    assert next_due(daily, friday_17, 2) == (3, berlin(2026, 3, 30, 17))
    assert next_due(daily, friday_17, 2)[1] - friday_17 == timedelta(days=3, hours=-1)


def test_a_time_the_clock_skips_moves_on_by_the_gap_and_the_series_goes_on():
    weekly = parse_recurrence("weekly")
    first = berlin(2026, 3, 22, 2, 30)  # Sundays at 02:30; on 29 March the clock goes from 02:00 to 03:00
    number, skipped = next_due(weekly, first, 0)
    assert (number, skipped) == (1, datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # 03:30 CEST
    following = (2, berlin(2026, 4, 5, 2, 30))
    assert next_due(weekly, first, 1, previous_due=skipped) == next_due(weekly, first, 1) == following


def test_after_done_counts_from_the_day_it_was_done_and_keeps_the_time():
    rec = parse_recurrence("every 3 days after done")
    done = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 2 December in Berlin
    assert next_due(rec, WEDNESDAY, 0, completed_at=done) == (1, date(2026, 12, 5))
    assert next_due(rec, berlin(2026, 11, 20, 9), 4, completed_at=done) == (5, berlin(2026, 12, 5, 9))
    monthly = parse_recurrence("monthly after done")
    assert next_due(monthly, WEDNESDAY, 0, completed_at=berlin(2027, 1, 31, 12)) == (1, date(2027, 2, 28))


def test_instance_ten_thousand_is_quick():
    daily = parse_recurrence("daily")
    started = clock.perf_counter()
    assert next_due(daily, WEDNESDAY, 10_000) == (10_001, WEDNESDAY + timedelta(days=10_001))
    assert next_due(daily, WEDNESDAY, 10_000, previous_due=WEDNESDAY + timedelta(days=10_000))[1] == date(2054, 4, 20)
    assert clock.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("typed", "value", "exact"),
    [
        ("daily", "daily", True), ("every 3 days", "3d", True), ("weekly", "weekly", True),
        ("every 2 weeks", "biweekly", True), ("every 3 weeks", "3w", True), ("weekdays", "weekdays", True),
        ("monthly", "monthly", True), ("quarterly", "quarterly", True), ("every 2 months", "2mo", True),
        ("semiannual", "semiannual", True), ("yearly", "yearly", True), ("every 2 years", "2y", True),
        ("every last friday", "monthly", False), ("every mon,wed", "weekly", False),
        ("every day until 2027-01-01", "daily", False), ("every 3 days after done", "3d", False),
    ],  # fmt: skip
)
def test_taskwarrior_recur_values(typed, value, exact):
    rec = parse_recurrence(typed)
    assert (to_taskwarrior(rec), taskwarrior_exact(rec)) == (value, exact)
    if exact:
        assert from_taskwarrior(value) == rec


@pytest.mark.parametrize("value", ["", "sometimes", "2h", "every day", "monday", "3", "15th"])
def test_an_unknown_taskwarrior_value_is_refused(value):
    with pytest.raises(ValueError, match="Unknown Taskwarrior recurrence"):
        from_taskwarrior(value)


# --- properties -----------------------------------------------------------------------------------------------

FREQS = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def rules(draw) -> dict:
    """A rule both as text and as the arguments of dateutil's rrule (checked apart from the module's parser)."""
    freq = draw(st.sampled_from(list(FREQS)))
    interval = draw(st.integers(1, 12))
    text, args = [f"FREQ={freq}", f"INTERVAL={interval}"], {"freq": FREQS[freq], "interval": interval}
    kind = draw(st.sampled_from(["plain", "byday", "bymonthday", "bysetpos"]))
    if kind == "byday" and freq in ("DAILY", "WEEKLY"):
        days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
        text.append("BYDAY=" + ",".join(CODES[day] for day in days))
        args["byweekday"] = [weekday(day) for day in days]
    elif kind == "byday" and freq == "MONTHLY":
        day, n = draw(st.integers(0, 6)), draw(st.sampled_from([1, 2, 3, 4, -1]))
        text.append(f"BYDAY={n}{CODES[day]}")
        args["byweekday"] = [weekday(day)(n)]
    elif kind == "bymonthday" and freq == "MONTHLY":
        day = draw(st.sampled_from([1, 10, 15, 28, -1]))
        text.append(f"BYMONTHDAY={day}")
        args["bymonthday"] = day
    elif kind == "bysetpos" and freq == "MONTHLY":
        text.append("BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
        args |= {"byweekday": [MO, TU, weekday(2), weekday(3), FR], "bysetpos": -1}
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        args["count"] = draw(st.integers(1, 20))
        text.append(f"COUNT={args['count']}")
    elif end == "until":
        args["until"] = draw(st.dates(date(2025, 1, 1), date(2040, 12, 31)))
        text.append(f"UNTIL={args['until']:%Y%m%d}")
    plain = not {"byweekday", "bymonthday", "bysetpos"} & set(args)
    return {"text": ";".join(text), "args": args, "plain": plain}


FIRST_DUES = st.dates(date(2000, 1, 1), date(2035, 12, 31)) | st.builds(
    lambda day, hour, minute: berlin(day.year, day.month, day.day, hour, minute),
    st.dates(date(2000, 1, 1), date(2035, 12, 31)), st.integers(0, 23), st.sampled_from([0, 15, 30, 59]),
)  # fmt: skip


def wall(due) -> datetime:
    return due.astimezone().replace(tzinfo=None) if isinstance(due, datetime) else datetime.combine(due, time())


def series(rule: dict, first, length: int) -> list[datetime]:
    """The first `length` instances' wall-clock times: instance 0 is the first due, then the rule's days after
    it; plain monthly and yearly rules by relativedelta from the first (it ends a month, not skips it)."""
    args, start = dict(rule["args"]), wall(first)
    count, until = args.pop("count", None), args.pop("until", None)
    if rule["plain"]:
        unit = {DAILY: "days", WEEKLY: "weeks", MONTHLY: "months", YEARLY: "years"}[args["freq"]]
        days = (start + relativedelta(**{unit: args["interval"] * k}) for k in range(length))
    else:
        horizon = start + relativedelta(years=60 * args["interval"] if args["freq"] in (DAILY, WEEKLY) else 400)
        after = (moment for moment in rrule(dtstart=start, until=horizon, **args) if moment > start)
        days = iter([start, *islice(after, length)])
    instances = list(islice(days, length))[: count or length]
    return [moment for moment in instances if until is None or moment.date() <= until or moment == start]


def as_due(moment: datetime, first):
    """An instance's wall-clock time as a due like `first` (zoneinfo reads a skipped time as PEP 495 says)."""
    return moment.replace(tzinfo=BERLIN).astimezone(UTC) if isinstance(first, datetime) else moment.date()


@given(rules(), FIRST_DUES, st.integers(0, 25))
@FAST
def test_the_next_due_is_the_next_instance_of_the_rule(rule, first, k):
    instances = series(rule, first, k + 2)
    try:
        rec = parse_recurrence(rule["text"], start=first)
    except ValueError as error:  # "every 7 days on Mondays" from a Tuesday, or an UNTIL before the first due
        assert "never happens after its first due" in str(error) and len(instances) == 1
        return
    found = next_due(rec, first, k)
    if k + 1 >= len(instances):
        assert found is None
        return
    assert found == (k + 1, as_due(instances[k + 1], first))
    assert wall(found[1]) > wall(as_due(instances[k], first))
    assert next_due(rec, first, k, previous_due=as_due(instances[k], first)) == found


@given(rules(), FIRST_DUES, st.integers(0, 25), st.integers(0, 400), st.integers(0, 24 * 60 - 1))
@FAST
def test_after_done_the_next_due_is_after_the_day_it_was_done(rule, first, k, days_later, minute):
    parts = [part for part in rule["text"].split(";") if part.startswith(("FREQ", "INTERVAL"))]
    rec = Recurrence(";".join(parts), after_completion=True)
    done = berlin(2036, 1, 1) + timedelta(days=days_later, minutes=minute)
    number, due = next_due(rec, first, k, completed_at=done)
    day = due.astimezone().date() if isinstance(due, datetime) else due
    unit = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}[parts[0][5:]]
    assert number == k + 1 and day > done.astimezone().date()
    assert day == done.astimezone().date() + relativedelta(**{unit: rule["args"]["interval"]})
    assert isinstance(due, datetime) == isinstance(first, datetime)


PHRASE_WORDS = st.sampled_from(
    ["every", "3", "days", "day", "mon", "wed", "last", "fri", "on", "the", "1st", "month", "until", "2027-01-31",
     "for", "5", "times", "after", "done", "weekday", "other", "0", "31st", "FREQ=DAILY", "and"]
)  # fmt: skip


@given(st.text(max_size=40) | st.lists(PHRASE_WORDS, max_size=7).map(" ".join))
@FAST
def test_any_text_is_a_rule_or_a_one_line_value_error(text):
    try:
        rec = parse_recurrence(text, start=WEDNESDAY)
    except ValueError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert parse_recurrence(rec.rule) == Recurrence(rec.rule)  # written one way
    assert describe_recurrence(rec).startswith("every ")
    next_due(rec, WEDNESDAY, 0, completed_at=berlin(2026, 12, 3, 9))  # any rule it accepts can be followed
