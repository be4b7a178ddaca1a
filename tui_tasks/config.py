"""Settings: flag > environment (TUI_TASKS_*) > config.toml > default.

Every bad value is reported by name, with where it came from and what is accepted.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_tasks import locations
from tui_tasks.errors import ConfigError

ENV_PREFIX = "TUI_TASKS_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """A database to open: its SQLAlchemy URL and, for SQLite, the file path."""

    url: str
    path: Path | None

    @property
    def kind(self) -> str:
        return "sqlite" if self.path is not None else "postgresql"

    @property
    def display(self) -> str:
        """The path, or the URL with any password replaced by ***."""
        return str(self.path) if self.path is not None else mask_password(self.url)


# A database URL split the way SQLAlchemy splits it (the password runs up to the "@").
_URL = (
    r"""(?P<scheme>[\w+]+)://
    (?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:\[(?P<ipv6>[^/?]+)\]|(?P<host>[^/:?]+))?
    (?::(?P<port>[^/?]*))?
    (?:/(?P<database>[^?]*))?
    (?:\?(?P<query>.*))?"""
)  # patterns are compiled where first used (re keeps them): not at import, before the first paint
_QUERY_PASSWORD = r"([?&]password=)[^&]*"


def mask_password(url: str) -> str:
    """`url` with any password (in the user part or the query) shown as ***.

    Everything from the user's ":" to the last "@" is hidden: more than SQLAlchemy takes as the
    password when the password holds an unescaped "@", never less.
    """
    scheme, sep, rest = url.partition("://")
    colon, at = rest.find(":"), rest.rfind("@")
    if sep and 0 <= colon < at and "/" not in rest[:colon]:
        url = f"{scheme}://{rest[: colon + 1]}***{rest[at:]}"
    return re.sub(_QUERY_PASSWORD, r"\1***", url, flags=re.IGNORECASE)


def parse_database(value: str) -> DatabaseTarget:
    """A file path, `sqlite:///PATH` or a PostgreSQL URL, checked and normalised."""
    value = value.strip()
    if not value:
        raise ValueError("a file path or a database URL")
    if "://" not in value:
        return _sqlite_file(value)
    scheme, _, rest = value.partition("://")
    if scheme == "sqlite":
        if not rest.startswith("/") or rest in ("/", "/:memory:"):
            raise ValueError("sqlite:///PATH naming a file (in-memory databases are not supported)")
        return _sqlite_file(rest[1:])
    if scheme in POSTGRES_SCHEMES:
        match = re.fullmatch(_URL, value, re.VERBOSE | re.DOTALL)
        has_host = match and (match["host"] or match["ipv6"] or "host=" in (match["query"] or ""))
        port = match["port"] if match else None
        if not has_host or (port and not (port.isdigit() and 1 <= int(port) <= 65535)):
            raise ValueError("a PostgreSQL URL like postgresql://user@host:5432/dbname (a host; a port from 1 to 65535)")
        return DatabaseTarget(f"postgresql+psycopg://{rest}", None)
    raise ValueError("a file path, sqlite:///PATH or postgresql://user@host/dbname")


def _sqlite_file(path: str) -> DatabaseTarget:
    file = Path(path).expanduser().absolute()
    return DatabaseTarget(f"sqlite:///{file}", file)


def _int_in(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        text = str(value).strip()
        if isinstance(value, bool) or not re.fullmatch(r"-?[0-9]+", text) or not low <= int(text) <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return int(text)

    return parse


def _seconds(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(value, bool) or not 0.5 <= seconds <= 3600:
        raise ValueError("a number of seconds from 0.5 to 3600")
    return seconds


# Textual 8.2.8's built-in themes (a test checks this list against Textual itself): settings are
# checked without importing Textual, which `--check` must never load.
THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)


def _theme(value: Any) -> str:
    if not isinstance(value, str) or value.strip() not in THEMES:
        raise ValueError("one of the built-in themes: " + ", ".join(THEMES))
    return value.strip()


def _log_level(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in LOG_LEVELS:
        raise ValueError("one of " + ", ".join(LOG_LEVELS))
    return value.strip().upper()


NOTIFY = ("off", "terminal")


def _notify(value: Any) -> str:
    """How reminders reach the user besides the app's own notification: "off", or "terminal" (a desktop
    notification asked of the terminal, OSC 9 and OSC 777)."""
    if not isinstance(value, str) or value.strip().lower() not in NOTIFY:
        raise ValueError("one of " + ", ".join(NOTIFY))
    return value.strip().lower()


def _database(value: Any) -> DatabaseTarget:
    if not isinstance(value, str):
        raise ValueError("a file path or a database URL")
    return parse_database(value)


# name -> (parser, default); the default of `db` is computed when settings are loaded.
SETTINGS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "db": (_database, None),
    "bcrypt_rounds": (_int_in(4, 16), 12),
    "idle_lock_minutes": (_int_in(0, 1440), 60),
    "health_interval_seconds": (_seconds, 5.0),
    "theme": (_theme, "textual-dark"),
    "log_level": (_log_level, "INFO"),
    "notify": (_notify, "off"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings tui-tasks runs with."""

    db: DatabaseTarget
    bcrypt_rounds: int = 12
    idle_lock_minutes: int = 60
    health_interval_seconds: float = 5.0
    theme: str = "textual-dark"
    log_level: str = "INFO"
    notify: str = "off"  # "terminal": reminders also ask the terminal for a desktop notification
    config_file: Path | None = None
    keys: tuple[tuple[str, str], ...] = ()  # [keys] in config.toml: (binding id, keys), well formed
    key_problems: tuple[str, ...] = ()  # one line for each [keys] entry left out (its default key stays)


