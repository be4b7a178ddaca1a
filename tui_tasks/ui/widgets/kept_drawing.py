"""What the task table has drawn, kept longer than DataTable keeps it (a mixin of `TaskTable`).

DataTable keys its caches of drawn cells, rows and lines on a count that every `add_row` moves, and rows
and lines on where the cursor is: at 100k tasks each PgUp back over rows seen drew them all again, after a
page came or merely because the cursor moved. Here rows appended keep what is drawn, a row is kept by
whether the cursor is on it, and the table's styles are looked up once a frame. What is painted stays,
line for line, what DataTable draws from nothing (tests/ui/test_table_drawing.py).
"""

from __future__ import annotations

from itertools import chain

from rich.style import Style
from textual._segment_tools import line_crop
from textual.coordinate import Coordinate
from textual.css.styles import RenderStyles
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable

NOWHERE = Coordinate(-2, 0)  # a cursor on no row, not even the header's (-1)


class _StylesSeen(RenderStyles):
    """A component's styles with their Rich style worked out once (see KeptDrawing.render_lines)."""

    def __init__(self, styles: RenderStyles, rich_style: Style) -> None:
        super().__init__(styles.node, styles.base, styles.inline)
        self._seen = rich_style

    @property
    def rich_style(self) -> Style:
        return self._seen


class KeptDrawing(DataTable):
    """DataTable's drawing with its caches kept past rows appended and cursor moves (row cursor only)."""

    _styles_seen: dict[str, object] | None = None  # while a frame is drawn (render_lines)

    def _keep_drawn_rows(self, count: int) -> None:
        """Rows appended change no row held, yet DataTable keys its caches of drawn cells on a count that
        each `add_row` moves: every page read drew all the rows again (PgUp back over rows seen, after a
        page came, 29 ms against 10 when they stayed drawn). The count goes back, and what follows the
        number of rows (line offsets, the rows in order) is dropped; a line kept is the same row's (a
        line past the last row, blank, is never kept)."""
        self._update_count = count
        self._offset_cache.clear()
        self._ordered_row_cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        """DataTable asks for its style (a walk up the DOM, blending backgrounds) once a line and for its
        rows' and header's component styles once a row, each a fresh merge: ~100 walks a frame, and the
        list sits five levels down. None of them can change within a frame: each is worked out once."""
        self._styles_seen = {}
        try:
            return super().render_lines(crop)
        finally:
            self._styles_seen = None

    @property
    def rich_style(self) -> Style:
        seen = self._styles_seen
        if seen is None:
            return super().rich_style
        if "" not in seen:
            seen[""] = super().rich_style
        return seen[""]

    def get_component_styles(self, *names: str) -> RenderStyles:
        seen = self._styles_seen
        if seen is None:
            return super().get_component_styles(*names)
        key = " ".join(names)
        if key not in seen:
            styles = super().get_component_styles(*names)
            seen[key] = _StylesSeen(styles, styles.rich_style)
        return seen[key]

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """DataTable's, its lines and rows kept by whether the cursor (or hover) is on them, not by where it
        is: a row the cursor is not on is drawn the same wherever it is, so it is passed to
        `_render_line_in_row` (whose cache follows what it is given) as nowhere. Each PgUp or PgDn drew
        every row shown again: 9-10 ms a frame, against 4-5 with them kept."""
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        if self.cursor_type != "row":
            return super()._render_line(y, x1, x2, base_style)
        row = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        cursor = self.cursor_coordinate if self.cursor_coordinate.row == row else NOWHERE
        hover = self.hover_coordinate if self.hover_coordinate.row == row else NOWHERE
        width = self.size.width
        key = (y, x1, x2, width, cursor, hover, base_style, self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        strip = self._line_cache.get(key)
        if strip is None:
            fixed, scrollable = self._render_line_in_row(row_key, line_no, base_style, cursor, hover)
            fixed_width = sum(column.get_render_width(self) for column in self.ordered_columns[: self.fixed_columns])
            segments = [*chain.from_iterable(fixed)] + line_crop([*chain.from_iterable(scrollable)], x1 + fixed_width, x2, width)
            strip = self._line_cache[key] = Strip(segments).adjust_cell_length(width, base_style).simplify()
        return strip
