"""Due and wait dates as people type them, and as the list and the detail pane show them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_tasks.dates import describe_due, describe_exact, format_when, parse_when, parse_when_prefix, preview_when

UTC = timezone.utc
# Tuesday 1 December 2026, 10:00 in Berlin (CET, UTC+1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FAST = settings(max_examples=200, deadline=None)


@contextmanager
def zone(name: str) -> Iterator[None]:
    """Run in another local time zone (the functions read this machine's zone), then restore it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture(autouse=True, scope="module")
def _berlin() -> Iterator[None]:
    with zone("Europe/Berlin"):
        yield


def berlin(*args: int) -> datetime:
    """A Berlin wall-clock time as the aware UTC datetime parse_when returns."""
    with zone("Europe/Berlin"):
        return datetime(*args).astimezone().astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("today", date(2026, 12, 1)), ("TOD", date(2026, 12, 1)), ("Tomorrow", date(2026, 12, 2)),
        ("tom", date(2026, 12, 2)), ("yesterday", date(2026, 11, 30)),
        ("fri", date(2026, 12, 4)), ("friday", date(2026, 12, 4)), ("next fri", date(2026, 12, 4)),
        ("thurs", date(2026, 12, 3)), ("on fri", date(2026, 12, 4)),
        ("next week", date(2026, 12, 7)), ("next month", date(2027, 1, 1)), ("next year", date(2027, 1, 1)),
        ("eow", date(2026, 12, 6)), ("eom", date(2026, 12, 31)), ("eoy", date(2026, 12, 31)),
        ("sow", date(2026, 12, 7)), ("som", date(2027, 1, 1)),
        ("+3d", date(2026, 12, 4)), ("-1d", date(2026, 11, 30)), ("+2w", date(2026, 12, 15)),
        ("+1m", date(2027, 1, 1)), ("+1y", date(2027, 12, 1)), ("3d", date(2026, 12, 4)),
        ("in 3 days", date(2026, 12, 4)), ("in 2 weeks", date(2026, 12, 15)), ("in 1 month", date(2027, 1, 1)),
        ("in 3 d", date(2026, 12, 4)), ("in 3d", date(2026, 12, 4)), ("in a week", date(2026, 12, 8)),
        ("2026-12-04", date(2026, 12, 4)), ("  2026-12-04 ", date(2026, 12, 4)),
        ("1900-01-01", date(1900, 1, 1)), ("9999-12-31", date(9999, 12, 31)),
    ],  # fmt: skip
)
def test_a_day_without_a_time_is_a_date(typed, due):
    assert parse_when(typed, NOW) == due


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("2026-12-04T17:00", berlin(2026, 12, 4, 17)), ("2026-12-04 17:00", berlin(2026, 12, 4, 17)),
        ("2026-12-04 17:00:30", berlin(2026, 12, 4, 17, 0, 30)),
        ("2026-12-04T17:00+02:00", datetime(2026, 12, 4, 15, tzinfo=UTC)),
        ("2026-12-04 17:00Z", datetime(2026, 12, 4, 17, tzinfo=UTC)),
        ("20261204T170000Z", datetime(2026, 12, 4, 17, tzinfo=UTC)),
        ("tomorrow 5pm", berlin(2026, 12, 2, 17)), ("tomorrow at 5pm", berlin(2026, 12, 2, 17)),
        ("5pm tomorrow", berlin(2026, 12, 2, 17)), ("fri 17:00", berlin(2026, 12, 4, 17)),
        ("next fri 9am", berlin(2026, 12, 4, 9)), ("2026-12-04 5:30pm", berlin(2026, 12, 4, 17, 30)),
        ("17:00", berlin(2026, 12, 1, 17)), ("5pm", berlin(2026, 12, 1, 17)), ("5:30 pm", berlin(2026, 12, 1, 17, 30)),
        ("5 PM", berlin(2026, 12, 1, 17)), ("noon", berlin(2026, 12, 1, 12)),
        ("12am", berlin(2026, 12, 1, 0)), ("12pm", berlin(2026, 12, 1, 12)), ("12:30am", berlin(2026, 12, 1, 0, 30)),
    ],  # fmt: skip
)
def test_a_time_makes_an_instant_in_local_time(typed, due):
    parsed = parse_when(typed, NOW)
    assert parsed == due and parsed.tzinfo is UTC


def test_empty_text_is_no_date():
    assert parse_when("", NOW) is None and parse_when("  \t", NOW) is None


def test_a_weekday_is_never_today():
    friday = datetime(2026, 12, 4, 9, tzinfo=UTC)
    assert parse_when("fri", friday) == parse_when("next friday", friday) == date(2026, 12, 11)


def test_today_is_the_local_day_not_the_utc_one():
    late_evening = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 December in Berlin
    assert parse_when("today", late_evening) == date(2026, 12, 2)


