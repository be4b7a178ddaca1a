"""The list header drops whole parts to fit, never a cut phrase (ui/header_text.py, no Textual)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tui_tasks.domain import TaskCounts
from tui_tasks.ui.header_text import header_text

COUNTS = TaskCounts(total=15, pending=13, done=2, overdue=2, due_today=3)
FULL = "Ada Lovelace  ·  13 pending · 2 done · 2 overdue · 3 due today"


def test_everything_fits_at_80_columns():
    assert header_text("Ada Lovelace", COUNTS, 78) == FULL


def test_parts_go_whole_in_the_stated_order():
    widths = range(len(FULL), 0, -1)
    seen = list(dict.fromkeys(header_text("Ada Lovelace", COUNTS, w) for w in widths))
    assert seen[:6] == [
        FULL,
        "Ada Lovelace  ·  13 pending · 2 overdue · 3 due today",  # done first
        "13 pending · 2 overdue · 3 due today",  # then the name
        "13 pending · 2 overdue",
        "13 pending",
        "13 pendi…",  # only when not even one part fits
    ]


def test_the_view_and_the_selection_stay_longest():
    text = header_text("Ada Lovelace", COUNTS, 30, view_name="Today", selected=1000)
    assert text == "Today · 1,000 selected"
    assert header_text("Ada Lovelace", COUNTS, 14, view_name="Today", selected=1000) == "1,000 selected"


def test_before_the_counts_arrive_the_name_shows_alone():
    assert header_text("Ada Lovelace", None, 38) == "Ada Lovelace"
    assert header_text("Ada Lovelace", None, 38, view_name="Inbox") == "Inbox · Ada Lovelace"


@given(name=st.text(min_size=1, max_size=80).filter(str.isprintable), width=st.integers(1, 250),
       selected=st.integers(0, 200_000), view=st.one_of(st.none(), st.text(min_size=1, max_size=30).filter(str.isprintable)))  # fmt: skip
def test_never_wider_than_asked(name, width, selected, view):
    text = header_text(name, COUNTS, width, view_name=view, selected=selected)
    assert cell_len(text) <= width
    if not text.endswith("…"):
        for phrase in text.split(" · "):  # every phrase shown is one of the parts, whole
            parts = {name, view or "", f"{selected:,} selected", "13 pending", "2 done", "2 overdue", "3 due today"}
            assert phrase.strip() in {part.strip() for part in parts} or "  ·  " in phrase  # (a name of spaces)
