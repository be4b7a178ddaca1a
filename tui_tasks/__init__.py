"""tui-tasks: a keyboard-first terminal task manager."""

__version__ = "0.1.0"
