"""The task form's text, both ways: a draft shown as text reads back as the same draft; typed text refused
with the field it is in."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tui_tasks.domain import Priority, Recurrence, TaskDraft
from tui_tasks.ui.form_fields import FieldError, FormText, preview_repeat, preview_when, read_form, repeat_text, text_of

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def test_a_draft_shown_as_text_reads_back_as_the_same_draft() -> None:
    draft = TaskDraft(
        "Pack", "notes", Priority.HIGH, datetime(2026, 3, 13, 17, 0, 30, tzinfo=timezone.utc), "home", ("a", "b"),
        date(2026, 3, 12), 4, (5, 6), Recurrence("FREQ=MONTHLY;BYDAY=-1FR"),
    )  # fmt: skip
    text = text_of(draft)
    assert (text.due, text.wait, text.repeat, text.parent, text.depends) == (
        "2026-03-13 17:00:30", "2026-03-12", "every month on the last Fri", "4", "5, 6",
    )  # fmt: skip
    assert read_form(text, NOW) == draft
    assert read_form(text, NOW, draft) == draft


def test_a_rule_whose_words_do_not_read_back_is_shown_as_the_rule() -> None:
    rec = Recurrence("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270131")
    assert repeat_text(rec) == rec.rule
    assert read_form(FormText(title="x", repeat=rec.rule), NOW).recurrence == rec


def test_an_untouched_repeat_keeps_the_original_rule_exactly() -> None:
    original = TaskDraft("x", due=date(2026, 3, 13), recurrence=Recurrence("FREQ=DAILY;UNTIL=20260401"))
    assert read_form(text_of(original), NOW, original).recurrence == original.recurrence


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [("parent", "0", "Parent must be a task number"), ("depends", "1 99999999999", "Depends on takes task numbers"),
     ("due", "someday", "Try today"), ("repeat", "sometimes", "Try daily")],
)  # fmt: skip
def test_typed_text_that_means_nothing_names_its_field(field: str, typed: str, message: str) -> None:
    with pytest.raises(FieldError) as raised:
        read_form(FormText(title="x", **{field: typed}), NOW)
    assert raised.value.field == field and raised.value.message.startswith(message)


def test_previews() -> None:
    assert preview_when("", NOW) == ("", True)
    assert preview_when("fri", NOW) == ("Fri 13 Mar 2026", True)
    assert preview_when("1899-12-31", NOW) == ("Dates must be between 1900 and 9999", False)
    assert preview_repeat("", "", NOW) == ("does not repeat", True)
    assert preview_repeat("every 2 weeks", "fri", NOW) == ("every 2 weeks, next Fri 27 Mar", True)
    assert preview_repeat("3 days after done", "", NOW) == ("every 3 days after done", True)
    assert preview_repeat("every blue moon", "", NOW)[1] is False
