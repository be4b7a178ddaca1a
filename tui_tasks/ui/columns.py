"""The task table's columns for a width and for what the rows held contain, without Textual.

Each column but the title is as wide as its longest cell among the rows held (at least its short label),
up to a cap: priority 6 ("medium"), due 16 (`describe_due`'s longest), project 16, tags 24. The title takes
the rest. Room left once the title has all it needs goes to tags, then project, past their caps, so a
long tag list is never cut beside empty columns; then to headings ("Priority" for "Pri"). A column no row
has anything in is not shown.

When the title would get less than TITLE_FLOOR (or its longest cell, if shorter), columns drop in this
order, each only if still short: **project first, then tags, then priority** (its mark then goes in front
of the title: "!" low, "!!" medium, "!!!" high). The due column never drops: below that it gives up
width down to DUE_MIN, and then the title gets what is left (at least TITLE_MIN). The done column
(key "done", 1 wide; "●" marks a selected row) always shows.
"""

from __future__ import annotations

from collections.abc import Mapping

Column = tuple[str, str, int | None]  # key, label, width (None only before the table knows its width)

PADDING = 2  # a DataTable cell's padding, one each side
ORDER = ("done", "title", "priority", "due", "project", "tags")
LABELS = {"done": (" ", " "), "title": ("Title", "Title"), "priority": ("Priority", "Pri"),
          "due": ("Due", "Due"), "project": ("Project", "Proj"), "tags": ("Tags", "Tags")}  # fmt: skip
CAPS = {"priority": 6, "due": 16, "project": 16, "tags": 24}
DROP_ORDER = ("project", "tags", "priority")
GROW_ORDER = ("tags", "project")  # who gets room the title does not need, past its cap
TITLE_FLOOR = 24
TITLE_MIN = 8
DUE_MIN = 8


def plan_columns(width: int, needs: Mapping[str, int]) -> tuple[Column, ...]:
    """The columns, in table order, for a table `width` cells wide whose rows need `needs[key]` cells in
    column `key` (0 or missing: nothing to show; "title" is the longest title cell)."""
    wanted = {key: min(max(needs.get(key, 0), len(LABELS[key][1])), CAPS[key])
              for key in CAPS if needs.get(key, 0) > 0}  # fmt: skip
    title_need = max(needs.get("title", 0), len(LABELS["title"][0]))
    floor = max(TITLE_MIN, min(TITLE_FLOOR, title_need))

    def title_room() -> int:
        return width - (1 + PADDING) - PADDING - sum(w + PADDING for w in wanted.values())

    for key in DROP_ORDER:
        if title_room() >= floor:
            break
        wanted.pop(key, None)
    if "due" in wanted and title_room() < TITLE_MIN:
        wanted["due"] = max(DUE_MIN, wanted["due"] - (TITLE_MIN - title_room()))
    spare = title_room() - max(title_need, TITLE_FLOOR)
    for key in GROW_ORDER:
        if key in wanted and spare > 0:
            extra = min(spare, needs[key] - wanted[key])
            if extra > 0:
                wanted[key] += extra
                spare -= extra
    for key in wanted:  # full headings where the room allows
        extra = len(LABELS[key][0]) - wanted[key]
        if 0 < extra <= spare:
            wanted[key] += extra
            spare -= extra
    widths = {"done": 1, "title": max(TITLE_MIN, title_room()), **wanted}
    return tuple((key, label_for(key, widths[key]), widths[key]) for key in ORDER if key in widths)


def label_for(key: str, width: int) -> str:
    """The column's heading: in full when it fits, else its short form."""
    full, short = LABELS[key]
    return full if len(full) <= width else short


def priority_mark(level: int) -> str:
    """The mark put before a title when the priority column is not shown: one "!" per level (0: none)."""
    return "!" * level
