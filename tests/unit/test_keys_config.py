"""config.toml's [keys]: the form of each entry is checked on load, without Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_tasks.config import key_problem, load_settings, parse_keys


def test_well_formed_entries_are_kept_and_each_bad_one_named(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"tasks.toggle" = " x , space "\n"tasks.undo" = ""\n"Tasks" = "z"\n'
                      '"tasks.add" = 3\n"tasks.sort" = "s,s"\n"tasks.redo" = "hyperctrl+r"\n')  # fmt: skip
    settings = load_settings({"db": str(tmp_path / "t.db")}, env={}, config_file=config)
    assert settings.keys == (("tasks.toggle", "x,space"),)
    assert settings.key_problems == (
        f"{config}: [keys] 'tasks.undo': an empty key; using its default key",
        f"{config}: [keys] 'Tasks': not a binding id (ids look like tasks.toggle; ? in the app lists the keys); using its default key",
        f"{config}: [keys] 'tasks.add': must be a key in quotes, such as \"x\" or \"x,space\", not 3; using its default key",
        f"{config}: [keys] 'tasks.sort': 's,s' names a key twice; using its default key",
        f"{config}: [keys] 'tasks.redo': 'hyperctrl+r' is not a key ('hyperctrl' is not one of the modifiers "
        "ctrl, shift, alt, meta, super, hyper); using its default key",
    )


def test_keys_that_is_not_a_table_is_one_problem(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('keys = "x"\n')
    settings = load_settings({"db": str(tmp_path / "t.db")}, env={}, config_file=config)
    assert settings.keys == () and len(settings.key_problems) == 1 and "must be a table" in settings.key_problems[0]


@pytest.mark.parametrize("key", ["x", "X", "?", "ctrl+r", "shift+down", "pagedown", "f5", "question_mark", "ctrl+alt+x"])
def test_textual_key_names_are_keys(key):
    assert key_problem(key) is None


@given(st.text(max_size=12))
def test_any_text_is_a_key_or_gets_one_line(text):
    problem = key_problem(text)
    assert problem is None or ("\n" not in problem and problem)


def test_loading_keys_does_not_import_textual(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"tasks.toggle" = "x"\n')
    code = (f"import sys; from tui_tasks.config import load_settings; s = load_settings({{'db': {str(tmp_path / 't.db')!r}}}, "
            f"env={{}}, config_file=__import__('pathlib').Path({str(config)!r})); print(s.keys, 'textual' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(('tasks.toggle', 'x'),) False"


def test_parse_keys_names_its_source():
    assert parse_keys({"tasks.toggle": ""}, "cfg")[1] == ("cfg: [keys] 'tasks.toggle': an empty key; using its default key",)
