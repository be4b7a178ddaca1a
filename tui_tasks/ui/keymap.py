"""The [keys] table of config.toml checked against the app's real bindings (config.py checked its form).

An id no binding has, or a key that would then do two things on one screen, is left out with one
line that says so; every other entry goes to `App.set_keymap`. The bindings are read from the
classes themselves (every `Binding` has an `id=`), so this list never goes out of date.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _normalize_key_list
from textual.message import Message

import tui_tasks.ui
from tui_tasks.config import Settings


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a set of bindings is in force together: a screen or widget of ours, with the app's keys."""

    name: str
    bindings: tuple[Binding, ...]


def our_classes() -> list[type[DOMNode]]:
    """Every screen, widget and app class of tui_tasks.ui (importing each module once)."""
    for module in pkgutil.walk_packages(tui_tasks.ui.__path__, "tui_tasks.ui."):
        importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    pending = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("tui_tasks.") and cls not in found:
            found.append(cls)
    return found


def _bindings_of(cls: type[DOMNode]) -> tuple[Binding, ...]:
    """The bindings with an id that `cls` declares or inherits (nearest class first)."""
    seen: dict[str, Binding] = {}
    for base in cls.__mro__:
        for binding in Binding.make_bindings(getattr(base, "BINDINGS", ()) if "BINDINGS" in vars(base) else ()):
            if binding.id and binding.id not in seen:
                seen[binding.id] = binding
    return tuple(seen.values())


def scopes(classes: Iterable[type[DOMNode]], app_class: type[DOMNode]) -> list[Scope]:
    """One scope per class with bindings of its own; the app's bindings are in force in each."""
    app_bindings = _bindings_of(app_class)
    found = [Scope(app_class.__name__, app_bindings)]
    for cls in classes:
        own = _bindings_of(cls)
        if own and cls is not app_class and not issubclass(cls, app_class):
            app_ids = {b.id for b in own}
            found.append(Scope(cls.__name__, own + tuple(b for b in app_bindings if b.id not in app_ids)))
    found.extend(_question_scopes(found))
    return found


def _question_scopes(found: list[Scope]) -> list[Scope]:
    """The questions asked with a ChoiceScreen bind their answers' keys in its __init__, unseen in any
    BINDINGS: one scope per question, its answers' keys fixed (no id: [keys] does not move them), so that
    its cancel rebound onto one of them ("choice.cancel" = "1", the snooze's 10 min) is found to clash."""
    from tui_tasks.ui.reminders import SNOOZES
    from tui_tasks.ui.screens.task_form import SERIES_CHOICES

    choice = next((scope for scope in found if scope.name == "ChoiceScreen"), None)
    if choice is None:
        return []
    questions = {
        "the snooze question": [(answer, str(n)) for n, answer in enumerate(SNOOZES, 1)],  # as SnoozeScreen binds them
        "the series question": [(answer, key) for answer, _label, key in SERIES_CHOICES],
    }
    return [
        Scope(name, choice.bindings + tuple(Binding(key, f"choose({answer!r})") for answer, key in answers))
        for name, answers in questions.items()
    ]


def check_keymap(
    keymap: Mapping[str, str], scopes: list[Scope], source: str
) -> tuple[dict[str, str], list[str]]:
    """The entries of `keymap` to apply, and one line per entry left out (unknown id, or a clash)."""
    known = {b.id for scope in scopes for b in scope.bindings}
    problems: list[str] = []
    kept = {}
    for binding_id, keys in keymap.items():
        if binding_id in known:
            kept[binding_id] = _normalize_key_list(keys)
        else:
            problems.append(f"{source}: [keys] {binding_id!r}: no key has this id (? in the app lists the keys); ignored")
    while True:  # drop one clashing entry at a time, until nothing clashes
        clash = _first_clash(kept, scopes)
        if clash is None:
            return kept, problems
        dropped, other, key, scope = clash
        del kept[dropped]
        problems.append(
            f"{source}: [keys] {dropped!r}: {key!r} is already {other!r} on {scope}; using its default key"
        )


def _first_clash(keymap: Mapping[str, str], scopes: list[Scope]) -> tuple[str, str, str, str] | None:
    """(an id of the keymap, the other id, the key, the scope) for the first key that would do two things."""
    for scope in scopes:
        holder: dict[str, Binding] = {}
        for binding in scope.bindings:
            keys = keymap.get(binding.id) or _normalize_key_list(binding.key)  # type: ignore[arg-type]
            for key in keys.split(","):
                other = holder.setdefault(key, binding)
                if other is binding or other.action.removeprefix("app.") == binding.action.removeprefix("app."):
                    continue  # the same binding, or a screen's key for the app's own action (quit)
                if binding.id not in keymap and other.id not in keymap:
                    continue  # a clash of the defaults is the code's, not the config's
                mine = binding.id if binding.id in keymap else other.id
                theirs = other.id if mine == binding.id else binding.id
                return mine, theirs or f"the answer {key}", key, scope.name  # type: ignore[return-value]
    return None


class KeymapChecked(Message):
    """config.toml's [keys], checked: the entries to apply, and a line for each one left out."""

    def __init__(self, keymap: dict[str, str], problems: list[str]) -> None:
        super().__init__()
        self.keymap = keymap
        self.problems = problems


def checked_keymap(settings: Settings, app_class: type[DOMNode]) -> KeymapChecked:
    """The settings' [keys] checked against every binding of the app (its form was checked on load)."""
    source = str(settings.config_file or "config.toml")
    keymap, problems = check_keymap(dict(settings.keys), scopes(our_classes(), app_class), source)
    return KeymapChecked(keymap, [*settings.key_problems, *problems])
