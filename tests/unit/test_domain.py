"""Due dates as people type them; stored text drawn visibly."""

from __future__ import annotations

from datetime import date

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_tasks.domain import parse_due, visible

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("", None), ("  ", None), ("today", WEDNESDAY), ("Tomorrow", date(2026, 11, 26)),
        ("+3d", date(2026, 11, 28)), ("+2w", date(2026, 12, 9)), ("+0d", WEDNESDAY),
        ("fri", date(2026, 11, 27)), ("monday", date(2026, 11, 30)), ("wed", date(2026, 12, 2)),
        ("2027-01-02", date(2027, 1, 2)), (" 2026-12-24 ", date(2026, 12, 24)),
    ],  # fmt: skip
)
def test_accepted_forms(typed, due):
    assert parse_due(typed, WEDNESDAY) == due


@pytest.mark.parametrize("typed", ["someday", "th", "+d", "+3x", "+99999d", "24/12/2026", "2026-13-01x"])
def test_anything_else_says_what_is_accepted(typed):
    with pytest.raises(ValueError, match="YYYY-MM-DD, today, tomorrow, \\+3d, \\+2w or a weekday"):
        parse_due(typed, WEDNESDAY)


def test_an_impossible_date_says_so():
    with pytest.raises(ValueError, match="There is no date 2026-02-30"):
        parse_due("2026-02-30", WEDNESDAY)


# --- invisible and direction characters are drawn as symbols ---------------------------------------------

HIDDEN = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
          "\u2066", "\u2067", "\u2068", "\u2069", "\u2060", "\ufeff", "\u00ad", "\u061c", "\U000e0041",
          "\u2028", "\u2029"]  # fmt: skip


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_and_direction_characters_are_drawn_as_a_symbol(char):
    assert visible(f"invoice{char}exe.txt") == "invoice\ufffdexe.txt"
    assert visible(f"two\nlines{char}", lines=True) == "two\nlines\ufffd"


def test_text_people_write_is_drawn_as_it_is():
    for text in ("plain — ünïcode 日本 🎉", "e\u0301 café", "עברית and العربية", "a\u00a0b", "tab\tand\nline"):
        assert visible(text, lines=True) == text
    assert visible("a\u00a0b") == "a\u00a0b"  # a no-break space is a space, not hidden


def drawn_badly(text: str, allowed: str = "") -> list[str]:
    return [c for c in text if c not in allowed and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


@given(st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]) | st.characters(categories=["Zs", "Mn", "Lo", "So"])
               | st.characters()))
def test_no_drawn_text_holds_a_control_invisible_or_direction_character(text):
    """Whatever is stored, what is drawn has no Cc, Cf, Zl or Zp character; a description keeps its lines."""
    assert drawn_badly(visible(text)) == []
    assert drawn_badly(visible(text, lines=True), allowed="\n\t") == []
    assert len(visible(text)) == len(text)  # one symbol a character: nothing is hidden by dropping it
