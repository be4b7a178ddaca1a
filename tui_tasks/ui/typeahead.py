"""Type-ahead: input typed in a burst is handled in order, each key where the ones before it sent the focus.

Textual hands every key to the widget focused when the app reads it, and the widget handles it later in
its own task; the bindings a key bubbles up to run later still, in the app. So in a burst the keys
behind one that moves the focus, opens or closes a screen, or submits a form still went where the focus
was: autotype's password landed in the Email field in plain text, a title typed after `a` was lost.
TypeAhead lets an input event through at once when nothing is pending (ordinary typing waits for
nothing), and holds the ones behind it until it has taken effect: its messages handled along the
focus chain, the focus and the screen stack settled (a new screen mounted, focused and drawn once),
and, on a dialog (a modal screen, which its worker usually closes) or while nothing has the focus (a
log-in's form is disabled while bcrypt runs), the workers it started finished. Then the next goes.
A full screen's workers (a page, a toggle, a stats read) fetch or save behind it: keys go on at once,
unless the screen said the event's effect is still on its way (`hold`: quick add's line closes at once and
its task is saved behind it; the keys after its Enter act on the new task's row once the list shows it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import events, messages
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

SETTLE_LIMIT_S = 1.0  # a second in which the widgets an event went through answer nothing while the
# process idles: they are stuck, and everything held is let through (a busy, slow machine is not stuck)
IDLE_SHARE = 0.05  # idle: less CPU than this share of the time (the app's timers alone; mounting a screen
# on a 2-core VM shared with 7 busy processes still got 0.2 and more)
WORKER_LIMIT_S = 10.0  # the most that held input waits in any case (a log-in's bcrypt at a high cost)
POLL_S = 0.02  # how often a wait looks for a widget that closed with a marker still in its queue
PASSIVE = (events.Timer, messages.Update, messages.Layout, messages.UpdateScroll, messages.ScrollToRegion,
           messages.Prompt)  # repaints and timer ticks (a loading indicator, a blinking cursor): no focus moves  # fmt: skip
SETTLES = (events.Key, events.Paste, events.MouseDown, events.MouseUp)  # may move the focus or a screen
log = logging.getLogger("tui_tasks.ui")
Wait = tuple[Callable[[], bool], asyncio.Future[None]]  # (is what answers still there, its answer)


class TypeAhead:
    """The app's gate for input events: `receive` every event the app gets; `dispatch` handles one."""

    def __init__(self, app: App, dispatch: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch
        self.held: deque[events.Event] = deque()
        self.settling: asyncio.Task[None] | None = None
        self.screen_seen: object = None  # the screen the last settling ended on
        self.pending: list[Wait] = []  # effects a screen said are still on their way (see `hold`)

    def hold(self, owner: MessagePump) -> Callable[[], None]:
        """Tell the gate the input being handled has an effect still on its way that the keys behind it
        must see (a save, then the list showing its row): they wait until the returned function is
        called, `owner` closes, or WORKER_LIMIT_S after the input. Calling it again does nothing."""
        marker = asyncio.get_running_loop().create_future()
        self.pending.append((lambda: owner.is_running, marker))
        if self.settling is None:
            self._settle()  # said outside any input's settling: what comes next waits all the same
        return lambda: _answer(marker)

    async def receive(self, event: events.Event) -> None:
        """Handle `event` now, or hold it until the input before it has taken effect."""
        if not isinstance(event, (events.Key, events.Paste, events.MouseEvent)) or event.is_forwarded:
            await self.dispatch(event)  # not input, or input on its way down to a widget
        elif self.held or self.settling is not None:
            if self._quits(event):
                await self.dispatch(event)
            else:
                self.held.append(event)
        elif self._screen() is not self.screen_seen:
            self.held.append(event)  # a screen opened by a timer or a worker may not have its focus yet
            self._settle()
        else:
            await self._handle(event)

    async def _handle(self, event: events.Event) -> None:
        workers = {*self.app.workers} if isinstance(event, SETTLES) else None
        await self.dispatch(event)  # (the app reads nothing else meanwhile)
        if workers is not None:
            self._settle(workers)  # after: the widget's task, woken first, handles the key first

    def _settle(self, workers: set[Worker] | None = None) -> None:
        workers = {*self.app.workers} if workers is None else workers
        self.settling = asyncio.create_task(self._wait_until_settled(workers))

    async def _release(self, everything: bool = False) -> None:
        """Handle what was held in order, up to the next event that may move the focus (or everything:
        the wait gave up, and what arrived meanwhile queued behind)."""
        if everything:
            held, self.held, self.settling = self.held, deque(), None
            for event in held:
                await self.dispatch(event)
            self.screen_seen = self._screen()
        while self.held and self.settling is None:
            await self._handle(self.held.popleft())

    def _quits(self, event: events.Event) -> bool:
        """Quitting jumps the queue: ctrl+q works while keys wait for a slow log-in."""
        bindings = self.app._bindings.key_to_bindings.get(event.key, ()) if isinstance(event, events.Key) else ()
        return any(binding.action == "quit" for binding in bindings)

    def _screen(self) -> object:
        try:
            return self.app.screen
        except Exception:  # no screen yet, or the app is closing
            return None

    async def _wait_until_settled(self, workers_before: set[Worker]) -> None:
        start = time.monotonic()
        try:
            await self._settled(start + WORKER_LIMIT_S, workers_before)
        except _Closing:
            self.settling, self.pending = None, []
            return
        except Exception as error:  # stuck (or a bug here): never keep the input
            log.warning("type-ahead: input unsettled after %.1f s; %d held events let through",
                        time.monotonic() - start, len(self.held), exc_info=not isinstance(error, TimeoutError))  # fmt: skip
            self.pending = []  # given up on: the input after this waits for nothing it said
            self.app.call_later(self._release, True)  # still settling until then: nothing overtakes
            return
        self.screen_seen, self.settling = self._screen(), None
        if self.held:
            self.app.call_later(self._release)

    async def _settled(self, limit: float, workers_before: set[Worker]) -> None:
        """Return once the event's effects are done; TimeoutError if they are stuck or past `limit`."""
        first_screen = self._screen()
        while True:
            while not await self._quiet(limit):
                if time.monotonic() > limit:
                    raise TimeoutError
            screen = self._screen()
            if screen is not first_screen:  # drawn once before keys and clicks go to it
                first_screen, marker = screen, asyncio.get_running_loop().create_future()
                if screen.call_after_refresh(_answer, marker):
                    await self._wait([(lambda: screen.is_running and screen.is_current, marker)], limit)
                continue
            self.pending = [(alive, marker) for alive, marker in self.pending if not marker.done() and alive()]
            if self.pending:  # e.g. a save and its row (the process may sleep on I/O meanwhile)
                await self._wait(self.pending, limit, stuck=False)
                continue  # then whatever showing it caused settles too
            started = [w for w in self.app.workers if w not in workers_before and w.state is WorkerState.RUNNING]
            nowhere = self.app.focused is None  # a form disabled while its worker runs (a log-in's bcrypt)
            if not started or not (nowhere or isinstance(screen, ModalScreen)):
                return  # a full screen's workers fetch or save behind it: the keys behind them go at once
            loop = asyncio.get_running_loop()
            finished = [loop.create_future() for _ in started]
            for worker, future in zip(started, finished):
                loop.create_task(_when_finished(worker, future))
            await self._wait([(lambda: True, future) for future in finished], limit, stuck=False)  # may sleep on I/O

    def _state(self) -> tuple[object, object, list[MessagePump]]:
        """The screen, the focused widget, and the chain an input event and what it causes travel:
        the focused widget (or the screen) up to the app."""
        screen = self._screen()
        if screen is None:
            raise _Closing
        focused = screen.focused
        return screen, focused, list(focused.ancestors_with_self) if focused is not None else [screen, self.app]

    async def _quiet(self, limit: float) -> bool:
        """One round: a marker behind whatever waits in the chain (and always in the app's queue: the app
        may be busy mounting a screen). True if, once every marker is through, nothing waits in the
        chain and neither the screen nor the focus changed: whatever the event caused along the chain
        was handled, and anything it caused on the way shows up in a queue or in the focus."""
        screen, focused, chain = self._state()
        loop = asyncio.get_running_loop()
        markers: list[Wait] = []
        for pump in chain:
            if pump is self.app or _waiting(pump):
                marker = loop.create_future()
                if pump.call_later(_answer, marker):
                    markers.append((lambda pump=pump: pump.is_running, marker))
        if not markers:
            raise _Closing
        await self._wait(markers, limit)
        busy = any(_waiting(pump) for pump in chain) or bool(self.app._next_callbacks)
        return not busy and self._state()[:2] == (screen, focused)

    async def _wait(self, waits: list[Wait], limit: float, *, stuck: bool = True) -> None:
        """Until every answer came or what should give it is gone. TimeoutError past `limit`, or, when
        `stuck` is checked, after SETTLE_LIMIT_S without an answer in which the process did next to nothing."""
        since, cpu = time.monotonic(), time.process_time()
        while waits:
            if self.app._closing or not self.app.is_running:
                raise _Closing
            await asyncio.wait([future for _, future in waits], timeout=POLL_S)
            waits = [(alive, future) for alive, future in waits if not future.done() and alive()]
            now = time.monotonic()
            if waits and now > limit:
                raise TimeoutError
            if waits and stuck and now - since > SETTLE_LIMIT_S:
                if time.process_time() - cpu < IDLE_SHARE * (now - since):
                    raise TimeoutError
                since, cpu = now, time.process_time()  # working: a slow machine, not a stuck app


def _waiting(pump: MessagePump) -> bool:
    """Whether a message that could move the focus waits in `pump`'s queue (input not yet read by the
    app is held when it is read, so it moves nothing either)."""
    return any(
        not (isinstance(message, PASSIVE) or isinstance(message, events.InputEvent) and not message.is_forwarded)
        for message in pump._message_queue.values
    )


class _Closing(Exception):
    """The app is closing (or has no screen): nothing is left to settle."""


def _answer(marker: asyncio.Future[None]) -> None:
    if not marker.done():
        marker.set_result(None)


async def _when_finished(worker: Worker, future: asyncio.Future[None]) -> None:
    """Answer `future` when `worker` ends, however it ends (from a task of its own: a wait that gives
    up must never cancel the worker's task it awaits)."""
    with suppress(Exception, asyncio.CancelledError):
        await worker.wait()
    _answer(future)
