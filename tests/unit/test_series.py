"""Repeating tasks through the services: completing an instance makes the next one once, on the rule, from the
series' template; skip, stop, COUNT and UNTIL end or move a series; edits of the whole series or of one instance."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from hypothesis import strategies as st

from tui_tasks.domain import Priority, Recurrence, TaskDraft, TaskQuery, TaskView, UserView, local_date
from tui_tasks.errors import NotFound
from tui_tasks.services.facade import open_services

DAILY = Recurrence("FREQ=DAILY")
START = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)  # a Monday; every due below is after it
_emails = itertools.count()


@pytest.fixture(autouse=True)
def _start_of_test(clock) -> None:
    clock.now = START


def new_user(services) -> UserView:
    return services.accounts.register(f"series{next(_emails)}@example.com", "password-123")


def instances(services, user: UserView, series_id: int) -> list[TaskView]:
    """Every instance of the series, by occurrence."""
    tasks = services.tasks.page(user, TaskQuery(), limit=500).tasks
    return sorted((t for t in tasks if t.series_id == series_id), key=lambda t: t.occurrence)


def open_instance(services, user: UserView, series_id: int) -> TaskView:
    [task] = [t for t in instances(services, user, series_id) if not t.completed]
    return task


def dues_when_completed_in_turn(services, user, first: TaskView, times: int) -> list:
    """Complete the open instance `times` times; the dues of the instances that came."""
    dues = []
    current = first
    for _ in range(times):
        services.tasks.complete(user, current.id)
        current = open_instance(services, user, first.series_id)
        dues.append(current.due)
    return dues


# --- the next instance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "first", "expected"),
    [
        ("FREQ=DAILY", date(2026, 12, 1), [date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)]),
        ("FREQ=DAILY;INTERVAL=3", date(2026, 12, 1), [date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 10)]),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 12, 4), [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)]),
        ("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 11, 27), [date(2026, 12, 25), date(2027, 1, 29), date(2027, 2, 26)]),
    ],
    ids=["daily", "every-3-days", "weekdays-over-a-weekend", "monthly-last-friday"],
)
def test_completing_an_instance_makes_the_next_on_the_rule(services, alice, rule, first, expected):
    task = services.tasks.create(alice, TaskDraft("repeat", due=first, recurrence=Recurrence(rule)))
    assert (task.occurrence, task.recurrence) == (0, Recurrence(rule))
    assert dues_when_completed_in_turn(services, alice, task, 3) == expected
    assert [t.occurrence for t in instances(services, alice, task.series_id)] == [0, 1, 2, 3]


def test_after_completion_counts_from_the_day_it_was_done(services, alice, clock):
    rule = Recurrence("FREQ=DAILY;INTERVAL=3", after_completion=True)
    task = services.tasks.create(alice, TaskDraft("water plants", due=date(2026, 12, 1), recurrence=rule))
    clock.now = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)  # done four days late
    services.tasks.complete(alice, task.id)
    assert open_instance(services, alice, task.series_id).due == date(2026, 12, 8)
    clock.now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)  # and the next two days early
    services.tasks.complete(alice, open_instance(services, alice, task.series_id).id)
    assert open_instance(services, alice, task.series_id).due == date(2026, 12, 9)


def test_the_next_instance_carries_the_template_and_starts_open(services, alice, clock):
    task = services.tasks.create(alice, TaskDraft(
        "Pay rent", description="to the landlord", priority=Priority.HIGH, due=date(2026, 12, 1),
        project="Home", tags=("bills", "money"), recurrence=Recurrence("FREQ=MONTHLY"),
    ))  # fmt: skip
    clock.advance(hours=1)
    services.tasks.complete(alice, task.id)
    following = open_instance(services, alice, task.series_id)
    assert following.id != task.id
    assert (following.title, following.description, following.priority) == ("Pay rent", "to the landlord", Priority.HIGH)
    assert (following.project, following.tags, following.due) == ("Home", ("bills", "money"), date(2027, 1, 1))
    assert (following.completed, following.completed_at, following.version) == (False, None, 1)
    assert following.recurrence == Recurrence("FREQ=MONTHLY") and following.uuid not in ("", task.uuid)
    assert following.created_at == clock()
    assert services.tasks.get(alice, task.id).completed


def test_reopening_and_completing_again_makes_no_second_instance(services, alice):
    task = services.tasks.create(alice, TaskDraft("daily", due=date(2026, 12, 1), recurrence=DAILY))
    services.tasks.toggle(alice, task.id)
    services.tasks.toggle(alice, task.id)
    assert not services.tasks.get(alice, task.id).completed
    services.tasks.toggle(alice, task.id)
    services.tasks.complete(alice, task.id)  # already done: nothing at all
    assert [(t.occurrence, t.due) for t in instances(services, alice, task.series_id)] == [
        (0, date(2026, 12, 1)), (1, date(2026, 12, 2)),
    ]  # fmt: skip


def test_completing_from_a_second_window_makes_no_second_instance(services, settings, alice, clock):
    task = services.tasks.create(alice, TaskDraft("daily", due=date(2026, 12, 1), recurrence=DAILY))
    other = open_services(settings, clock)
    try:
        services.tasks.complete(alice, task.id)
        other.tasks.complete(alice, task.id)
        other.tasks.toggle(alice, task.id)
        services.tasks.toggle(alice, task.id)
    finally:
        other.close()
    assert [t.occurrence for t in instances(services, alice, task.series_id)] == [0, 1]


def test_skip_removes_this_instance_and_makes_the_next(services, alice):
    task = services.tasks.create(alice, TaskDraft("standup", due=date(2026, 12, 4), recurrence=Recurrence("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")))  # fmt: skip
    following = services.tasks.skip(alice, task.id)
    assert (following.due, following.occurrence, following.completed) == (date(2026, 12, 7), 1, False)
    with pytest.raises(NotFound):
        services.tasks.get(alice, task.id)
    assert [t.id for t in instances(services, alice, task.series_id)] == [following.id]


def test_skip_of_a_task_that_does_not_repeat_is_refused_and_keeps_it(services, alice):
    task = services.tasks.create(alice, TaskDraft("once", due=date(2026, 12, 1)))
    with pytest.raises(NotFound, match="does not repeat"):
        services.tasks.skip(alice, task.id)
    assert services.tasks.get(alice, task.id) == task


def test_stop_repeating_keeps_the_instances_and_makes_no_more(services, alice):
    task = services.tasks.create(alice, TaskDraft("daily", due=date(2026, 12, 1), recurrence=DAILY))
    services.tasks.complete(alice, task.id)
    current = open_instance(services, alice, task.series_id)
    stopped = services.tasks.stop_repeating(alice, current.id)
    assert stopped.recurrence is None and stopped.version == current.version + 1
    services.tasks.complete(alice, current.id)
    assert [(t.occurrence, t.completed) for t in instances(services, alice, task.series_id)] == [(0, True), (1, True)]


@pytest.mark.parametrize("rule", ["FREQ=DAILY;COUNT=3", "FREQ=DAILY;UNTIL=20261203"])
def test_count_and_until_end_the_series(services, alice, rule):
    task = services.tasks.create(alice, TaskDraft("thrice", due=date(2026, 12, 1), recurrence=Recurrence(rule)))
    assert dues_when_completed_in_turn(services, alice, task, 2) == [date(2026, 12, 2), date(2026, 12, 3)]
    services.tasks.complete(alice, open_instance(services, alice, task.series_id).id)
    assert [(t.due, t.completed) for t in instances(services, alice, task.series_id)] == [
        (date(2026, 12, 1), True), (date(2026, 12, 2), True), (date(2026, 12, 3), True),
    ]  # fmt: skip


def test_skipping_the_last_instance_of_a_series_ends_it(services, alice):
    task = services.tasks.create(alice, TaskDraft("once more", due=date(2026, 12, 1), recurrence=Recurrence("FREQ=DAILY;COUNT=2")))  # fmt: skip
    last = services.tasks.skip(alice, task.id)
    assert services.tasks.skip(alice, last.id) is None
    assert instances(services, alice, task.series_id) == []


# --- edits -------------------------------------------------------------------------------------------


def test_editing_the_whole_series_changes_the_template_of_the_instances_to_come(services, alice):
    task = services.tasks.create(alice, TaskDraft("gym", due=date(2026, 12, 1), tags=("health",), recurrence=DAILY))
    edited = services.tasks.update(alice, task.id, replace(task.draft(), title="swim", tags=("pool",), priority=Priority.LOW, project="Sport"))  # fmt: skip
    assert (edited.title, edited.occurrence) == ("swim", 0)
    services.tasks.complete(alice, task.id)
    following = open_instance(services, alice, task.series_id)
    assert (following.title, following.tags, following.priority, following.project) == ("swim", ("pool",), Priority.LOW, "Sport")  # fmt: skip
    assert following.due == date(2026, 12, 2)


def test_a_new_rule_for_the_whole_series_counts_from_this_instance(services, alice):
    task = services.tasks.create(alice, TaskDraft("review", due=date(2026, 12, 1), recurrence=DAILY))
    services.tasks.complete(alice, task.id)
    current = open_instance(services, alice, task.series_id)  # due Wed 2 Dec
    weekly = Recurrence("FREQ=WEEKLY;COUNT=3")
    edited = services.tasks.update(alice, current.id, replace(current.draft(), recurrence=weekly))
    assert edited.recurrence == weekly and edited.occurrence > current.occurrence
    assert dues_when_completed_in_turn(services, alice, edited, 2) == [date(2026, 12, 9), date(2026, 12, 16)]
    services.tasks.complete(alice, open_instance(services, alice, task.series_id).id)  # the third: COUNT ends it
    occurrences = [t.occurrence for t in instances(services, alice, task.series_id)]
    assert len(occurrences) == len(set(occurrences)) == 4  # the first, this one renumbered, two more
    assert all(t.completed for t in instances(services, alice, task.series_id))


def test_a_new_rule_for_a_series_whose_instance_has_no_due_counts_from_today(services, alice, clock):
    task = services.tasks.create(alice, TaskDraft("review", due=date(2026, 12, 1), recurrence=DAILY))
    edited = services.tasks.update(alice, task.id, replace(task.draft(), due=None, recurrence=Recurrence("FREQ=WEEKLY")))
    assert edited.due == local_date(clock()) and edited.recurrence == Recurrence("FREQ=WEEKLY")
    services.tasks.complete(alice, task.id)
    assert open_instance(services, alice, task.series_id).due == local_date(clock()) + timedelta(weeks=1)


def test_editing_one_instance_leaves_the_template(services, alice):
    task = services.tasks.create(alice, TaskDraft("gym", due=date(2026, 12, 1), tags=("health",), recurrence=DAILY))
    edited = services.tasks.update(alice, task.id, replace(task.draft(), title="gym, legs day", tags=("legs",)), whole_series=False)  # fmt: skip
    assert edited.title == "gym, legs day" and edited.recurrence == DAILY
    services.tasks.complete(alice, task.id)
    following = open_instance(services, alice, task.series_id)
    assert (following.title, following.tags, following.due) == ("gym", ("health",), date(2026, 12, 2))


def test_a_different_rule_for_one_instance_does_not_change_the_series(services, alice):
    task = services.tasks.create(alice, TaskDraft("gym", due=date(2026, 12, 1), recurrence=DAILY))
    services.tasks.update(alice, task.id, replace(task.draft(), recurrence=Recurrence("FREQ=WEEKLY")), whole_series=False)
    services.tasks.complete(alice, task.id)
    assert open_instance(services, alice, task.series_id).due == date(2026, 12, 2)


@pytest.mark.parametrize("whole_series", [True, False])
def test_removing_the_rule_in_an_edit_stops_the_series(services, alice, whole_series):
    task = services.tasks.create(alice, TaskDraft("daily", due=date(2026, 12, 1), recurrence=DAILY))
    edited = services.tasks.update(alice, task.id, replace(task.draft(), recurrence=None), whole_series=whole_series)
    assert edited.recurrence is None
    services.tasks.complete(alice, task.id)
    assert [t.id for t in instances(services, alice, task.series_id)] == [task.id]


def test_adding_a_rule_to_a_plain_task_starts_a_series(services, alice):
    task = services.tasks.create(alice, TaskDraft("plain", due=date(2026, 12, 1)))
    edited = services.tasks.update(alice, task.id, replace(task.draft(), recurrence=DAILY))
    assert (edited.recurrence, edited.occurrence) == (DAILY, 0) and edited.series_id is not None
    services.tasks.complete(alice, task.id)
    assert open_instance(services, alice, edited.series_id).due == date(2026, 12, 2)


# --- time zones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone_name", "first"),
    [("Europe/Berlin", datetime(2026, 10, 24, 9, 30)), ("Europe/Berlin", datetime(2026, 3, 28, 9, 30)),
     ("America/New_York", datetime(2026, 10, 31, 9, 30))],
    ids=["berlin-autumn", "berlin-spring", "new-york-autumn"],
)  # fmt: skip
def test_a_timed_due_keeps_its_local_time_across_a_dst_change(services, alice, local_zone, zone_name, first):
    local_zone(zone_name)
    local = ZoneInfo(zone_name)
    due = first.replace(tzinfo=local)
    task = services.tasks.create(alice, TaskDraft("call mum", due=due, recurrence=DAILY))
    dues = dues_when_completed_in_turn(services, alice, task, 2)
    assert [d.astimezone(local).replace(tzinfo=None) for d in dues] == [first + timedelta(days=1), first + timedelta(days=2)]
    offsets = {d.astimezone(local).utcoffset() for d in [task.due, *dues]}
    assert len(offsets) == 2  # the rule did cross the change: the instants are not 24 h apart


def test_a_date_due_stays_a_whole_day_across_a_dst_change(services, alice, local_zone):
    local_zone("Europe/Berlin")
    task = services.tasks.create(alice, TaskDraft("bins", due=date(2026, 10, 24), recurrence=DAILY))
    assert dues_when_completed_in_turn(services, alice, task, 2) == [date(2026, 10, 25), date(2026, 10, 26)]


# --- property: any sequence of operations ----------------------------------------------------------------

RULES = [
    Recurrence("FREQ=DAILY"),
    Recurrence("FREQ=DAILY;INTERVAL=2"),
    Recurrence("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    Recurrence("FREQ=MONTHLY;BYMONTHDAY=1,15"),
    Recurrence("FREQ=DAILY;COUNT=4"),
    Recurrence("FREQ=DAILY;INTERVAL=2", after_completion=True),
]
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["complete", "reopen", "skip", "edit_rule", "complete_twice"]),
        st.integers(0, 50),  # which instance (of those the operation applies to)
        st.sampled_from(RULES),
        st.integers(0, 3),  # days the clock moves first
    ),
    max_size=12,
)


def _on_rule_after(rec: Recurrence, anchor: date, previous: date) -> date | None:
    """An oracle independent of tui_tasks.recurrence: the rule's first day after `previous`, from `anchor`."""
    rule = rrulestr(rec.rule, dtstart=datetime.combine(anchor, datetime.min.time()))
    found = rule.after(datetime.combine(max(previous, anchor), datetime.min.time()))
    return None if found is None else found.date()


