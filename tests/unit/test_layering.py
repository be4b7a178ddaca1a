"""Layers: cli -> ui (Textual) -> services -> db; config, locations, errors, domain, logs are shared.

The services and the storage never import Textual, nor a layer above them.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui_tasks

PACKAGE = Path(tui_tasks.__file__).parent
SHARED = ("config", "locations", "errors", "domain", "logs", "changes", "filter_language", "filter_rule")
MIGRATIONS = PACKAGE / "db" / "migrations"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def importable_modules(*packages: str) -> list[str]:
    """Every module of these sub-packages, except Alembic's scripts (run by Alembic, not imported)."""
    names = []
    for package in packages:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            if path == MIGRATIONS / "env.py" or MIGRATIONS / "versions" in path.parents:
                continue
            names.append(module_name(path))
    return names


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TUI_TASKS_")}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_importing_every_service_and_storage_module_loads_no_textual(tmp_path: Path) -> None:
    modules = importable_modules("services", "db") + [f"tui_tasks.{name}" for name in SHARED]
    assert {"tui_tasks.services.health", "tui_tasks.services.facade", "tui_tasks.db.migrate"} <= set(modules)
    code = (
        "import importlib, importlib.util, json, pathlib, sys\n"
        f"modules = {modules!r}\n"
        "for name in modules:\n"
        "    importlib.import_module(name)\n"
        # the migration scripts too: Alembic imports them from files when it upgrades
        f"for path in sorted(pathlib.Path({str(MIGRATIONS / 'versions')!r}).glob('*.py')):\n"
        "    spec = importlib.util.spec_from_file_location('revision_' + path.stem, path)\n"
        "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('textual'))\n"
        "print(json.dumps({'imported': [m for m in modules if m in sys.modules], 'textual': loaded}))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["imported"] == modules
    assert outcome["textual"] == []


def test_creating_and_migrating_a_database_loads_no_textual(tmp_path: Path) -> None:
    # Runs the Alembic environment and every revision, which the import test cannot.
    code = (
        "import json, sys\n"
        "from tui_tasks.config import Settings, parse_database\n"
        "from tui_tasks.services.facade import open_services\n"
        "services = open_services(Settings(db=parse_database('tasks.db'), bcrypt_rounds=4))\n"
        "user = services.accounts.register('a@example.com', 'a-password', 'A')\n"
        "services.close()\n"
        "print(json.dumps({'alembic': 'alembic' in sys.modules,\n"
        "                  'textual': sorted(n for n in sys.modules if n.startswith('textual'))}))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["alembic"]  # the migrations really ran
    assert outcome["textual"] == []
    assert (tmp_path / "tasks.db").is_file()


def imports_in(source: str, package: str) -> set[str]:
    """Every module `source` imports, anywhere in it (lazy imports inside functions too), made absolute.

    `package` is the package the source lives in, for relative imports; `from x import y` counts as
    importing both x and x.y (y may be a module).
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            base = ".".join(part for part in (base, node.module or "") if part)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def imported_modules(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def in_layer(module: str, *layers: str) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in layers)


FORBIDDEN = {
    "db": ("textual", "tui_tasks.ui", "tui_tasks.cli", "tui_tasks.services"),
    "services": ("textual", "tui_tasks.ui", "tui_tasks.cli"),
    **{
        shared: ("textual", "tui_tasks.ui", "tui_tasks.cli", "tui_tasks.services", "tui_tasks.db")
        for shared in SHARED
    },
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_module_imports_a_layer_above_it_or_textual(layer: str) -> None:
    target = PACKAGE / layer
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    assert files and all(path.is_file() for path in files)
    offences = {
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if in_layer(module, *FORBIDDEN[layer])
    }
    assert offences == set()


def test_the_import_scan_sees_lazy_and_relative_imports() -> None:
    # The layering test above is only as good as this scanner.
    source = "from . import tasks\nfrom ..db import engine\n\ndef later():\n    import textual.app\n"
    found = imports_in(source, "tui_tasks.services")
    assert found == {
        "tui_tasks.services",
        "tui_tasks.services.tasks",
        "tui_tasks.db",
        "tui_tasks.db.engine",
        "textual.app",
    }
    assert in_layer("textual.app", "textual") and not in_layer("textualize", "textual")
