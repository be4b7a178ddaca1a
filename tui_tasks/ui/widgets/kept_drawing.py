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
from rich.text import Text
from textual._segment_tools import line_crop
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.css.styles import RenderStyles
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

NOWHERE = Coordinate(-2, 0)  # a cursor on no row, not even the header's (-1)
DRAWN_KEPT = 2000  # rows whose drawing is kept past a clear_keeping_cells (the cells cached hold ~1,600)


def _drawn_as(cell: object) -> object:
    """What of a cell its drawing follows (Text compares its text and spans, not its own style)."""
    if isinstance(cell, Text):
        return cell.plain, cell.style, tuple(cell.spans), cell.justify, cell.overflow, cell.no_wrap
    return cell


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
    _keeping_cells = False  # while rows are put in again (clear_keeping_cells)
    _drawn: dict[str, tuple[int, tuple[object, ...]]] | None = None  # row key -> where it was drawn, and with what
    _drawn_count = -1  # DataTable's count (see _keep_drawn_rows) for which `_drawn` holds

    def clear_keeping_cells(self) -> None:
        """DataTable.clear, keeping the cells drawn of rows put in again the same and at the same place:
        End then Home drew a page never drawn in that table, 21 ms of a frame (the minimal app moves its
        cursor over rows drawn). A row put in elsewhere or otherwise has its cells forgotten (their
        drawing holds their row's index, which a click reads)."""
        self._keeping_cells = True
        try:
            self.clear()
        finally:
            self._keeping_cells = False

    def _clear_caches(self) -> None:
        # `_drawn` says where each row was drawn while the count is `_drawn_count`: DataTable moves the count
        # when it moves rows itself (remove_row: every row below goes up one, and is drawn there afresh)
        if not self._keeping_cells or self._update_count != self._drawn_count or len(self._drawn or ()) > DRAWN_KEPT:
            self._drawn = {}
            super()._clear_caches()
            self._drawn_count = self._update_count
            return
        cells = self._cell_render_cache
        self._cell_render_cache = LRUCache(cells.maxsize)
        try:
            super()._clear_caches()
        finally:
            self._cell_render_cache = cells

    def add_row(self, *cells: object, height: int | None = 1, key: str | None = None, label: object = None) -> RowKey:
        if key is not None:
            self.note_drawn(key, self.row_count, cells)
        return super().add_row(*cells, height=height, key=key, label=label)

    def note_drawn(self, key: str, index: int, cells: tuple[object, ...]) -> None:
        """Row `key` is at `index` with `cells` now: what was drawn of it elsewhere or otherwise is forgotten."""
        if self._drawn is None:
            self._drawn = {}
        drawn = (index, tuple(_drawn_as(cell) for cell in cells))
        if self._drawn.get(key, drawn) != drawn:
            self.forget_drawn_row(RowKey(key), index)
        self._drawn[key] = drawn

    def forget_drawn_row(self, row_key: RowKey, row_index: int | None) -> None:
        """Drop the cached drawing of one row (DataTable would drop every row's), and where it was drawn."""
        if self._drawn is not None:
            self._drawn.pop(row_key.value, None)
        for cache, is_row in (
            (self._cell_render_cache, lambda k: k[0] == row_key),
            (self._row_render_cache, lambda k: k[0] == row_key),
            (self._row_renderable_cache, lambda k: k[1] == row_index),
        ):
            for cache_key in [k for k in cache.keys() if is_row(k)]:
                cache.discard(cache_key)
        self._line_cache.clear()  # lines are cheap to put together again from the rows' drawings

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