def test_a_time_keeps_its_wall_clock_across_the_spring_dst_switch():
    saturday = datetime(2026, 3, 28, 9, tzinfo=UTC)  # CET; Sunday 29 March is CEST
    assert parse_when("9am", saturday) == datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert parse_when("tomorrow 9am", saturday) == datetime(2026, 3, 29, 7, tzinfo=UTC)


def test_a_time_the_clock_skips_moves_on_by_the_gap():
    assert parse_when("2026-03-29 02:30", NOW) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_a_time_shown_twice_as_dst_ends_is_written_with_its_offset():
    first, second = datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (format_when(first), format_when(second)) == ("2026-10-25 02:30+02:00", "2026-10-25 02:30+01:00")
    assert parse_when(format_when(first), NOW) == first and parse_when(format_when(second), NOW) == second


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25:00", "There is no time 25:00"), ("13pm", "There is no time 13pm"), ("0am", "There is no time 0am"),
        ("tomorrow 17:61", "There is no time 17:61"), ("2026-02-30", "There is no date 2026-02-30"),
        ("1899-12-31", "Dates must be between 1900 and 9999"), ("0000-01-01", "Dates must be between 1900 and 9999"),
        ("+9000y", "Dates must be between 1900 and 9999"), ("-200y", "Dates must be between 1900 and 9999"),
        ("in 999999 weeks", "Dates must be between 1900 and 9999"),
    ],  # fmt: skip
)
def test_an_impossible_date_or_time_says_what_is_wrong(typed, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        parse_when(typed, NOW)


@pytest.mark.parametrize(
    "typed", ["someday", "17", "th", "fr", "next", "in", "in 3", "in 3 parsecs", "+3x", "fri xyz", "24/12/2026", "may"]
)
def test_anything_else_lists_what_is_accepted_in_one_short_line(typed):
    with pytest.raises(ValueError, match="^Try today, tomorrow, fri, \\+3d") as raised:
        parse_when(typed, NOW)
    assert len(str(raised.value)) < 100 and "\n" not in str(raised.value)


def test_the_last_days_of_9999_overflow_into_a_message_not_a_crash():
    last = datetime(9999, 12, 31, 9, tzinfo=UTC)
    for typed in ("tomorrow", "fri", "next week", "next month", "next year", "sow", "som", "+1d", "in 2 days"):
        with pytest.raises(ValueError, match="^Dates must be between 1900 and 9999$"):
            parse_when(typed, last)
    assert parse_when("9999-12-31 23:59", last) == datetime(9999, 12, 31, 22, 59, tzinfo=UTC)
    assert parse_when("eoy", last) == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("words", "due", "taken"),
    [
        (["next", "fri", "5pm", "call"], berlin(2026, 12, 4, 17), 3), (["Tomorrow", "5pm"], berlin(2026, 12, 2, 17), 2),
        (["in", "3", "days", "please"], date(2026, 12, 4), 3), (["today"], date(2026, 12, 1), 1),
        (["friday", "x"], date(2026, 12, 4), 1), (["on", "fri"], date(2026, 12, 4), 2),
        (["by", "eom"], date(2026, 12, 31), 2),
        (["at", "noon"], berlin(2026, 12, 1, 12), 2), (["+3d"], date(2026, 12, 4), 1),
        (["tomorrow", "25:00"], date(2026, 12, 2), 1), (["2026-12-04", "5:30", "pm"], berlin(2026, 12, 4, 17, 30), 3),
    ],  # fmt: skip
)
def test_a_date_phrase_at_the_start_of_some_words(words, due, taken):
    assert parse_when_prefix(words, NOW) == (due, taken)


@pytest.mark.parametrize(
    "words",
    [[], ["call"], ["17"], ["3d"], ["Tom"], ["sow", "seeds"], ["fri"], ["sun"], ["may"], ["noon"], ["in"],
     ["on", "time"], ["2026-02-30"], ["next"], ["in", "3"], ["at", "home"]],
)  # fmt: skip
def test_ordinary_words_and_bare_numbers_are_never_a_date_phrase(words):
    assert parse_when_prefix(words, NOW) is None


