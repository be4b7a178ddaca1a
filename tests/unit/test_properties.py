"""Any text typed into any field is either stored and read back as normalised, or refused with a message."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_tasks.domain import TaskDraft
from tui_tasks.errors import AuthError, ValidationError

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Everything hypothesis can produce, including NUL, lone surrogates, RTL marks and emoji.
_awkward = st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Mn", "So"]) | st.characters()
any_text = st.text(max_size=300) | st.text(_awkward, max_size=40) | st.text(min_size=195, max_size=260)
_unique = itertools.count()


def unique_email() -> str:
    return f"user{next(_unique)}@example.com"


def refused_with_message(error: ValidationError) -> bool:
    return bool(error.message) and bool(error.field)


@FUZZ
@given(email=any_text)
def test_any_email_is_stored_normalised_or_refused(services, email):
    try:
        user = services.accounts.register(email, "password-123")
    except ValidationError as error:
        assert refused_with_message(error)
        return
    assert user.email == email.strip().lower()
    assert services.accounts.me(user).email == user.email


@FUZZ
@given(password=any_text)
def test_any_password_works_for_log_in_or_is_refused(services, password):
    email = unique_email()
    try:
        user = services.accounts.register(email, password)
    except ValidationError as error:
        assert refused_with_message(error)
        return
    assert services.accounts.log_in(email, password).id == user.id
    try:
        services.accounts.log_in(email, password + "x")
    except (AuthError, ValidationError):
        pass
    else:
        raise AssertionError("a different password was accepted")


@FUZZ
@given(name=any_text)
def test_any_display_name_is_stored_trimmed_or_refused(services, name):
    try:
        user = services.accounts.register(unique_email(), "password-123", name)
    except ValidationError as error:
        assert refused_with_message(error)
        return
    assert services.accounts.me(user).display_name == (name.strip() or user.email.partition("@")[0])


@FUZZ
@given(title=any_text, description=any_text, project=any_text | st.none())
def test_any_task_text_is_stored_trimmed_or_refused(services, alice, title, description, project):
    try:
        task = services.tasks.create(alice, TaskDraft(title, description, project=project))
    except ValidationError as error:
        assert refused_with_message(error)
        return
    stored = services.tasks.get(alice, task.id)
    assert stored == task
    assert stored.title == title.strip()
    assert stored.description == description.replace("\r\n", "\n").strip()
    assert stored.project == ((project or "").strip() or None)


@FUZZ
@given(tags=st.lists(any_text, max_size=4))
def test_any_tags_are_stored_as_lowercase_words_or_refused(services, alice, tags):
    try:
        task = services.tasks.create(alice, TaskDraft("tagged", tags=tuple(tags)))
    except ValidationError as error:
        assert refused_with_message(error)
        return
    stored = services.tasks.get(alice, task.id)
    expected = sorted({t.strip().lstrip("#").lower() for t in tags if t.strip()})
    assert list(stored.tags) == expected
    assert all(t == t.lower() and " " not in t for t in stored.tags)
