"""Saves off the event loop: the one way a screen writes to the store.

A save may wait up to ten seconds for the store's lock (another admin is saving), then
re-encrypts and signs the whole document (a second at 10,000 people on a busy machine);
changing admins runs Argon2id several times. Done on Textual's event loop, the kiosk would
freeze for all that time: no key answered, nothing drawn. So every screen hands its save
to :func:`save_in_thread`, which

- runs the domain call in a Textual thread worker;
- shows that it is working (a "Saving…" line just above the footer) while the screen keeps
  answering keys (moving around, reading, typing: what does not need the store);
- refuses a second save while one is pending, anywhere in the app (one admin, one change
  at a time; the store itself would refuse a nested transaction);
- tells the app, which holds its store poll, its idle lock and Ctrl+L (and navigation,
  which would read the store under the save's lock) until the save is done: see
  :func:`save_pending` and :func:`after_save`;
- hands the result back on the event loop (the worker posts it to the app, as Textual's
  ``call_from_thread`` does), where ``done`` updates the screen as the old synchronous
  code did.

Errors keep their old meaning. The screen's ``refused`` callback takes the domain's own
refusals (field errors, a rule broken) and shows them; a store error (busy, disk full,
damaged, revoked) goes to the app's :meth:`~screens.shell.KioskShell.store_problem`, the
same sentence-not-crash handling a key's action gets; anything else is a fault in kiosk
and goes to the crash report, exactly as it would have on the event loop.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from kiosk.i18n import _

if TYPE_CHECKING:
    from screens.shell import KioskShell

T = TypeVar("T")

SAVING_LINE_ID = "saving-line"


class SavingLine(Static):
    """The working state: one line above the footer, shown only while a save runs."""

    DEFAULT_CSS = """
    SavingLine {
        dock: bottom;
        offset-y: -1;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    """


@dataclass(slots=True)
class _Pending:
    """The save an app is running: which screen started it and what waits for it."""

    screen: Screen[Any]
    waiting: list[Callable[[], object]] = field(default_factory=list)


_PENDING: weakref.WeakKeyDictionary[App[Any], _Pending] = weakref.WeakKeyDictionary()


def save_pending(app: App[Any]) -> bool:
    """Is a save running in this app now? (The poll, the idle lock, Ctrl+L and navigation
    hold off while it is: each would read the store under the save's lock.)"""
    return app in _PENDING


def saving_on(screen: Screen[Any]) -> bool:
    """Did this screen start the save that is running? (Its Escape waits for it: the
    result comes back to the screen.)"""
    pending = _PENDING.get(screen.app)
    return pending is not None and pending.screen is screen


def after_save(app: App[Any], callback: Callable[[], object]) -> None:
    """Run ``callback`` on the event loop once the pending save is done (at once if none)."""
    pending = _PENDING.get(app)
    if pending is None:
        callback()
    else:
        pending.waiting.append(callback)


def say_still_saving(node: Screen[Any]) -> None:
    """The answer to a key that must wait for the save."""
    node.notify(_("Saving\u2026 one moment."), timeout=3)


def save_in_thread(
    screen: Screen[Any],
    save: Callable[[], T],
    done: Callable[[T], object],
    *,
    refused: Callable[[Exception], bool] | None = None,
    working: str | None = None,
) -> bool:
    """Run ``save`` (the domain call that writes the store) in a thread worker.

    ``done(result)`` runs on the event loop when it returns. When it raises, ``refused``
    (if given) is asked first and answers True when it has shown the domain's refusal;
    a store error otherwise reaches the app's ``store_problem`` (a sentence, or a lock
    for a damaged or revoked store); anything else is a crash, reported as any other.
    Answers False, and saves nothing, when a save is already running.
    """
    app = screen.app
    if save_pending(app):
        say_still_saving(screen)
        return False
    pending = _Pending(screen)
    _PENDING[app] = pending
    line = SavingLine(working or _("Saving\u2026"), id=SAVING_LINE_ID)
    screen.mount(line)

    def finish(result: T | None, error: Exception | None) -> None:
        if _PENDING.get(app) is pending:
            del _PENDING[app]
        if line.is_attached:
            line.remove()
        try:
            if screen.is_attached and cast("KioskShell", app).unlocked:
                if error is None:
                    done(cast(T, result))
                elif not (refused is not None and refused(error)):
                    _store_or_crash(app, error)
            elif error is not None:
                _store_or_crash(app, error)
        finally:
            for callback in pending.waiting:
                callback()

    def in_thread() -> None:
        try:
            result = save()
        except Exception as error:  # handed to the event loop, which decides
            outcome: tuple[T | None, Exception | None] = (None, error)
        else:
            outcome = (result, None)
        if app.is_running:  # gone (a crash elsewhere): nothing left to tell
            app.call_from_thread(finish, *outcome)

    screen.run_worker(in_thread, thread=True, group="save", name="save", exit_on_error=True)
    return True


def told(
    screen: Screen[Any], *kinds: type[Exception], timeout: float = 8
) -> Callable[[Exception], bool]:
    """A ``refused`` for :func:`save_in_thread` that shows a refusal of one of ``kinds``
    (a domain rule, whose message names it) as an error notification."""

    def refused(error: Exception) -> bool:
        if isinstance(error, kinds):
            screen.notify(str(error), severity="error", timeout=timeout)
            return True
        return False

    return refused


def _store_or_crash(app: App[Any], error: Exception) -> None:
    from store import StoreError

    if isinstance(error, StoreError):
        cast("KioskShell", app).store_problem(error)
        return
    raise error
