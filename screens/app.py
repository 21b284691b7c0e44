"""The Textual shell: first-run setup or unlock, then the dashboard and every screen.

The shell owns what every screen shares and no screen should repeat: the one open store
(a :class:`~kiosk.session.Session`), locking (Ctrl+L and after minutes without a key),
noticing another admin's save and telling the screen (:class:`~screens.shell.StoreChanged`),
navigation and the command palette, and a crash report that never shows personal data.

Screens are imported only when first opened (see :mod:`screens.nav`), after the locale
is chosen, which keeps start-up close to a bare Textual app. No screen imports this
module: they reach the app through :class:`screens.shell.KioskShell`, so the app may
import any screen without closing a circle. The CLI launches it through :func:`run_tui`,
the one place ``kiosk`` imports ``screens`` (lazily, see pyproject's layers contract).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from kiosk import facts
from kiosk.clock import Clock, SystemClock
from kiosk.crash import EXIT_INTERNAL_ERROR, safe_crash_report
from kiosk.i18n import _, ngettext
from kiosk.validators import neutralise
from screens.nav import NAV, NavEntry
from screens.shell import DemoCredentials, KioskShell, StoreChanged
from screens.widgets.saving import after_save, save_in_thread, save_pending, say_still_saving

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.actions import ActionParseResult
    from textual.dom import DOMNode

    from kiosk.session import Session
    from store import KdfParams, Store

SETTLE_ROUNDS = 6  # message hops from a field's Enter to the focus moving, with margin
SETTLE_TIMEOUT = 0.25  # seconds per round at most: held keys are never lost or stuck
STORE_POLL_SECONDS = 2.0
IDLE_CHECK_SECONDS = 5.0

__all__ = ["DemoCredentials", "KioskApp", "run_tui"]


class KioskApp(App[int]):
    """The kiosk TUI over one store file."""

    TITLE = "kiosk"
    CSS = """
    Screen { background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", _("Lock"), priority=True),
        Binding("ctrl+n", "open('contacts')", _("Contacts")),
        # Help is everywhere but in no footer (footers are full at 80 columns): the
        # dashboard's key guide and the palette name it.
        Binding("f1", "help", _("Help"), show=False),
        Binding("question_mark", "help", _("Help"), key_display="?", show=False),
        Binding("ctrl+q", "quit", _("Quit"), priority=True),
        # Declared here so that its footer label is translated (Textual's says "palette").
        Binding("ctrl+p", "command_palette", _("Commands"), show=False, priority=True),
    ]

    def __init__(
        self,
        store_path: Path,
        *,
        clock: Clock | None = None,
        demo: DemoCredentials | None = None,
        idle_minutes: float | None = None,
        store_kdf: KdfParams | None = None,
    ) -> None:
        super().__init__()
        self.store_path = store_path
        self.clock: Clock = clock or SystemClock()
        self.demo = demo
        self._session: Session | None = None
        self._idle_override = idle_minutes
        self.store_kdf = store_kdf  # None: the store's default; tests pass a fast one
        self._last_key = time.monotonic()
        self._seen_generation = -1  # the store generation the current screen last showed
        self._held_keys: list[events.Key] | None = None  # see _release_keys_when_settled

    # -- session -----------------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The unlocked session; screens that need it only exist while unlocked."""
        if self._session is None:
            raise RuntimeError("the store is locked")
        return self._session

    @property
    def unlocked(self) -> bool:
        return self._session is not None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is literal text: messages carry names, site names and
        exception text, never markup, and control characters are made harmless."""
        super().notify(
            neutralise(str(message), newlines=True),
            title=neutralise(str(title)),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 copies (drafts, addresses) never carry a live control character."""
        super().copy_to_clipboard(neutralise(text, newlines=True))

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title and subtitle (often a person's or site's name), literal and
        with control characters made harmless."""
        return super().format_title(neutralise(str(title)), neutralise(str(sub_title)))

    def on_mount(self) -> None:
        self.set_interval(STORE_POLL_SECONDS, self._poll_store)
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)
        self._show_front_door()

    def on_ready(self) -> None:
        """The first screen is up: the cycle collector runs again (``kiosk.cli.main``
        holds it off while kiosk starts; nothing to do when it was not held)."""
        self.call_after_refresh(gc.enable)

    def _show_front_door(self) -> None:
        from store import peek

        if peek.exists(self.store_path):
            from screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen())
            return
        from kiosk.missing_store import newest_backup

        newest = newest_backup(self.store_path)
        if newest is not None:  # gone, with backups beside it: never the setup wizard
            from screens.missing_store import MissingStoreScreen

            self.push_screen(MissingStoreScreen(newest))
        else:
            from screens.setup import SetupWizard

            self.push_screen(SetupWizard())

    def start_session(self, store: Store) -> None:
        """Called by the unlock screen or the setup wizard with the opened store."""
        from kiosk.session import Session  # TinyDB: not needed before the store is open

        self._session = Session(store=store, clock=self.clock)
        self._seen_generation = store.generation
        self._last_key = time.monotonic()
        from screens.dashboard import DashboardScreen

        self._clear_stack()
        self.push_screen(DashboardScreen())
        failures = getattr(store, "pending_failures", [])
        if failures:
            self.notify(
                ngettext(
                    "{count} failed unlock attempt since the last unlock.",
                    "{count} failed unlock attempts since the last unlock.",
                    len(failures),
                ).format(count=len(failures)),
                severity="warning",
                timeout=10,
            )
        from kiosk.store_errors import describe_store_warning

        for warning in getattr(store, "warnings", []):
            self.notify(describe_store_warning(warning, store.path), severity="error", timeout=15)
        self._offer_retention()

    def _offer_retention(self) -> None:
        """Leavers past the retention period: tell the admin, erase only if they agree."""
        from kiosk import retention

        session = self.session
        asked = retention.pending(session.db(), session.clock.today())
        due = asked.people
        if not due:
            return
        from screens.dialogs.confirm import ConfirmDialog

        text = ngettext(
            "{n} person left more than {months} months ago: {names}.",
            "{n} people left more than {months} months ago: {names}.",
            len(due),
        ).format(
            n=len(due),
            months=asked.months,
            names=", ".join(p.full_name for p in due),
        )
        text += " " + _(
            "Erase their personal mobile and email now? "
            "Their names and dates stay for the audit trail."
        )

        def erased(people: list[int]) -> None:
            self.notify(
                ngettext(
                    "Personal details erased for {n} person who left.",
                    "Personal details erased for {n} people who left.",
                    len(people),
                ).format(n=len(people))
            )

        def answered(erase: bool | None) -> None:
            if erase and self._session is session:
                today = session.clock.today()
                save_in_thread(
                    self.screen, lambda: retention.erase_due(session.store, today), erased
                )

        self.push_screen(ConfirmDialog(_("Leavers' details"), text, _("Erase")), answered)

    def _clear_stack(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_lock(self) -> None:
        """Forget the key and every screen that shows personal data."""
        if self._session is None:
            return
        if save_pending(self):  # the save holds the store: lock the moment it is done
            say_still_saving(self.screen)
            after_save(self, self.action_lock)
            return
        session, self._session = self._session, None
        self._clear_stack()
        session.store.lock()
        from kiosk import records

        records.forget()  # the shared read model holds people too
        from screens.unlock import UnlockScreen

        self.push_screen(UnlockScreen())

    # -- idle lock and key tracking ----------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)  # typed in a burst right after Enter
                return
            await self._deliver_key(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> bool:
        """Hand one key to Textual; an Enter that submits a text field starts a hold, and
        the answer says so (the keys after it must wait)."""
        submits_field = event.key == "enter" and _is_text_field(self.focused)
        await super().on_event(event)
        if submits_field:
            if self._held_keys is None:
                self._held_keys = []
            self.run_worker(self._release_keys_when_settled(), exclusive=False)
        return submits_field

    async def _release_keys_when_settled(self) -> None:
        """The burst-typing guard. Enter in a field moves the focus a few messages later
        (the field posts Submitted, the screen handles it, the focus call runs): keys
        already typed (a pasted "name⏎passphrase⏎") would land in the field just left.
        Hold them until every widget of the screen has handled what Enter set off, then
        let them through in order. Bounded: never more than a fraction of a second."""
        try:
            for _round in range(SETTLE_ROUNDS):
                await self._everyone_processed()
        finally:
            self.call_later(self._release_held_keys)

    async def _release_held_keys(self) -> None:
        """Deliver the held keys in the order they were typed, on the app's own queue.

        The hold stays on while this waits its turn, so a key that reached the queue
        before the release still joins the end of the held list: releasing by posting the
        held keys behind it would let that key (an Enter) overtake the letters typed
        before it, sending them to the next field. An Enter among them starts a new hold
        for the rest."""
        held = self._held_keys or []
        while held:
            if await self._deliver_key(held.pop(0)):
                return  # a new hold: its own release delivers what is left
        self._held_keys = None

    async def _everyone_processed(self) -> None:
        import asyncio

        done = asyncio.Event()
        nodes = [self, *self.screen.walk_children(with_self=True)]
        pending = 0

        def one_done() -> None:
            nonlocal pending
            pending -= 1
            if pending <= 0:
                done.set()

        for node in nodes:
            if node.call_later(one_done):
                pending += 1
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), SETTLE_TIMEOUT)

    def store_clock(self) -> datetime:
        """The app's clock in UTC, for the store's audit and unlock times: one clock for
        everything kiosk records, which tests can fix."""
        return self.clock.now().astimezone(UTC)

    def idle_limit_seconds(self) -> float:
        if self._idle_override is not None:
            return self._idle_override * 60
        if self._session is None:
            return facts.IDLE_LOCK_MINUTES_DEFAULT * 60
        from kiosk import records

        return records.settings(self._session.db()).idle_lock_minutes * 60

    def _check_idle(self) -> None:
        if (
            self._session is not None
            and not save_pending(self)  # the settings read would wait for the save
            and time.monotonic() - self._last_key >= self.idle_limit_seconds()
        ):
            self.action_lock()

    def _poll_store(self) -> None:
        """Another admin's save shows up here without a restart.

        Compare generations rather than asking ``changed()``: any read in between (the
        idle check reads the settings) takes the other process's save in, after which
        ``changed()`` is false although the screen still shows the old state.
        """
        if self._session is None or save_pending(self):
            return  # during our own save, a read would wait on its lock: next poll
        store = self._session.store
        from store import StoreError

        try:
            store.read()  # one stat when nothing changed; reloads another admin's save
        except StoreError as error:
            # A file no current admin signed, or one copied back over the store, is never
            # taken in quietly: the session locks and says why. Anything else (busy, a
            # passing problem) is reported on the next save.
            if getattr(error, "code", "") in {"damaged", "tampered", "rollback"}:
                self.store_problem(error)
            return
        if store.generation == self._seen_generation:
            return
        self._seen_generation = store.generation
        self.screen.post_message(StoreChanged())

    # -- navigation --------------------------------------------------------------------

    def nav_entries(self) -> list[NavEntry]:
        """Every navigation entry (each screen of :data:`screens.nav.NAV` is in the build:
        tests/screens/test_nav.py imports them all)."""
        return list(NAV)

    def open_screen(self, name: str, **kwargs: Any) -> None:
        """Open the named screen (see :data:`screens.nav.NAV`) over the current one: the
        one way any screen, key or palette entry navigates."""
        if self._session is None:
            return
        if save_pending(self):  # the new screen would read the store under the save's lock
            say_still_saving(self.screen)
            return
        for entry in NAV:
            if entry.name == name:
                module_name, class_name = entry.target.split(":")
                screen_class = getattr(importlib.import_module(module_name), class_name)
                self.push_screen(screen_class(**kwargs))
                return
        raise KeyError(name)

    def action_command_palette(self) -> None:
        """Textual's palette, with our own (translated) prompt."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands\u2026"))
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lock and Contacts need an unlocked store: before that they are not offered
        (hidden from the footer), so the front door shows only keys that do something."""
        return not (action in ("lock", "open") and self._session is None)

    def action_open(self, name: str) -> None:
        self.open_screen(name)

    async def action_quit(self) -> None:
        """Quit, but never in the middle of a save: it finishes (or fails and says so)
        first, then kiosk quits. Nor silently past a recovery key on screen and not yet
        checked: the store or the new key already exists, and the key cannot be shown
        again, so that is asked first."""
        from screens.dialogs.recovery_guard import ask_before_losing_key, recovery_key_pending

        if recovery_key_pending(self.screen_stack):
            ask_before_losing_key(self, self._quit_after_save)
            return
        self._quit_after_save()

    def _quit_after_save(self) -> None:
        if save_pending(self):
            say_still_saving(self.screen)
            after_save(self, self.exit)
            return
        self.exit()

    def action_help(self) -> None:
        """The FAQ in kiosk's words (``?`` or F1 anywhere, locked or not: no personal data)."""
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers every screen and every key of the current screen."""
        if self._session is not None:
            for entry in self.nav_entries():
                yield SystemCommand(
                    _(entry.label),
                    _(entry.help),
                    lambda name=entry.name: self.open_screen(name),
                )
        yield SystemCommand(
            _("Help"), _("The NHSmail questions, answered, with the key that does each"),
            self.action_help,
        )
        seen: set[str] = {"help"}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if (
                not binding.description
                or binding.action in seen
                or binding.action == "command_palette"
                or not _declared_by_kiosk(active.node, binding)
            ):
                continue
            seen.add(binding.action)
            node = active.node
            yield SystemCommand(
                binding.description,
                _("Key: {key}").format(key=self.get_key_display(binding) or key),
                lambda node=node, action=binding.action: self.run_action(action, node),
            )
        yield SystemCommand(_("Quit"), _("Leave kiosk"), self.action_quit)

    # -- store trouble in the middle of a session ----------------------------------------

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """A key's action that meets a store problem (busy, damaged, revoked) says so and
        leaves the screen as it was: the store has already rolled the change back."""
        from store import StoreError

        try:
            return await super().run_action(action, default_namespace, namespaces)
        except StoreError as error:
            self.store_problem(error)
            return True

    def _handle_exception(self, error: Exception) -> None:
        """Other handlers that meet a store problem leave their screen unable to carry on
        (Textual stops its message loop), so kiosk locks: nothing is lost, the change was
        rolled back, and unlocking starts afresh. Anything else is a real crash."""
        from store import StoreError

        if isinstance(error, StoreError) and self._session is not None:
            self.call_later(self.store_problem, error, True)
            return
        super()._handle_exception(error)

    def store_problem(self, error: Exception, screen_broken: bool = False) -> None:
        """A store error met by a key's action or a save's worker, told in a sentence;
        the session locks when the store can no longer be trusted or the screen broke."""
        from kiosk.store_errors import describe_store_error

        message = describe_store_error(error)
        if screen_broken or getattr(error, "code", "") in {
            "access_revoked",
            "locked",
            "damaged",
            "tampered",
            "rollback",
        }:
            self.action_lock()
            message += " " + _("kiosk locked itself; nothing else was lost. Unlock to carry on.")
        self.notify(message, severity="error", timeout=15)

    # -- crash output ------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """Replace Textual's crash report, which prints local variables (staff names and
        numbers here) and exception messages, with the exception type and the code
        locations only: enough for a developer, nothing personal on a shared screen."""
        self.bell()
        self._return_code = EXIT_INTERNAL_ERROR  # as the CLI: a fault of ours, not the user's
        if not self._exit_renderables:  # the first crash is the one to report
            self._exit_renderables.append(
                safe_crash_report(sys.exc_info()[1] or self._exception)
            )
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Only kiosk's own report, in kiosk's words: never Textual's "Run with textual run
        --dev" line (there is no such thing for an admin) or a second traceback."""
        if self._exit_renderables:
            self.error_console.print(self._exit_renderables[0], markup=False, highlight=False)
        self._exit_renderables.clear()


