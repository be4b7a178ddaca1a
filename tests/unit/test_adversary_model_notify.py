"""Adversarial pass on issue #10's notify = "terminal": the reminder text goes into OSC 9 as it is (control
characters made visible, nothing else). OSC 9 whose text starts with a number and ';' is a COMMAND to
ConEmu and Windows Terminal, not a notification: 9;4 sets the taskbar progress, 9;9 the working folder,
9;2 (ConEmu) opens a message box. A task titled "4;2;100" (a to-do pasted from a list, or a hostile import)
makes a reminder drive the terminal instead of telling the user anything."""

from __future__ import annotations

import pytest

from tui_tasks.ui.reminders import terminal_notification


@pytest.mark.parametrize("title", ["4;2;100", "9;C:\\Windows", "2;Call the bank"])
def test_a_title_cannot_turn_the_osc9_notification_into_a_command(title):
    sequence = terminal_notification(title)

    osc9 = sequence.split("\x07")[0]
    assert osc9.startswith("\x1b]9;")
    body = osc9[len("\x1b]9;"):]
    assert not body.split(";")[0].isdigit(), repr(osc9)
