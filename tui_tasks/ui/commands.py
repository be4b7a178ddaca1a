"""The command palette: every key binding of the screen it was opened from, as a command, and the
screen's commands that have no key, where they apply."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    """Commands named "Screen: action", generated from the screen's bindings (nothing hand-kept)."""

    def _commands(self) -> Iterator[tuple[str, object, str]]:
        screen = self.screen
        category = getattr(screen, "COMMAND_CATEGORY", None)
        if category is None:
            return
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                key = self.app.get_key_display(Binding(binding.key.split(",")[0], binding.action))
                yield f"{category}: {binding.description}", partial(screen.run_action, binding.action), f"key: {key}"
        for description, action in getattr(screen, "PALETTE_ONLY", ()):
            if screen.check_action(action.split("(")[0], ()):  # offered only where it applies (a repeating task)
                yield f"{category}: {description}", partial(screen.run_action, action), "no key"

    async def discover(self) -> Hits:
        for title, run, help_text in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, run, help_text in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
