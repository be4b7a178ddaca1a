"""Any text typed into any field is either stored and read back as normalised, or refused with a message."""

from __future__ import annotations

import itertools

import pytest
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


# --- import parsers: any file is imported whole, or refused with a message and nothing written ----------

_NASTY = ["\x00", "\x1b[2J", "\u202e", "\u200b", "\ufeff", "🎉", "日本", "e\u0301", "\"", ",", "\n", "\r\n", "\\",
          "{", "]", "x" * 70_000, "(A) ", "x ", "due:", "+", "@"]  # fmt: skip


def _seed_export(services, user, fmt: str) -> str:
    import io

    from tui_tasks.services.transfer import export_tasks

    out = io.StringIO()
    export_tasks(services, user, out, fmt)
    return out.getvalue()


@st.composite
def _damaged(draw, seed: str) -> bytes:
    """A valid export cut, spliced with awkward text, or replaced by random bytes."""
    kind = draw(st.sampled_from(["cut", "splice", "bytes", "splice"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    text = seed
    if kind == "cut":
        return text[: draw(st.integers(0, len(text)))].encode()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        piece = draw(st.sampled_from(_NASTY) | st.text(_awkward, max_size=8))
        text = text[:at] + piece + text[at + cut :]
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("fmt", ["json", "csv", "taskwarrior", "todotxt"])
def test_any_import_file_goes_in_whole_or_is_refused_with_a_message(services, alice, tmp_path, fmt):
    from tui_tasks.errors import TasksError
    from tui_tasks.services.transfer import import_tasks

    for n, title in enumerate(["plain", "with, comma", 'a "quote"', "naïve 日本 🎉"]):
        services.tasks.create(alice, TaskDraft(title, description=f"line one\nline {n}", project="p", tags=("t",)))
    seed = _seed_export(services, alice, fmt)
    path = tmp_path / f"fuzz.{fmt}"

    @FUZZ
    @given(content=_damaged(seed), skip_invalid=st.booleans())
    def check(content: bytes, skip_invalid: bool) -> None:
        path.write_bytes(content)
        before = services.tasks.count(alice)
        try:
            result = import_tasks(services, alice, path, fmt, skip_invalid=skip_invalid)
        except TasksError as refused:
            assert refused.message and "Traceback" not in refused.message
            assert services.tasks.count(alice) == before  # nothing partly written
            return
        assert services.tasks.count(alice) == before + result.added

    check()
