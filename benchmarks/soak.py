"""The long soak: tests/soak.py for minutes instead of CI's 25 s, on SQLite and (with TEST_POSTGRES_URL,
e.g. under `bash .ci/with-postgres`) PostgreSQL.

    python benchmarks/soak.py [--minutes 10] [--seed 1]

Two windows of the real app in tmux (health every 0.5 s) add, toggle and delete tasks while CLI processes
import, export and run --check, and one window takes "Back up now" backups; at the end the database must
pass its integrity check and hold exactly what the screens reported saved. Prints the figures for
benchmarks/RESULTS.md and exits 1 if anything was lost or refused. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.soak import Soak  # noqa: E402


def _reset_postgres(url: str) -> None:
    from tests.conftest import reset_postgres

    reset_postgres(url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    targets = [("sqlite", None)]
    if os.environ.get("TEST_POSTGRES_URL"):
        targets.append(("postgresql", os.environ["TEST_POSTGRES_URL"]))
    failed = False
    for kind, url in targets:
        with tempfile.TemporaryDirectory(prefix="tui-tasks-soak-") as folder:
            workdir = Path(folder)
            if url is not None:
                _reset_postgres(url)
            soak = Soak(url or str(workdir / "data" / "tasks.db"), workdir, seed=args.seed)
            started = time.monotonic()
            outcomes = soak.run(args.minutes * 60)
            problems = soak.verify()
            minutes = (time.monotonic() - started) / 60
            held = soak.held()
            tasks = sum(len(v) for v in held.values())
            ops = dict(sorted(outcomes.operations.items()))
            print(f"{kind}: {minutes:.1f} min, 2 app windows + 1 CLI loop (3 processes at a time), "
                  f"{sum(ops.values())} operations {ops}, {tasks} tasks at the end, "
                  f"{len(outcomes.refused)} refused, {len(problems)} lost or wrong")  # fmt: skip
            for line in [*outcomes.refused, *problems]:
                print(f"  {line[:500]}")
            failed |= bool(problems or outcomes.refused)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
