"""The terminal kept quiet from the moment the full-screen app is launched, and given back as it was.

Until Textual's driver starts (~0.2 s after the launch) the terminal is in cooked mode: what is typed
meanwhile, say credentials autotyped by a password manager, would be echoed in clear on the main screen
(and stay in the scrollback), and Enter would arrive as ctrl+j. `quiet` turns ECHO, ICANON and ICRNL off
at once; `restore` puts back the attributes the user had, whatever way the process ends: Textual gives
back the attributes it found at its start (ours, quiet), so it cannot.

Only the standard library's smallest modules: this runs before anything else of the launch.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import termios

_FD = 0  # stdin: the terminal Textual reads keys from
_saved: list | None = None  # the user's attributes while ours are set
_handlers: dict[int, object] = {}
_STOPPING = (signal.SIGTERM, signal.SIGHUP)  # the signals whose default ends the process on the spot


def quiet() -> bool:
    """Turn off echo, line editing and CR-to-NL on stdin's terminal, keeping its attributes for `restore`.
    Nothing when stdin is not a terminal (or is already quiet); whether the attributes were changed."""
    global _saved
    if _saved is not None:
        return False
    try:
        if not os.isatty(_FD):
            return False
        saved = termios.tcgetattr(_FD)
        attrs = termios.tcgetattr(_FD)
        attrs[0] &= ~termios.ICRNL  # iflag: Enter stays \r (enter), not \n (ctrl+j)
        attrs[3] &= ~(termios.ECHO | termios.ICANON)  # lflag; ISIG stays: ctrl+c still stops the start
        termios.tcsetattr(_FD, termios.TCSANOW, attrs)
    except (OSError, termios.error):
        return False
    _saved = saved
    atexit.register(restore)  # sys.exit anywhere, an exception out of main
    for number in _STOPPING:
        try:
            if signal.getsignal(number) is signal.SIG_DFL:
                _handlers[number] = signal.signal(number, _restore_and_die)
        except ValueError:  # not the main thread: only atexit then
            break
    return True


def quiet_if_bare_launch() -> None:
    """`quiet` at once when this process is a bare `tui-tasks` (the console script, no arguments): called
    as the command's module is imported, before its own imports, as every millisecond of the launch counts
    (keys typed 0.08 s after it already arrive). Other launches of the app are made quiet by `main`."""
    if len(sys.argv) == 1 and os.path.basename(sys.argv[0]) == "tui-tasks":
        quiet()


def restore() -> None:
    """Give the terminal back the attributes `quiet` found; what was typed and not read is dropped (as
    Textual does at its end: a password typed into a failing start must not reach the shell)."""
    global _saved
    saved, _saved = _saved, None
    for number, handler in _handlers.items():
        if signal.getsignal(number) is _restore_and_die:
            signal.signal(number, handler)  # type: ignore[arg-type]
    _handlers.clear()
    if saved is None:
        return
    try:
        termios.tcflush(_FD, termios.TCIFLUSH)
        termios.tcsetattr(_FD, termios.TCSANOW, saved)  # not TCSADRAIN: output stopped by ctrl+s would hang it
    except (OSError, termios.error):
        pass  # the terminal is gone (SIGHUP): nothing to give back


def _restore_and_die(number: int, frame: object) -> None:
    """SIGTERM or SIGHUP: the terminal as it was, then the signal's default (the process ends by it)."""
    restore()
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
