"""The key a binding has now, for text that names it ("Delete (j)", "esc close", "Press n to add"):
config.toml's [keys] may have moved it, and a hint naming the default would name a key that does nothing.

Kept apart from keymap.py, which reads every class of the app to check [keys] and is loaded only then."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import format_key


def key_name(key: str) -> str:
    """A key as hints write it: "esc", "ctrl+l", "?", "S"."""
    *modifiers, last = key.split("+")
    return "+".join([*modifiers, "esc" if last == "escape" else format_key(last)])


def key_in_force(node: DOMNode, binding_id: str) -> str:
    """The first key of `node`'s binding `binding_id` as the app's keymap (config.toml's [keys], checked)
    has it, else as its class binds it, named as hints write it."""
    keys = node.app._keymap.get(binding_id)  # what Screen._binding_chain applies to the bindings
    if not keys:
        bindings = (b for cls in type(node).__mro__ for b in Binding.make_bindings(vars(cls).get("BINDINGS", ())))
        keys = next(b.key for b in bindings if b.id == binding_id)
    return key_name(keys.split(",")[0].strip())


def empty_list_text(screen: DOMNode) -> Content:
    """What the task list says with no task at all: "No tasks yet. Press a to add your first task."
    (Content, not markup: a key such as "[" or "\\" is shown as it is)."""
    return Content.assemble("No tasks yet. Press ", (key_in_force(screen, "tasks.add"), "bold"), " to add your first task.")
