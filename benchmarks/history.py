"""Bulk writes and undo at 1k / 10k / 100k tasks (issue 11), in-process, on SQLite.

    python benchmarks/history.py [--sizes 1000 10000 100000] [--repeat 5] [--db PATH]

Builds one database per size through the real import (run.py's Taskwarrior file), timing the import
with its log entry, then times: 1,000 selected pending tasks marked done (`bulk_complete`, target
≤ 300 ms at 100k), its undo, the undo of a single toggle (target ≤ 50 ms at 100k), and a delete of
1,000 tasks and its undo (which makes them again, the slowest kind). Medians of
`--repeat` runs (each bulk is undone before the next, so every run writes the same 1,000 tasks).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.run import taskwarrior_file  # noqa: E402
from tui_tasks.config import Settings, parse_database  # noqa: E402
from tui_tasks.domain import SortField, TaskFilter, TaskQuery  # noqa: E402
from tui_tasks.services.facade import open_services  # noqa: E402
from tui_tasks.services.history import History  # noqa: E402
from tui_tasks.services.transfer import import_tasks  # noqa: E402


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(size: int, repeat: int, root: Path) -> dict[str, float]:
    services = open_services(Settings(db=parse_database(str(root / f"tasks-{size}.db")), bcrypt_rounds=4))
    try:
        user = services.accounts.register("bench@example.com", "bench-password", "Bench")
        source = root / f"tasks-{size}.json"
        taskwarrior_file(source, size)
        started = time.perf_counter()
        import_tasks(services, user, source, "taskwarrior")
        result = {"import_s": round(time.perf_counter() - started, 2)}
        history = History(services.db, services.tasks.clock)
        ids: list[int] = []
        cursor = None
        while len(ids) < 1000:
            page = services.tasks.page(user, TaskQuery(filter=TaskFilter.PENDING), cursor, limit=500)
            ids += [t.id for t in page.tasks if not t.completed][: 1000 - len(ids)]
            cursor = page.next_cursor
            if cursor is None:
                break
        bulk, bulk_undo, one_undo = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            services.tasks.bulk_complete(user, ids, True)
            bulk.append(time.perf_counter() - started)
            started = time.perf_counter()
            history.undo(user)
            bulk_undo.append(time.perf_counter() - started)
            services.tasks.toggle(user, ids[0])
            started = time.perf_counter()
            history.undo(user)
            one_undo.append(time.perf_counter() - started)
        result |= {"selected": len(ids), "bulk_done_1000_ms": ms(statistics.median(bulk)),
                   "undo_bulk_1000_ms": ms(statistics.median(bulk_undo)), "undo_one_ms": ms(statistics.median(one_undo))}  # fmt: skip
        deleted, undeleted = [], []
        for _ in range(max(1, repeat // 2)):  # the undo that makes tasks again is the slowest kind
            started = time.perf_counter()
            services.tasks.bulk_delete(user, ids)
            deleted.append(time.perf_counter() - started)
            started = time.perf_counter()
            history.undo(user)
            undeleted.append(time.perf_counter() - started)
            ids = [t.id for t in services.tasks.page(user, TaskQuery(filter=TaskFilter.PENDING), limit=500).tasks]
            ids += [t.id for t in services.tasks.page(user, TaskQuery(filter=TaskFilter.PENDING, sort=SortField.DUE), limit=500).tasks]
            ids = list(dict.fromkeys(ids))[:1000]
        result["delete_1000_ms"] = ms(statistics.median(deleted))
        result["undo_delete_1000_ms"] = ms(statistics.median(undeleted))
        return result
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            report[size] = run(size, args.repeat, Path(folder))
            print(size, json.dumps(report[size]), flush=True)


if __name__ == "__main__":
    main()
