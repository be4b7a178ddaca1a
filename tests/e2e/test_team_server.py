"""The README's team-server recipe, run as written on a throwaway PostgreSQL server.

The SQL block marked `<!-- team-sql -->` in README.md is executed (role and database names made
unique for the run), the schema is created with `tui-tasks --upgrade` as the owner, and then
people work as the everyday role, which can read and write rows but not change the schema.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

from tests.conftest import PG_URL, REQUIRE_POSTGRES
from tui_tasks.config import Settings, parse_database
from tui_tasks.domain import Status, TaskDraft
from tui_tasks.services.facade import open_services
from tui_tasks.services.health import check_health

README = Path(__file__).parents[2] / "README.md"
SCRIPT = Path(sys.executable).with_name("tui-tasks")

pytestmark = pytest.mark.skipif(
    not PG_URL and not REQUIRE_POSTGRES, reason="needs TEST_POSTGRES_URL (.ci/with-postgres starts a server)"
)


def team_sql() -> str:
    readme = README.read_text()
    block = re.search(r"<!-- team-sql -->\s*```sql\n(.*?)```", readme, re.S)
    assert block, "README.md lost its team-sql block"
    return "\n".join(line.strip() for line in block.group(1).splitlines())


def run_sql(url: str, sql: str) -> None:
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")  # CREATE DATABASE
    with engine.connect() as conn:
        for statement in filter(None, (s.strip() for s in sql.split(";"))):
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture
def team(tmp_path):
    assert PG_URL, "REQUIRE_POSTGRES_TESTS=1 but TEST_POSTGRES_URL is not set"
    suffix = uuid.uuid4().hex[:8]
    names = {"tasks_owner": f"tasks_owner_{suffix}", "tasks_app": f"tasks_app_{suffix}", "tasks": f"tasks_{suffix}"}
    sql = re.sub(r"\b(tasks_owner|tasks_app|tasks)\b", lambda m: names[m.group(1)], team_sql())
    before, _, after = sql.partition(f"\\connect {names['tasks']}")
    admin = make_url(PG_URL)
    run_sql(PG_URL, before)
    run_sql(admin.set(database=names["tasks"]).render_as_string(hide_password=False), after)
    urls = {
        role: admin.set(username=names[role], password=None, database=names["tasks"]).render_as_string()
        for role in ("tasks_owner", "tasks_app")
    }
    yield urls
    run_sql(PG_URL, f"DROP DATABASE IF EXISTS {names['tasks']} WITH (FORCE); DROP ROLE IF EXISTS {names['tasks_app']}; "
                    f"DROP ROLE IF EXISTS {names['tasks_owner']}")  # fmt: skip


def test_the_readme_recipe_gives_an_everyday_role_that_works_but_cannot_change_the_schema(team, tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_STATE_HOME": str(tmp_path / "s")}  # fmt: skip
    upgraded = subprocess.run([str(SCRIPT), "--upgrade", "--db", team["tasks_owner"]], env=env, capture_output=True, text=True)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "has schema revision" in upgraded.stdout

    settings = Settings(db=parse_database(team["tasks_app"]), bcrypt_rounds=4)
    services = open_services(settings)  # the schema is current: the everyday role only reads the revision
    try:
        kim = services.accounts.register("kim@example.com", "kims-password")
        lee = services.accounts.register("lee@example.com", "lees-password")
        task = services.tasks.create(kim, TaskDraft("Ship it", tags=("release",)))
        services.tasks.toggle(kim, task.id)
        assert services.stats.summary(kim).counts.done == 1 and services.tasks.count(lee) == 0
        report = check_health(settings)
        assert report.status is Status.OK, [(c.name, c.status, c.message) for c in report.checks]
        with services.db.engine.connect() as conn:
            for ddl in ("DROP TABLE task_tag", "CREATE TABLE intruder (id int)", "ALTER TABLE task ADD COLUMN x int"):
                with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                    conn.execute(text(ddl))
                conn.rollback()
    finally:
        services.close()