@pytest.mark.parametrize(
    ("due", "shown"),
    [
        (date(2026, 12, 1), "today"), (berlin(2026, 12, 1, 17), "today 17:00"), (berlin(2026, 12, 1, 9), "today 09:00"),
        (date(2026, 12, 2), "tomorrow"), (berlin(2026, 12, 2, 9), "tomorrow 09:00"),
        (date(2026, 11, 30), "1 d overdue"), (berlin(2026, 11, 29, 9), "2 d overdue"),
        (date(2026, 12, 4), "in 3 d"), (berlin(2026, 12, 7, 17), "in 6 d 17:00"),
        (date(2026, 12, 8), "Tue 8 Dec"), (berlin(2026, 12, 11, 17), "Fri 11 Dec 17:00"),
        (date(2027, 9, 27), "Mon 27 Sep"), (date(2027, 12, 10), "Fri 10 Dec 2027"),
        (berlin(2027, 12, 10, 17), "Fri 10 Dec 2027"), (date(1900, 1, 1), "46355 d overdue"),
    ],  # fmt: skip
)
def test_a_due_in_a_list_column(due, shown):
    assert describe_due(due, NOW) == shown


@given(st.dates(date(1900, 1, 1)) | st.datetimes(datetime(1900, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC)))
@FAST
def test_a_due_in_a_list_column_never_takes_more_than_16_characters(due):
    assert len(describe_due(due, NOW)) <= 16


def test_a_due_in_full():
    assert describe_exact(date(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert describe_exact(berlin(2026, 12, 4, 17)) == "Fri 4 Dec 2026 17:00 CET"
    assert describe_exact(berlin(2026, 7, 4, 9, 5)) == "Sat 4 Jul 2026 09:05 CEST"


def test_the_preview_beside_a_date_field():
    assert preview_when("", NOW) == ""
    assert preview_when("fri", NOW) == "Fri 4 Dec 2026"
    assert preview_when("fri 5pm", NOW) == "Fri 4 Dec 2026 17:00 CET"
    assert preview_when("2026-02-30", NOW) == "There is no date 2026-02-30"


def test_the_text_put_back_in_a_field():
    assert format_when(date(2026, 12, 4)) == "2026-12-04"
    assert format_when(berlin(2026, 12, 4, 17)) == "2026-12-04 17:00"
    assert format_when(berlin(2026, 12, 4, 17, 0, 30)) == "2026-12-04 17:00:30"
    assert parse_when(format_when(berlin(2026, 12, 4, 17, 0, 30)), NOW) == berlin(2026, 12, 4, 17, 0, 30)


@given(st.dates(date(1900, 1, 1), date(9999, 12, 31)))
@FAST
def test_a_date_reads_back_as_itself(day):
    assert parse_when(format_when(day), NOW) == day


# Instants from 1900-01-02 to 9999-12-30 (UTC): within a day of the ends, the local day of an instant can fall
# outside 1900..9999, which parse_when refuses on purpose. Zones: a southern one, a half-hour one, one west of
# UTC, and Berlin's DST; instants in the hour that DST's end shows twice are written with their offset.
@given(
    st.datetimes(datetime(1900, 1, 2), datetime(9999, 12, 30), timezones=st.just(UTC)).map(
        lambda moment: moment.replace(second=0, microsecond=0)
    ),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Adelaide", "Asia/Kolkata"]),
)
@FAST
def test_an_instant_reads_back_as_itself_in_any_zone(moment, name):
    with zone(name):
        assert parse_when(format_when(moment), moment) == moment


@given(st.sampled_from([datetime(2026, 3, 28), datetime(2026, 10, 24)]), st.integers(0, 3 * 24 * 60))
@FAST
def test_an_instant_near_a_dst_switch_reads_back_as_itself(start, minutes):
    naive = start + timedelta(minutes=minutes)
    moment = naive.replace(second=0, microsecond=0, tzinfo=UTC)
    assert parse_when(format_when(moment), NOW) == moment


WORDS = st.sampled_from(
    ["today", "tom", "fri", "next", "in", "3", "days", "d", "+3d", "-1y", "5pm", "17:00", "25:00", "at", "on", "noon",
     "2026-12-04", "2026-02-30", "9999-12-31", "1900-01-01", "20261204T170000Z", "eom", "am", "pm", "x", "+999999y"]
)  # fmt: skip


EDGES = [NOW, datetime(9999, 12, 31, 12, tzinfo=UTC), datetime(1900, 1, 1, 12, tzinfo=UTC)]


@given(st.text() | st.lists(WORDS, max_size=5).map(" ".join), st.sampled_from(EDGES))
@FAST
def test_any_text_is_a_due_or_a_one_line_value_error(text, now):
    try:
        due = parse_when(text, now)
    except ValueError as error:
        assert str(error) and "\n" not in str(error) and len(str(error)) < 100
        return
    assert due is None or isinstance(due, date)
    if due is not None:
        assert describe_due(due, now) and describe_exact(due) and parse_when(format_when(due), now) == due


@given(st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=8))
@FAST
def test_a_prefix_is_never_longer_than_the_words_and_parses_whole(words):
    found = parse_when_prefix(words, NOW)
    if found is not None:
        due, taken = found
        assert 1 <= taken <= len(words)
        assert parse_when(" ".join(words[:taken]), NOW) == due