def _complete_at_once(first, second, user: UserView, task_id: int) -> None:
    """Two windows complete the same instance at the same moment (one thread each)."""
    barrier = threading.Barrier(2)
    errors = []

    def run(services):
        try:
            barrier.wait(timeout=10)
            services.tasks.complete(user, task_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first_rule=st.sampled_from(RULES), operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_one_open_instance_on_the_rule(services, settings, clock, first_rule, operations):
    """At most one open instance unless the user reopened an old one; occurrences unique; each new instance
    due after the one completed (or skipped) and on the rule, counted from the series' anchor."""
    clock.now = START
    user = new_user(services)
    first = services.tasks.create(user, TaskDraft("prop", due=date(2026, 12, 1), recurrence=first_rule))
    series_id = first.series_id
    rule, anchor, anchor_occurrence, ended = first_rule, first.due, 0, False
    reopened: set[int] = set()  # old instances the user made pending again
    other = open_services(settings, clock)
    try:
        for name, pick, new_rule, days in operations:
            clock.advance(days=days)
            before = {t.id: t for t in instances(services, user, series_id)}
            done = [t for t in before.values() if t.completed]
            pending = [t for t in before.values() if not t.completed]
            head = [t for t in pending if t.id not in reopened]
            acted: TaskView | None = None
            if name in ("complete", "complete_twice") and pending:
                acted = pending[pick % len(pending)]
                if name == "complete":
                    services.tasks.complete(user, acted.id)
                else:
                    _complete_at_once(services, other, user, acted.id)
                reopened.discard(acted.id)
            elif name == "reopen" and done:
                task = done[pick % len(done)]
                services.tasks.toggle(user, task.id)
                reopened.add(task.id)
            elif name == "skip" and pending:
                acted = pending[pick % len(pending)]
                services.tasks.skip(user, acted.id)
                reopened.discard(acted.id)
            elif name == "edit_rule" and head:
                task = head[pick % len(head)]
                edited = services.tasks.update(user, task.id, replace(task.draft(), recurrence=new_rule))
                if new_rule != rule:
                    rule, anchor, anchor_occurrence, ended = new_rule, edited.due, edited.occurrence, False
                    assert edited.occurrence > max(t.occurrence for t in before.values())

            after = instances(services, user, series_id)
            occurrences = [t.occurrence for t in after]
            assert len(occurrences) == len(set(occurrences))
            assert len([t for t in after if not t.completed and t.id not in reopened]) <= 1, after
            made = [t for t in after if t.id not in before]
            assert len(made) <= 1, made
            if acted is not None and made:
                [new] = made
                assert new.occurrence == acted.occurrence + 1 and not new.completed
                if rule.after_completion:
                    assert new.due == local_date(clock()) + timedelta(days=2)
                else:
                    assert new.due > acted.due
                    assert new.due == _on_rule_after(rule, anchor, acted.due)
            elif acted is not None and acted.id not in reopened and acted.id in {t.id for t in head} and not ended:
                # the current instance completed or skipped and nothing came: only the end of the rule says so
                assert "COUNT=4" in rule.rule and acted.occurrence - anchor_occurrence == 3, (name, acted, rule)
                ended = True
    finally:
        other.close()


def test_a_new_time_for_the_whole_series_carries_to_the_instances_to_come_and_keeps_the_count(services, alice, local_zone):
    """Same rule, a new due time (09:00 -> 10:00) for the whole series: the next instances are at 10:00, and
    a COUNT still ends the series after as many instances as it had left."""
    local_zone("Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 12, 1, 9, tzinfo=berlin).astimezone(timezone.utc)
    task = services.tasks.create(alice, TaskDraft("stand-up", due=first, recurrence=Recurrence("FREQ=DAILY;COUNT=4")))
    services.tasks.complete(alice, task.id)
    second = open_instance(services, alice, task.series_id)  # 2 Dec 09:00, the second of four
    later = datetime(2026, 12, 2, 10, tzinfo=berlin).astimezone(timezone.utc)
    services.tasks.update(alice, second.id, replace(second.draft(), due=later))
    dues = []
    for _ in range(5):
        current = [t for t in instances(services, alice, task.series_id) if not t.completed]
        if not current:
            break
        dues.append(current[0].due.astimezone(berlin).strftime("%d %H:%M"))
        services.tasks.complete(alice, current[0].id)
    assert dues == ["02 10:00", "03 10:00", "04 10:00"]  # four in all: the first at 09:00, three at 10:00


def test_a_new_time_for_this_instance_only_leaves_the_series_time(services, alice, local_zone):
    local_zone("Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 12, 1, 9, tzinfo=berlin).astimezone(timezone.utc)
    task = services.tasks.create(alice, TaskDraft("stand-up", due=first, recurrence=DAILY))
    moved = datetime(2026, 12, 1, 11, tzinfo=berlin).astimezone(timezone.utc)
    services.tasks.update(alice, task.id, replace(task.draft(), due=moved), whole_series=False)
    services.tasks.complete(alice, task.id)
    assert open_instance(services, alice, task.series_id).due.astimezone(berlin).hour == 9


def test_skipping_an_instance_moves_its_subtasks_to_the_next_one(services, alice):
    """Found by the adversarial pass: the subtasks of a skipped instance went up to the top of the list."""
    weekly = services.tasks.create(alice, TaskDraft("clean the flat", due=date(2026, 12, 1), recurrence=Recurrence("FREQ=WEEKLY")))
    step = services.tasks.create(alice, TaskDraft("hoover", parent_id=weekly.id))
    following = services.tasks.skip(alice, weekly.id)
    assert following is not None and services.tasks.get(alice, step.id).parent_id == following.id