def load_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the sources in order of precedence; raise ConfigError naming the first bad value."""
    env = os.environ if env is None else env
    config_file = config_file or locations.config_file()
    file_values = _read_config_file(config_file)
    values: dict[str, Any] = {}
    for name, (parse, default) in SETTINGS.items():
        env_name = ENV_PREFIX + name.upper()
        if flags and flags.get(name) is not None:
            raw, source = flags[name], f"--{name.replace('_', '-')}"
        elif env.get(env_name, "").strip():
            raw, source = env[env_name], env_name
        elif name in file_values:
            raw, source = file_values[name], f"{name} in {config_file}"
        else:
            values[name] = default
            continue
        try:
            values[name] = parse(raw)
        except ValueError as exc:
            shown = _safe_repr(raw) if name == "db" else repr(raw)
            raise ConfigError(f"{source} must be {exc}, not {shown}") from None
    values["db"] = values["db"] or parse_database(str(locations.default_database()))
    keys, key_problems = parse_keys(file_values[KEYS_TABLE], config_file) if KEYS_TABLE in file_values else ((), ())
    return Settings(**values, config_file=config_file, keys=keys, key_problems=key_problems)


def _safe_repr(raw: Any) -> str:
    """A database value as it may be shown: never with its password."""
    return repr(mask_password(str(raw)))


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    import tomllib  # only when there is a file: 5 ms of every start otherwise

    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(values) - set(SETTINGS) - {KEYS_TABLE})
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join([*SETTINGS, KEYS_TABLE])})")
    return values


# --- [keys]: binding id -> keys, checked here for form; the app checks the ids and clashes ---------
KEYS_TABLE = "keys"
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_BINDING_ID = r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+"
_KEY_NAME = r"[a-z0-9][a-z0-9_]*"


def key_problem(key: str) -> str | None:
    """Why `key` (one key, e.g. "x", "ctrl+r", "pagedown", "?") is not a key, or None if it is."""
    if not key:
        return "an empty key"
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    bad = next((m for m in modifiers if m not in MODIFIERS), None)
    if bad is not None:
        return f"{key!r} is not a key ({bad!r} is not one of the modifiers {', '.join(MODIFIERS)})"
    if len(name) == 1 and name.isprintable() and not name.isspace():
        return None
    if not re.fullmatch(_KEY_NAME, name):
        return f"{key!r} is not a key (a character, or a name such as space, enter, pagedown, f5, ctrl+r)"
    return None


def parse_keys(table: Any, source: Path | str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The [keys] entries that are well formed, and one line for each that is not (its default stays).

    `"tasks.toggle" = "x"` or `"x,space"`: a binding id and one key or several, comma-separated."""
    if not isinstance(table, dict):
        return (), (f"{source}: [{KEYS_TABLE}] must be a table of binding id = \"key\"; using the default keys",)
    keys: list[tuple[str, str]] = []
    problems: list[str] = []
    for binding_id, value in table.items():
        what = _keys_problem(binding_id, value)
        if what is None:
            keys.append((binding_id, ",".join(k.strip() for k in value.split(","))))
        else:
            problems.append(f"{source}: [{KEYS_TABLE}] {binding_id!r}: {what}; using its default key")
    return tuple(keys), tuple(problems)


def _keys_problem(binding_id: str, value: Any) -> str | None:
    if not re.fullmatch(_BINDING_ID, binding_id):
        return "not a binding id (ids look like tasks.toggle; ? in the app lists the keys)"
    if not isinstance(value, str):
        return f"must be a key in quotes, such as \"x\" or \"x,space\", not {value!r}"
    keys = [k.strip() for k in value.split(",")]
    for key in keys:
        if (problem := key_problem(key)) is not None:
            return problem
    if len(set(keys)) < len(keys):
        return f"{value!r} names a key twice"
    return None


def save_setting(name: str, value: str, path: Path | None = None) -> None:
    """Set one setting in config.toml (creating it if needed), keeping every other line as it is."""
    path = path or locations.config_file()
    line = f"{name} = {json.dumps(value, ensure_ascii=False)}"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    setting = re.compile(rf"\s*{re.escape(name)}\s*=")
    kept = [existing for existing in lines if not setting.match(existing)]
    locations.make_private_dir(path.parent)
    path.write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")