def _declared_by_kiosk(node: object, binding: Binding) -> bool:
    """Was this binding declared by a kiosk class (app or screen), not by a Textual widget?

    The palette lists kiosk's own actions, in the admin's language; Textual's widget
    bindings (Input's cursor keys, DataTable's paging) are not commands and their
    descriptions are not translated.
    """
    for cls in type(node).__mro__:
        if cls.__module__.split(".")[0] not in {"kiosk", "screens"}:
            continue
        for declared in cls.__dict__.get("BINDINGS", ()):
            if isinstance(declared, Binding) and declared.action == binding.action:
                return True
    return False


def _is_text_field(widget: object) -> bool:
    from textual.widgets import Input

    return isinstance(widget, Input)


def _shell(app: KioskApp) -> KioskShell:
    """Never called: mypy checks here that the app is what the screens take it for."""
    return app


def run_tui(args: argparse.Namespace) -> int:
    """Run the TUI for ``kiosk`` and ``kiosk --demo``; returns the exit status."""
    from kiosk.paths import resolve_store_path

    if args.demo:
        return _run_demo()
    app = KioskApp(resolve_store_path(args.store))
    return _run_safely(app)


def _run_safely(app: KioskApp) -> int:
    try:
        result = app.run()
    except Exception as error:  # outside Textual's own handler: same rule, no values
        print(safe_crash_report(error), file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    return app.return_code if app.return_code is not None else int(result or 0)


def _run_demo() -> int:
    """A fresh temporary store with the fictional care group, deleted on exit."""
    import shutil
    import tempfile

    from kiosk import demo
    from kiosk.new_store import create_store

    folder = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    try:
        path = folder / "demo" / "kiosk.store"
        store, _recovery = create_store(path, demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE, None)
        demo.populate(store, SystemClock().today())
        store.close()
        app = KioskApp(path, demo=DemoCredentials(demo.DEMO_ADMIN, demo.DEMO_PASSPHRASE))
        return _run_safely(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
