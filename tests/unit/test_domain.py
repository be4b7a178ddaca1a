"""Due dates as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from tui_tasks.domain import parse_due

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
