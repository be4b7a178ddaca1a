"""The task table's columns for every width, from what the rows hold (ui/columns.py, no Textual)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_tasks.ui.columns import CAPS, PADDING, TITLE_MIN, plan_columns, priority_mark

FULL = {"title": 40, "priority": 6, "due": 14, "project": 10, "tags": 18}


def keys(width: int, needs=FULL) -> list[str]:
    return [key for key, _label, _width in plan_columns(width, needs)]


def widths(width: int, needs=FULL) -> dict[str, int]:
    return {key: w for key, _label, w in plan_columns(width, needs)}


def used(width: int, needs=FULL) -> int:
    return sum(w + PADDING for _key, _label, w in plan_columns(width, needs))


def test_at_200_columns_tags_are_as_wide_as_they_need_and_the_title_keeps_the_rest():
    needs = FULL | {"tags": 60}  # longer than the cap: there is room, so not cut
    got = widths(200, needs)
    assert got["tags"] == 60 and got["project"] == 10 and got["due"] == 14 and got["priority"] == len("Priority")
    assert got["title"] > 60 and used(200, needs) == 200


def test_columns_drop_in_the_stated_order_as_the_table_narrows():
    seen = []
    for width in range(200, 20, -1):
        shown = keys(width)
        if shown not in seen:
            seen.append(shown)
    assert seen == [
        ["done", "title", "priority", "due", "project", "tags"],
        ["done", "title", "priority", "due", "tags"],  # project first
        ["done", "title", "priority", "due"],  # then tags
        ["done", "title", "due"],  # then priority (a mark before the title)
    ]


def test_at_60_columns_the_title_gets_far_more_than_12_characters():
    assert widths(58)["title"] >= 24


def test_columns_nothing_holds_are_not_shown():
    assert keys(120, {"title": 30, "due": 11}) == ["done", "title", "due"]


def test_a_column_is_as_wide_as_its_content_and_its_short_label_within_its_cap():
    tight = plan_columns(46, {"title": 30, "priority": 4, "due": 2})  # no room to spare
    assert tight == (("done", " ", 1), ("title", "Title", 30), ("priority", "Pri", 4), ("due", "Due", 3))
    roomy = dict((k, (label, w)) for k, label, w in plan_columns(120, {"title": 30, "priority": 4, "due": 2, "project": 50}))
    assert roomy["priority"] == ("Priority", 8) and roomy["due"] == ("Due", 3)
    assert roomy["project"] == ("Project", 50)  # room left: past its cap


def test_priority_marks():
    assert [priority_mark(level) for level in range(4)] == ["", "!", "!!", "!!!"]


@given(width=st.integers(20, 260), needs=st.dictionaries(st.sampled_from(["title", *CAPS]), st.integers(0, 300)))
def test_the_columns_never_need_more_than_the_width_while_the_title_has_its_minimum(width, needs):
    got = widths(width, needs)
    assert got["title"] >= TITLE_MIN and "done" in got
    if used(width, needs) > width:  # only when even the minimum title and due do not fit
        assert set(got) <= {"done", "title", "due"} and got["title"] == TITLE_MIN
    if needs.get("due", 0) > 0 and width >= 40:
        assert "due" in got  # the due never drops
