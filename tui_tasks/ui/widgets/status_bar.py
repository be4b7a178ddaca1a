"""The bar at the bottom of every screen after log-in: database, health, latency, user."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from tui_tasks.domain import HealthReport, Status

# Health as the bar says it: a report's worst check decides.
STATES = {Status.OK: "ok", Status.WARN: "degraded", Status.FAIL: "down"}


class StatusBar(Horizontal):
    """Shows the app's latest health report; follows `app.health_signal`."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; }
    StatusBar Label { padding: 0 1; }
    StatusBar #status-place { width: 1fr; text-overflow: ellipsis; text-wrap: nowrap; }
    StatusBar #status-health { text-style: bold; }
    StatusBar.-ok #status-health { color: $success; }
    StatusBar.-degraded #status-health { color: $warning; }
    StatusBar.-down { background: $error-muted; color: $text; }
    StatusBar.-down #status-health { color: $text-error; }
    """

    report: reactive[HealthReport | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Label(id="status-place")
        yield Label(id="status-health")
        yield Label(id="status-user")

    def on_mount(self) -> None:
        settings = self.app.settings
        self.query_one("#status-place", Label).update(Content(f"{settings.db.kind} {settings.db.display}"))  # not markup
        user = self.app.user
        self.query_one("#status-user", Label).update(Content(user.display_name if user else ""))
        self.report = self.app.health
        self.app.health_signal.subscribe(self, self._health_changed)

    def _health_changed(self, report: HealthReport) -> None:
        self.report = report

    def watch_report(self, report: HealthReport | None) -> None:
        health = self.query_one("#status-health", Label)
        if report is None:
            health.update("checking…")
            return
        state = STATES[report.status]
        for name in STATES.values():
            self.set_class(name == state, f"-{name}")
        latency = next((c.latency_ms for c in report.checks if c.latency_ms is not None), None)
        problem = next((c for c in report.checks if c.status is report.status and c.status is not Status.OK), None)
        text = f"● {state}"
        if latency is not None:
            text += f" {latency:.0f} ms" if latency >= 1 else f" {latency:.1f} ms"
        if problem is not None:
            text += f" · {problem.message}"
        health.update(Content(text))  # messages hold paths: never markup
