"""One typed line becomes a task: title words, #tags, !priority, key:value fields, repeats and natural dues."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_dates import zone
from tui_tasks.domain import Priority, Recurrence
from tui_tasks.quickadd import NO_TITLE, QuickAdd, parse_quick_add

UTC = timezone.utc
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)  # Tuesday 1 December 2026, 10:00 in Berlin
FAST = settings(max_examples=200, deadline=None)


@pytest.fixture(autouse=True, scope="module")
def _berlin():
    with zone("Europe/Berlin"):
        yield


def berlin(*args: int) -> datetime:
    with zone("Europe/Berlin"):
        return datetime(*args).astimezone().astimezone(UTC)


def parsed(text: str) -> QuickAdd:
    result = parse_quick_add(text, NOW)
    assert result.error is None, result.error
    return result


def kinds(result: QuickAdd, text: str) -> list[tuple[str, str]]:
    return [(token.kind, text[token.start : token.end]) for token in result.tokens]


def test_water_plants_every_3_days():
    text = "Water plants every 3 days due:today #home !high"
    result = parsed(text)
    draft = result.draft
    assert (draft.title, draft.due, draft.tags) == ("Water plants", date(2026, 12, 1), ("home",))
    assert (draft.priority, draft.recurrence) == (Priority.HIGH, Recurrence("FREQ=DAILY;INTERVAL=3"))
    assert kinds(result, text) == [
        ("recur", "every 3 days"), ("due", "due:today"), ("tag", "#home"), ("priority", "!high")]  # fmt: skip
    assert result.preview(NOW) == "“Water plants” · due today · every 3 days · #home · !high"


def test_pay_rent_every_month_on_the_1st():
    draft = parsed("Pay rent every month on the 1st due:2026-12-01 project:home").draft
    assert (draft.title, draft.due, draft.project) == ("Pay rent", date(2026, 12, 1), "home")
    assert draft.recurrence == Recurrence("FREQ=MONTHLY;BYMONTHDAY=1")


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Call mom tomorrow 5pm", "Call mom", berlin(2026, 12, 2, 17)),
        ("Call Tom on fri", "Call Tom", date(2026, 12, 4)),
        ("Review next fri 9am with Ann", "Review with Ann", berlin(2026, 12, 4, 9)),
        ("Renew passport in 3 days", "Renew passport", date(2026, 12, 4)),
        ("today Clean up", "Clean up", date(2026, 12, 1)),
        ("Lunch at noon", "Lunch", berlin(2026, 12, 1, 12)), ("Pay by friday", "Pay", date(2026, 12, 4)),
        ("Plan next week", "Plan", date(2026, 12, 7)),
        ("Buy milk today or tomorrow", "Buy milk or tomorrow", date(2026, 12, 1)),
    ],  # fmt: skip
)
def test_a_natural_due_phrase_among_the_words(text, title, due):
    draft = parsed(text).draft
    assert (draft.title, draft.due) == (title, due)


@pytest.mark.parametrize(
    "text",
    ["Go sun", "Ask may", "Call Tom", "Sow seeds", "Buy 3 apples", "Print 3d model", "Meet at home", "Get in shape",
     "Pick up at 5", "Wed plans"],
)  # fmt: skip
def test_ordinary_words_are_not_dates(text):
    draft = parsed(text).draft
    assert (draft.title, draft.due) == (text, None)


def test_an_explicit_due_wins_over_phrases_which_stay_in_the_title():
    draft = parsed("Meet tomorrow team due:fri").draft
    assert (draft.title, draft.due) == ("Meet tomorrow team", date(2026, 12, 4))


def test_quoted_words_stay_in_the_title_verbatim():
    text = "Read \"next friday\" notes and 'due:today #x'"
    result = parsed(text)
    draft = result.draft
    assert (draft.title, draft.due, draft.tags) == ("Read next friday notes and due:today #x", None, ())
    assert kinds(result, text) == [("quoted", '"next friday"'), ("quoted", "'due:today #x'")]


@pytest.mark.parametrize(
    ("text", "title"),
    [("Fix Bob's bike", "Fix Bob's bike"), ("'tis the season", "'tis the season"), ('Say "hi', 'Say "hi'),
     ("Fix bug #5", "Fix bug #5"), ("Fix \\#home", "Fix #home"), ("Note: buy milk", "Note: buy milk"),
     ("See http://x.org", "See http://x.org"), ("Read every chapter", "Read every chapter"), ("+1 idea", "+1 idea")],
)  # fmt: skip
def test_apostrophes_lone_quotes_and_unknown_keys_are_title(text, title):
    assert parsed(text).draft.title == title


def test_submit_report_in_taskwarrior_style():
    draft = parsed("Submit report +work pri:H due:eom").draft
    assert (draft.title, draft.tags, draft.priority) == ("Submit report", ("work",), Priority.HIGH)
    assert draft.due == date(2026, 12, 31)


def test_every_field():
    text = 'Sub task proj:"Home stuff" #A #b #a !m wait:mon parent:12 depends:3,4 dep:4,5 recur:weekdays due:"fri 5pm"'
    draft = parsed(text).draft
    assert (draft.title, draft.project, draft.tags) == ("Sub task", "Home stuff", ("a", "b"))
    assert draft.priority == Priority.MEDIUM
    assert (draft.wait, draft.parent_id, draft.depends) == (date(2026, 12, 7), 12, (3, 4, 5))
    assert (draft.recurrence.rule, draft.due) == ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", berlin(2026, 12, 4, 17))
    assert parse_quick_add(text, NOW).preview(NOW) == (
        "“Sub task” · due in 3 d 17:00 · every weekday · wait in 6 d · project Home stuff · #a #b · !medium"
        " · under #12 · after #3, #4, #5"
    )


def test_the_every_phrase_stops_where_a_repeat_stops():
    draft = parsed("Standup every weekday until 2027-01-31 at the office").draft
    assert draft.title == "Standup at the office"
    assert draft.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270131"
    assert parsed("Read every chapter").draft.title == "Read every chapter"  # not a repeat: left as words
    assert parse_quick_add("Stretch every 2 hours", NOW).error.startswith("Try daily")  # meant as one: say so
    assert parsed('Stretch "every 2 hours"').draft.title == "Stretch every 2 hours"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", NO_TITLE), ("   ", NO_TITLE), ("#home !high due:today", NO_TITLE), ('""', NO_TITLE),
        ("Buy due:xyz", "due: Try today, tomorrow"), ("Buy due:2026-02-30", "due: There is no date 2026-02-30"),
        ("Buy wait:25:00", "wait: There is no time 25:00"), ("Due: tomorrow", "due: needs a value"),
        ("Buy pri:x", "priority: is h, m or l"), ("Buy parent:0", "parent: takes a task number"),
        ("Buy depends:1,x", "depends: takes task numbers"), ("Buy recur:sometimes", "Try daily"),
        ("Buy every 3 dayz", "Try daily"), ("Buy every day until 2026-02-30", "There is no date 2026-02-30"),
    ],  # fmt: skip
)
def test_what_cannot_be_a_task_says_why_in_one_line(text, error):
    result = parse_quick_add(text, NOW)
    assert result.draft is None and result.error.startswith(error) and "\n" not in result.error
    assert result.preview(NOW) == result.error


# --- properties -----------------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["Water", "plants", "every", "3", "days", "day", "weekday", "month", "on", "the", "1st", "last", "fri", "due:today",
     "due:", 'due:"tomorrow', '5pm"', "#home", "+work", "#", "+3d", "!high", "!", "pri:H", "project:x", "pro:",
     "wait:mon", "parent:12", "depends:3,4", "dep:x", "recur:weekly", "tomorrow", "next", "in", "at", "noon", "5pm",
     '"', "'", "“", "”", '"quoted words"', "\\#5", "until", "2027-01-31", "after", "done", "Note:", "http://x",
     "\x1b", "\x00", "\n", "\t", " ", "é", "🎉"]
)  # fmt: skip
LINES = st.text() | st.lists(PIECES, max_size=14).map(" ".join) | st.lists(PIECES, max_size=14).map("".join)


@given(LINES)
@FAST
def test_any_line_is_a_task_or_a_one_line_error_with_tokens_inside_the_text(text):
    result = parse_quick_add(text, NOW)
    if result.draft is None:
        assert isinstance(result.error, str) and result.error and "\n" not in result.error
    else:
        title = result.draft.title
        assert result.error is None and title and title == title.strip()
        unquoted = not any(token.kind == "quoted" for token in result.tokens)
        if unquoted:  # no tag, priority or field is left in a title of plain words (phrases may form anew:
            # "every #a day" has the title "every day", and a second date phrase stays a title)
            again = parse_quick_add(title, NOW)
            assert not {token.kind for token in again.tokens} - {"due", "recur"}
        assert isinstance(result.preview(NOW), str)
    previous_end = 0
    for token in result.tokens:
        assert previous_end <= token.start < token.end <= len(text)
        previous_end = token.end


def test_a_huge_line_is_quick():
    text = ("word 'open \"x every day every x " * 4_000) + "#tag"
    result = parse_quick_add(text, NOW)
    assert result.draft is not None and result.draft.tags == ("tag",)


@pytest.mark.parametrize(
    ("text", "title", "hour"),
    [("Stand-up due:today 9:00 #work", "Stand-up", 9), ("Stand-up due:tomorrow 5pm", "Stand-up", 17),
     ("Pay due:2026-12-04 notes", "Pay notes", None)],
)  # fmt: skip
def test_a_time_after_a_due_day_belongs_to_the_due(text, title, hour):
    """`due:today 9:00` is the time of that due, not a word of the title; a word that is not a time is."""
    from datetime import datetime as moment

    quick = parse_quick_add(text, NOW)
    assert quick.draft is not None and quick.draft.title == title
    if hour is None:
        assert not isinstance(quick.draft.due, moment)
    else:
        assert isinstance(quick.draft.due, moment) and quick.draft.due.astimezone().hour == hour
