"""The filter language's parser: every form, its spans, its errors, and never an exception."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import Priority
from tui_tasks.filter_language import highlights, parse_filter

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)  # a Monday
TODAY = date(2026, 6, 15)


def terms(text: str) -> list[tuple]:
    parsed = parse_filter(text, NOW)
    assert parsed.errors == (), parsed.errors
    return [(t.kind, t.value, t.negated) for t in parsed.terms]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("project:work", [("project", "work", False)]),
        ("pro:work", [("project", "work", False)]),
        ("PROJECT:Work", [("project", "Work", False)]),
        ("project:none", [("project", None, False)]),
        ('project:"my work"', [("project", "my work", False)]),
        ('project:"none"', [("project", "none", False)]),  # a project named "none", quoted
        ("#Wor", [("tag", "wor", False)]),
        ("-#home", [("tag", "home", True)]),
        ("!high !h !medium !m !low !l !none", [("priority", p, False) for p in
         (Priority.HIGH, Priority.HIGH, Priority.MEDIUM, Priority.MEDIUM, Priority.LOW, Priority.LOW, Priority.NONE)]),
        ("due:today", [("due", ("on", TODAY), False)]),
        ("due:tomorrow", [("due", ("on", date(2026, 6, 16)), False)]),
        ("due:overdue", [("due", ("overdue", None), False)]),
        ("due:none", [("due", ("none", None), False)]),
        ("due<=fri", [("due", ("until", date(2026, 6, 19)), False)]),
        ("due<2026-12-24", [("due", ("before", date(2026, 12, 24)), False)]),
        ("due>=eom", [("due", ("from", date(2026, 6, 30)), False)]),
        ("due>today", [("due", ("after", TODAY), False)]),
        ("due:in 2 weeks", [("due", ("on", date(2026, 6, 29)), False)]),
        ('due<"in 2 weeks" milk', [("due", ("before", date(2026, 6, 29)), False), ("text", "milk", False)]),
        ("due:fri milk", [("due", ("on", date(2026, 6, 19)), False), ("text", "milk", False)]),
        ("-due:today", [("due", ("on", TODAY), True)]),
        ("is:done is:pending is:waiting is:blocked is:recurring",
         [("is", s, False) for s in ("done", "pending", "waiting", "blocked", "recurring")]),
        ("-is:done", [("is", "done", True)]),
        ("-word", [("text", "word", True)]),
        ('"two words" -"not this"', [("text", "two words", False), ("text", "not this", True)]),
        ('"still typing', [("text", "still typing", False)]),
        ("milk 10:30 a<b # ! -", [("text", w, False) for w in ("milk", "10:30", "a<b", "#", "!", "-")]),
        ('""', []),
    ],
)
def test_each_form_is_read(text, expected):
    assert terms(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prio:high", "unknown field 'prio' — try project:, #tag, !high, due:, is:"),
        ("!urgent", "unknown priority '!urgent' — try !high, !medium, !low, !none"),
        ("is:later", "unknown state 'later' — try is:done, is:pending, is:waiting, is:blocked, is:recurring"),
        ("due:", "due: needs a day — try today, tomorrow, overdue, none, fri, 2026-12-24 or in 2 weeks"),
        ("due:soonish", "not a day: 'soonish' — try today, tomorrow, fri, +3d, in 2 weeks, eom, 2026-12-04 or tomorrow 5pm"),
        ("due:2026-02-30", "not a day: '2026-02-30' — there is no date 2026-02-30"),
        ("due<overdue", "due<overdue cannot be compared — write due:overdue"),
        ("project:", "project: needs a name, or none"),
        ("is<done", "only due can be compared with < — write is:"),
    ],
)
def test_a_mistake_is_one_clear_line_and_the_token_is_searched_as_text(text, message):
    parsed = parse_filter(f"milk {text}", NOW)
    [error] = parsed.errors
    assert error.message == message
    assert (error.start, error.end) == (5, 5 + len(text))
    assert [(t.kind, t.value) for t in parsed.terms] == [("text", "milk"), ("text", text)]


def test_spans_point_at_the_tokens():
    text = '  project:work   -#home due:in 2 weeks "a b"'
    parsed = parse_filter(text, NOW)
    assert [text[t.start:t.end] for t in parsed.terms] == ["project:work", "-#home", "due:in 2 weeks", '"a b"']


def test_highlights_colour_fields_and_show_the_first_error():
    shown = highlights("milk project:work prio:x !zz", NOW)
    assert shown.spans == ((5, 17, "project"),)
    assert shown.error is not None and shown.error.message.startswith("unknown field 'prio'")
    assert highlights("milk -x", NOW).spans == ((5, 7, "negated"),)


def test_plain_searches_are_only_words_and_tag_prefixes():
    assert parse_filter("milk #err ab", NOW).plain
    for text in ("-milk", "!high", '"milk"', "project:x", "prio:x", "due:today"):
        assert not parse_filter(text, NOW).plain, text


pieces = st.sampled_from(["project:", "pro:", "due", ":", "<", "<=", ">", ">=", "is:", "#", "!", "-", '"', " ",
                          "today", "fri", "in", "2", "weeks", "none", "overdue", "done", "waiting", "work", "h",
                          "9999-12-31", "1900-01-01", "2026-02-30", "eom", "5pm", "+3d", "-3d", "\t", "ö", "%"])


@settings(max_examples=400, deadline=None)
@given(text=st.lists(pieces, max_size=12).map("".join) | st.text(max_size=40))
@example(text="due:9999-12-31 due>9999-12-31 due<1900-01-01")
@example(text='due:"in 2')
@example(text="-")
def test_any_text_gives_a_filter_or_errors_never_an_exception(text):
    parsed = parse_filter(text, NOW)
    spans = [(t.start, t.end) for t in parsed.terms]
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, apart
    for error in parsed.errors:
        assert 0 <= error.start < error.end <= len(text) and "\n" not in error.message
        assert any(t.start == error.start for t in parsed.terms)  # searched as text meanwhile
    shown = highlights(text, NOW)
    assert shown.error == parsed.first_error


def test_the_search_box_limit_is_the_services() -> None:
    from tui_tasks.filter_language import SEARCH_MAX
    from tui_tasks.services.validation import TITLE_MAX

    assert SEARCH_MAX == TITLE_MAX
