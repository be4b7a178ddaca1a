"""Settings: flag > environment > config.toml > default, bad values named with what is accepted, database URLs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui_tasks import locations
from tui_tasks.config import DatabaseTarget, Settings, load_settings, mask_password, parse_database
from tui_tasks.errors import ConfigError

SECRET = "secretpw"


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def snapshot(root: Path) -> dict[str, tuple[bool, int]]:
    """Every entry under `root`: whether it is a folder, and its size."""
    return {
        str(path.relative_to(root)): (path.is_dir(), 0 if path.is_dir() else path.stat().st_size)
        for path in sorted(root.rglob("*"))
    }


# --------------------------------------------------------------------------- precedence

# name -> (flag value, environment text, config.toml value, the parsed value of each, the default)
PRECEDENCE = {
    "bcrypt_rounds": ((5, "6", 7), (5, 6, 7), 12),
    "idle_lock_minutes": ((0, "30", 90), (0, 30, 90), 60),
    "health_interval_seconds": ((0.5, "2.5", 10), (0.5, 2.5, 10.0), 5.0),
    "theme": (("nord", "gruvbox", "monokai"), ("nord", "gruvbox", "monokai"), "textual-dark"),
    "log_level": (("debug", "warning", "ERROR"), ("DEBUG", "WARNING", "ERROR"), "INFO"),
    "notify": (("terminal", " Off ", "Terminal"), ("terminal", "off", "terminal"), "off"),
}


@pytest.mark.parametrize("name", sorted(PRECEDENCE))
def test_each_setting_comes_from_flag_then_environment_then_config_file_then_default(
    name: str, tmp_path: Path
) -> None:
    (flag, env_text, file_value), (from_flag, from_env, from_file), default = PRECEDENCE[name]
    env_name = "TUI_TASKS_" + name.upper()
    config = write_config(tmp_path / "config.toml", f"{name} = {toml_value(file_value)}\n")
    empty = write_config(tmp_path / "empty.toml", "")

    assert getattr(load_settings({name: flag}, {env_name: env_text}, config), name) == from_flag
    assert getattr(load_settings({name: None}, {env_name: env_text}, config), name) == from_env
    assert getattr(load_settings({}, {env_name: "   "}, config), name) == from_file  # blank env = unset
    assert getattr(load_settings({}, {}, empty), name) == default
    assert getattr(load_settings(None, {}, tmp_path / "missing.toml"), name) == default


def test_the_database_comes_from_flag_then_environment_then_config_file_then_the_data_folder(tmp_path: Path) -> None:
    flag, env, file = (tmp_path / "flag.db", tmp_path / "env.db", tmp_path / "file.db")
    config = write_config(tmp_path / "config.toml", f"db = {toml_value(str(file))}\n")

    assert load_settings({"db": str(flag)}, {"TUI_TASKS_DB": str(env)}, config).db.path == flag
    assert load_settings({"db": None}, {"TUI_TASKS_DB": str(env)}, config).db.path == env
    assert load_settings({}, {}, config).db.path == file
    default = load_settings({}, {}, tmp_path / "missing.toml").db
    assert default.path == locations.default_database()
    assert default.path == Path(os.environ["XDG_DATA_HOME"]) / "tui-tasks" / "tasks.db"
    assert default.url == f"sqlite:///{default.path}"


def test_a_flag_wins_even_over_a_bad_environment_value(tmp_path: Path) -> None:
    settings = load_settings({"bcrypt_rounds": 4}, {"TUI_TASKS_BCRYPT_ROUNDS": "99"}, tmp_path / "none.toml")
    assert settings.bcrypt_rounds == 4


def test_settings_remember_which_config_file_they_read(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", "theme = 'nord'\n")
    assert load_settings({}, {}, config).config_file == config
    assert load_settings({}, {}, None).config_file == locations.config_file()


def test_the_config_file_in_the_config_folder_is_read_by_default(tmp_path: Path) -> None:
    write_config(Path(os.environ["XDG_CONFIG_HOME"]) / "tui-tasks" / "config.toml", "bcrypt_rounds = 13\n")
    assert load_settings({}, {}).bcrypt_rounds == 13


def test_the_process_environment_is_used_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUI_TASKS_IDLE_LOCK_MINUTES", "15")
    assert load_settings({}, None, tmp_path / "none.toml").idle_lock_minutes == 15


def test_numbers_and_words_are_normalised(tmp_path: Path) -> None:
    env = {
        "TUI_TASKS_BCRYPT_ROUNDS": " 13 ",
        "TUI_TASKS_HEALTH_INTERVAL_SECONDS": "3600",
        "TUI_TASKS_THEME": "  nord  ",
        "TUI_TASKS_LOG_LEVEL": " Warning ",
    }
    settings = load_settings({}, env, tmp_path / "none.toml")
    assert (settings.bcrypt_rounds, settings.health_interval_seconds) == (13, 3600.0)
    assert (settings.theme, settings.log_level) == ("nord", "WARNING")
    assert isinstance(settings.health_interval_seconds, float)


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("bcrypt_rounds", 4, 16), ("idle_lock_minutes", 0, 1440), ("health_interval_seconds", 0.5, 3600)],
)
def test_the_ends_of_each_range_are_accepted(name: str, low: float, high: float, tmp_path: Path) -> None:
    for value in (low, high):
        settings = load_settings({}, {"TUI_TASKS_" + name.upper(): str(value)}, tmp_path / "none.toml")
        assert getattr(settings, name) == value


# --------------------------------------------------------------------------- bad values

BAD_VALUES = [
    ("bcrypt_rounds", "3", "a whole number from 4 to 16"),
    ("bcrypt_rounds", "17", "a whole number from 4 to 16"),
    ("bcrypt_rounds", "99", "a whole number from 4 to 16"),
    ("bcrypt_rounds", "twelve", "a whole number from 4 to 16"),
    ("bcrypt_rounds", "12.5", "a whole number from 4 to 16"),
    ("idle_lock_minutes", "-1", "a whole number from 0 to 1440"),
    ("idle_lock_minutes", "1441", "a whole number from 0 to 1440"),
    ("health_interval_seconds", "0.4", "a number of seconds from 0.5 to 3600"),
    ("health_interval_seconds", "3601", "a number of seconds from 0.5 to 3600"),
    ("health_interval_seconds", "fast", "a number of seconds from 0.5 to 3600"),
    ("health_interval_seconds", "nan", "a number of seconds from 0.5 to 3600"),
    ("health_interval_seconds", "inf", "a number of seconds from 0.5 to 3600"),
    ("log_level", "LOUD", "one of DEBUG, INFO, WARNING, ERROR"),
    ("notify", "desktop", "one of off, terminal"),
    ("notify", "on", "one of off, terminal"),
    ("db", "mysql://localhost/tasks", "a file path, sqlite:///PATH or postgresql://user@host/dbname"),
    ("db", "sqlite://", "sqlite:///PATH naming a file"),
]


@pytest.mark.parametrize(("name", "bad", "accepted"), BAD_VALUES)
def test_a_bad_environment_value_is_named_with_what_is_accepted(
    name: str, bad: str, accepted: str, tmp_path: Path
) -> None:
    env_name = "TUI_TASKS_" + name.upper()
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {env_name: bad}, tmp_path / "none.toml")
    message = raised.value.message
    assert message.startswith(f"{env_name} must be {accepted}"), message
    assert repr(bad) in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "bad", "accepted"),
    [
        ("bcrypt_rounds", 99, "a whole number from 4 to 16"),
        ("bcrypt_rounds", True, "a whole number from 4 to 16"),
        ("bcrypt_rounds", 12.0, "a whole number from 4 to 16"),
        ("idle_lock_minutes", -5, "a whole number from 0 to 1440"),
        ("health_interval_seconds", 0, "a number of seconds from 0.5 to 3600"),
        ("health_interval_seconds", True, "a number of seconds from 0.5 to 3600"),
        ("theme", "", "one of the built-in themes"),
        ("theme", 7, "one of the built-in themes"),
        ("log_level", "verbose", "one of DEBUG, INFO, WARNING, ERROR"),
        ("log_level", 10, "one of DEBUG, INFO, WARNING, ERROR"),
        ("notify", True, "one of off, terminal"),
        ("notify", "bell", "one of off, terminal"),
        ("db", 5, "a file path or a database URL"),
        ("db", "   ", "a file path or a database URL"),
        ("db", "sqlite:///:memory:", "sqlite:///PATH naming a file"),
    ],
)
def test_a_bad_config_file_value_is_named_with_the_file_and_what_is_accepted(
    name: str, bad: Any, accepted: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "config.toml", f"{name} = {toml_value(bad)}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {}, config)
    message = raised.value.message
    assert message.startswith(f"{name} in {config} must be {accepted}"), message
    assert "\n" not in message


def test_a_bad_flag_value_is_named_as_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"idle_lock_minutes": 5000}, {}, tmp_path / "none.toml")
    assert raised.value.message == "--idle-lock-minutes must be a whole number from 0 to 1440, not 5000"


@pytest.mark.parametrize("odd", ["--5", "\N{SUPERSCRIPT TWO}"])
def test_odd_number_text_is_refused_with_the_accepted_range(odd: str, tmp_path: Path) -> None:
    # `_int_in` tests str.isdigit(), which accepts "²", then calls int(), whose own ValueError
    # ("invalid literal for int()...") becomes the "accepted" part of the message.
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {"TUI_TASKS_BCRYPT_ROUNDS": odd}, tmp_path / "none.toml")
    assert raised.value.message.startswith("TUI_TASKS_BCRYPT_ROUNDS must be a whole number from 4 to 16"), (
        raised.value.message
    )


def test_an_unknown_key_in_config_file_is_named_with_the_known_ones(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", "theme = 'nord'\ncolour = 'blue'\n")
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {}, config)
    message = raised.value.message
    assert str(config) in message and "'colour'" in message
    for known in ("db", "bcrypt_rounds", "idle_lock_minutes", "health_interval_seconds", "theme", "log_level", "notify"):
        assert known in message


def test_invalid_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", "bcrypt_rounds = \n")
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {}, config)
    assert raised.value.message.startswith(f"{config} is not valid TOML")
    assert "\n" not in raised.value.message


def test_a_config_file_that_is_not_utf8_is_reported_as_unreadable(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"\xff\xfe theme = 'x'")
    with pytest.raises(ConfigError, match=r"^cannot read .*config\.toml"):
        load_settings({}, {}, config)


def test_a_config_path_that_is_a_folder_is_reported_as_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {}, folder)
    assert raised.value.message == f"cannot read {folder}: Is a directory"


def test_a_bad_config_file_is_reported_even_when_flags_give_every_value(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", "[section\n")
    with pytest.raises(ConfigError):
        load_settings({"db": str(tmp_path / "x.db"), "bcrypt_rounds": 4}, {}, config)


# --------------------------------------------------------------------------- database targets


def test_a_plain_path_becomes_an_absolute_sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = parse_database("sub/tasks.db")
    assert target.path == tmp_path / "sub" / "tasks.db"
    assert target.path.is_absolute()
    assert target.url == f"sqlite:///{tmp_path}/sub/tasks.db"
    assert target.kind == "sqlite"
    assert target.display == f"{tmp_path}/sub/tasks.db"


def test_surrounding_spaces_are_ignored(tmp_path: Path) -> None:
    assert parse_database(f"  {tmp_path}/a.db \n").path == tmp_path / "a.db"


def test_a_tilde_is_expanded_to_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parse_database("~/tasks.db").path == tmp_path / "home" / "tasks.db"
    assert parse_database("sqlite:///~/tasks.db").path == tmp_path / "home" / "tasks.db"


def test_a_relative_sqlite_url_is_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = parse_database("sqlite:///rel.db")
    assert target.path == tmp_path / "rel.db"
    assert target.url == f"sqlite:///{tmp_path}/rel.db"


def test_an_absolute_sqlite_url_keeps_its_path() -> None:
    target = parse_database("sqlite:////abs.db")
    assert target.path == Path("/abs.db")
    assert target.url == "sqlite:////abs.db"


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("postgresql://u@db.example/tasks", "postgresql+psycopg://u@db.example/tasks"),
        ("postgres://u:pw@db.example:5433/tasks", "postgresql+psycopg://u:pw@db.example:5433/tasks"),
        ("postgresql+psycopg://db.example/tasks", "postgresql+psycopg://db.example/tasks"),
        ("postgresql:///tasks?host=/run/postgresql", "postgresql+psycopg:///tasks?host=/run/postgresql"),
    ],
)
def test_postgresql_urls_use_the_psycopg_driver(given: str, url: str) -> None:
    target = parse_database(given)
    assert target == DatabaseTarget(url, None)
    assert target.kind == "postgresql"


@pytest.mark.parametrize("value", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite://relative.db"])
def test_in_memory_and_malformed_sqlite_urls_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="in-memory databases are not supported"):
        parse_database(value)


def test_an_unsupported_database_gets_a_helpful_message() -> None:
    with pytest.raises(ValueError) as raised:
        parse_database("mysql://x")
    assert str(raised.value) == "a file path, sqlite:///PATH or postgresql://user@host/dbname"


def test_a_postgresql_url_without_a_host_is_refused() -> None:
    with pytest.raises(ValueError, match="a host"):
        parse_database("postgresql:///tasks")


def test_an_empty_database_value_is_refused() -> None:
    with pytest.raises(ValueError, match="a file path or a database URL"):
        parse_database("  ")


def test_a_postgresql_url_with_a_port_that_is_not_a_number_is_refused() -> None:
    # parse_database accepts it; SQLAlchemy's create_engine later fails with a bare ValueError
    # that `tui-tasks --check` reports as an "unexpected error".
    with pytest.raises(ValueError):
        parse_database("postgresql://u@db.example:abc/tasks")


def test_a_malformed_url_is_refused_with_what_is_accepted() -> None:
    # urlsplit's own message ("Invalid IPv6 URL") currently becomes the "accepted" text:
    # "--db must be Invalid IPv6 URL, not ...".
    with pytest.raises(ValueError) as raised:
        parse_database("postgresql://u@[::1/tasks")
    assert "postgresql://user@host:5432/dbname" in str(raised.value)


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:pw@host/db", "postgresql://u:***@host/db"),
        ("postgresql+psycopg://u:pw@h:5432/db?sslmode=require", "postgresql+psycopg://u:***@h:5432/db?sslmode=require"),
        ("postgresql://u:p%40ss@host/db", "postgresql://u:***@host/db"),
        ("postgresql://u:p@ss@host/db", "postgresql://u:***@host/db"),
        ("postgresql://u:@host/db", "postgresql://u:***@host/db"),
    ],
)
def test_mask_password_hides_the_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked


@pytest.mark.parametrize(
    "url", ["postgresql://host/db", "postgresql://u@host/db", "sqlite:////tmp/tasks.db", "/tmp/tasks.db"]
)
def test_mask_password_leaves_urls_without_a_password_alone(url: str) -> None:
    assert mask_password(url) == url


@pytest.mark.parametrize("password", ["secret/pw", "secret#pw", "secret?pw"])
def test_the_shown_database_never_holds_a_password_with_reserved_characters(password: str) -> None:
    # SQLAlchemy reads everything between "user:" and "@" as the password (and connects with it),
    # but mask_password relies on urlsplit, which ends the host part at the first "/", "#" or "?":
    # it finds no password and shows the URL unchanged.
    target = parse_database(f"postgresql://u:{password}@db.example/tasks")
    assert "secret" not in target.display, target.display


@pytest.mark.parametrize(
    "value",
    [
        f"mysql://u:{SECRET}@db.example/tasks",
        f"postgresql://u:{SECRET}@/tasks",
        f"sqlite://u:{SECRET}@db.example/tasks",
        f"postgresql://u:{SECRET}@[::1/tasks",
        f"mysql://u:{SECRET}/x@db.example/tasks",
    ],
)
def test_a_bad_database_url_is_reported_without_its_password(value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {"TUI_TASKS_DB": value}, tmp_path / "none.toml")
    assert raised.value.message.startswith("TUI_TASKS_DB must be")
    assert SECRET not in raised.value.message, raised.value.message
    assert SECRET not in str(raised.value)


def test_a_database_path_is_shown_as_it_is() -> None:
    assert parse_database("/srv/team/tasks.db").display == "/srv/team/tasks.db"


# --------------------------------------------------------------------------- nothing created


def test_loading_default_settings_creates_nothing(tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    settings = load_settings()
    assert isinstance(settings, Settings)
    assert settings.db.path is not None and not settings.db.path.exists()
    assert snapshot(tmp_path) == before


def test_importing_config_and_locations_creates_no_files(tmp_path: Path) -> None:
    xdg = {kind: tmp_path / "xdg" / kind.lower() for kind in ("DATA", "CONFIG", "STATE", "CACHE")}
    env = {name: value for name, value in os.environ.items() if not name.startswith("TUI_TASKS_")}
    env.update({f"XDG_{kind}_HOME": str(path) for kind, path in xdg.items()})
    env["HOME"] = str(tmp_path / "home")
    code = (
        "import tui_tasks.config, tui_tasks.locations as l; "
        "print(l.data_dir(), l.config_file(), l.log_file(), l.default_database(), sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        str(xdg["DATA"] / "tui-tasks"),
        str(xdg["CONFIG"] / "tui-tasks" / "config.toml"),
        str(xdg["STATE"] / "tui-tasks" / "log" / "tui-tasks.log"),
        str(xdg["DATA"] / "tui-tasks" / "tasks.db"),
    ]
    assert snapshot(tmp_path) == {}


def test_reminders_stay_inside_the_app_unless_terminal_notifications_are_asked_for(tmp_path: Path) -> None:
    assert load_settings({}, {}, tmp_path / "none.toml").notify == "off"
    config = write_config(tmp_path / "config.toml", 'notify = "terminal"\n')
    assert load_settings({}, {}, config).notify == "terminal"
    bad = write_config(tmp_path / "bad.toml", 'notify = "yes please"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings({}, {}, bad)
    assert raised.value.message == f"notify in {bad} must be one of off, terminal, not 'yes please'"
