"""The bulk-edit dialog's fields read into one edit: empty keeps, `-` clears, bad text names its field."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tui_tasks.changes import KEEP
from tui_tasks.domain import Priority
from tui_tasks.ui.bulk_fields import BulkText, read_bulk
from tui_tasks.ui.form_fields import FieldError

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)  # a Wednesday


def test_empty_fields_keep_and_a_dash_clears() -> None:
    edit = read_bulk(BulkText(priority="high", due="-", project="", add_tags="#work errand", parent="-"), NOW)
    assert (edit.priority, edit.due, edit.project, edit.wait, edit.parent_id) == (Priority.HIGH, None, KEEP, KEEP, None)
    assert edit.add_tags == ("work", "errand") and edit.remove_tags == ()


def test_dates_and_a_parent_are_read_as_the_form_reads_them() -> None:
    edit = read_bulk(BulkText(due="fri", wait="2026-12-24", parent="#12"), NOW)
    assert (edit.due, edit.wait, edit.parent_id) == (date(2026, 12, 4), date(2026, 12, 24), 12)


@pytest.mark.parametrize(("text", "field", "words"), [
    (BulkText(), "priority", "Nothing to change"),
    (BulkText(due="someday maybe"), "due", ""),
    (BulkText(parent="twelve"), "parent", "task number"),
    (BulkText(add_tags="a", remove_tags="#a"), "remove_tags", "both added and removed"),
    (BulkText(priority="urgent"), "priority", "keep, none, low"),
])  # fmt: skip
def test_text_that_means_nothing_names_its_field(text: BulkText, field: str, words: str) -> None:
    with pytest.raises(FieldError) as caught:
        read_bulk(text, NOW)
    assert caught.value.field == field and words in caught.value.message and "\n" not in caught.value.message
