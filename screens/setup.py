"""First run: the first admin, their passphrase, the first site, then the recovery key.

The store is created only once everything has been checked, so quitting half way leaves
nothing behind. The recovery key is shown once, after creation, and the admin types its
last group back to prove it was written down: losing every admin must never mean losing
the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, ContentSwitcher, Input, Static

from kiosk.i18n import _
from kiosk.model import Site
from kiosk.passphrase import passphrase_problem, strength_hint
from kiosk.site_fields import check_site
from kiosk.store_errors import describe_store_error
from kiosk.validators import ValidationError, validate_admin_name
from screens.dialogs.recovery_guard import ask_before_losing_key
from screens.widgets.base import ShellScreen
from screens.widgets.footer import Footer
from screens.widgets.site_fields import read_site_fields, show_site_messages, site_field_widgets
from screens.widgets.text import Literal, LiteralLabel

if TYPE_CHECKING:
    from store import Store

STEPS = ("step-admin", "step-passphrase", "step-site", "step-creating", "step-recovery")


class SetupWizard(ShellScreen):
    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "previous", _("Back")),
        # One key, named for what it does on each step (check_action shows one of them).
        Binding("ctrl+s", "next", _("Next")),
        Binding("ctrl+s", "create", _("Create the store")),
        Binding("ctrl+s", "finish", _("Finish")),
        # On the recovery step Escape cannot go back (the store exists): it asks to quit.
        Binding("escape", "quit_unchecked", _("Quit"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._step = 0
        self._store: Store | None = None
        self._recovery = ""
        self._site: Site | None = None

    def compose(self) -> ComposeResult:
        yield Literal(_("Set up kiosk"), id="setup-title")
        with ContentSwitcher(initial=STEPS[0], id="steps"):
            with Vertical(id="step-admin"):
                yield Literal(
                    _(
                        "No store was found, so this sets up a new encrypted one. First, you: "
                        "every kiosk admin has their own name and passphrase (NHSmail forbids "
                        "shared passwords)."
                    ),
                    classes="intro",
                )
                yield LiteralLabel(_("Your name (as other admins will see it)"))
                yield Input(id="admin-name")
                yield Literal("", id="admin-error", classes="error")
            with Vertical(id="step-passphrase"):
                yield Literal(
                    _(
                        "Choose a passphrase of at least 12 characters: "
                        "a few unrelated words work well."
                    ),
                    classes="intro",
                )
                yield LiteralLabel(_("Passphrase"))
                yield Input(password=True, id="pass1")
                yield Literal("", id="pass-hint")
                yield LiteralLabel(_("Passphrase again"))
                yield Input(password=True, id="pass2")
                yield Literal("", id="pass-error", classes="error")
            with VerticalScroll(id="step-site"):
                yield Literal(_("Your first site (more can be added later)."), classes="intro")
                yield from site_field_widgets(error_classes="error")
                yield Checkbox(
                    _("I have checked the shared mailbox address: it can never be changed."),
                    id="mailbox-confirmed",
                )
                yield Literal("", id="site-error", classes="error")
            with Vertical(id="step-creating"):
                yield Literal(_("Creating the encrypted store\u2026"), id="creating-message")
            with Vertical(id="step-recovery"):
                yield Literal(
                    _(
                        "This is the recovery key. It opens the store if every admin is gone. "
                        "Write it down now and keep it locked away: it is shown only once."
                    ),
                    classes="intro",
                )
                yield Literal("", id="recovery-code")
                yield LiteralLabel(_("Type its last group to show it is written down"))
                yield Input(id="recovery-check")
                yield Literal("", id="recovery-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#admin-name", Input).focus()

    # -- moving between steps -------------------------------------------------------

    def _show(self, step: int) -> None:
        self._step = step
        self.query_one("#steps", ContentSwitcher).current = STEPS[step]
        self.refresh_bindings()
        focus = {0: "#admin-name", 1: "#pass1", 2: "#site-name", 4: "#recovery-check"}.get(step)
        if focus:
            self.set_focus(self.query_one(focus, Input))  # now: see on_input_submitted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that work on this step are in the footer: none while the store is
        being created, only Next once the recovery key is shown (there is no going back)."""
        if action == "previous":
            return self._step in (0, 1, 2)
        if action == "next":
            return self._step in (0, 1)
        if action == "create":
            return self._step == 2
        if action in ("finish", "quit_unchecked"):
            return self._step == 4
        return True

    @property
    def recovery_key_pending(self) -> bool:
        """The store exists and its recovery key is on screen, not yet typed back."""
        return self._step == 4 and bool(self._recovery)

    def action_quit_unchecked(self) -> None:
        """Escape on the recovery step: quit, after asking (the key is not checked yet)."""
        ask_before_losing_key(self.app, self.app.exit)

    def action_previous(self) -> None:
        if self._step in (1, 2):
            self._show(self._step - 1)
        elif self._step == 0:
            self.app.exit(0)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "pass1":
            self.query_one("#pass2", Input).focus()
            return
        confirm = self.query_one("#mailbox-confirmed", Checkbox)
        if event.input.id == "site-mailbox" and not confirm.value:
            # Enter here goes on to the box that must be ticked, not to an error about it.
            confirm.focus()
            return
        if (
            event.input.id
            and event.input.id.startswith("site-")
            and event.input.id != "site-mailbox"
        ):
            self.focus_next()
            return
        self.action_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "pass1":
            self.query_one("#pass-hint", Static).update(strength_hint(event.value))
        self._recheck(event.input.id or "")

    def _recheck(self, field_id: str) -> None:
        """An error shown under a field is checked again as the field is edited: gone once
        the field is put right, never left standing over a corrected value. Nothing is said
        about a field before ctrl+s was pressed on its step."""
        if field_id == "admin-name":
            self._refresh_error("#admin-error", self._admin_problem())
        elif field_id in ("pass1", "pass2"):
            first = self.query_one("#pass1", Input).value
            again = self.query_one("#pass2", Input).value if field_id == "pass2" else None
            self._refresh_error("#pass-error", passphrase_problem(first, again))
        elif field_id == "recovery-check":
            self._refresh_error("#recovery-error", None)
        elif field_id.startswith("site-"):
            name = field_id.removeprefix("site-")
            check = check_site(read_site_fields(self), today=self.kiosk.clock.today())
            error = check.errors.get(name)
            if self._refresh_error(f"#site-{name}-error", error or check.warnings.get(name)):
                line = self.query_one(f"#site-{name}-error", Static)
                line.set_class(error is None and name in check.warnings, "warning")
                marked = any(
                    str(self.query_one(f"#site-{other}-error", Static).render()).strip()
                    for other in read_site_fields(self)
                )
                if not marked:
                    self._refresh_error("#site-error", None)

    def _refresh_error(self, selector: str, problem: str | None) -> bool:
        """Update an error line that is showing (to the current problem, or nothing);
        leave an empty one empty. True when it was showing."""
        line = self.query_one(selector, Static)
        if not str(line.render()).strip():
            return False
        line.update(problem or "")
        return True

    def _admin_problem(self) -> str | None:
        try:
            validate_admin_name(self.query_one("#admin-name", Input).value)
        except ValidationError as error:
            return error.message
        return None

    def action_create(self) -> None:
        """ctrl+s on the site step: check it and create the store."""
        self._site_done()

    def action_finish(self) -> None:
        """ctrl+s on the recovery step: check the typed group and open the dashboard."""
        self._recovery_done()

    def action_next(self) -> None:
        handler = {
            0: self._admin_done,
            1: self._passphrase_done,
            2: self._site_done,
            4: self._recovery_done,
        }.get(self._step)
        if handler:
            handler()

    def _admin_done(self) -> None:
        problem = self._admin_problem()
        self.query_one("#admin-error", Static).update(problem or "")
        if problem is None:
            self._show(1)

    def _passphrase_done(self) -> None:
        problem = passphrase_problem(
            self.query_one("#pass1", Input).value, self.query_one("#pass2", Input).value
        )
        self.query_one("#pass-error", Static).update(problem or "")
        if problem is None:
            self._show(2)

    def _site_done(self) -> None:
        check = check_site(read_site_fields(self), today=self.kiosk.clock.today())
        show_site_messages(self, check.errors, check.warnings)
        confirmed = self.query_one("#mailbox-confirmed", Checkbox).value
        if check.site is None:
            self.query_one("#site-error", Static).update(
                _("Please correct the fields marked above.")
            )
            return
        if not confirmed:
            self.query_one("#site-error", Static).update(
                _("Tick the box to confirm the shared mailbox address: it can never be changed.")
            )
            self.query_one("#mailbox-confirmed", Checkbox).focus()
            return
        self.query_one("#site-error", Static).update("")
        self._site = check.site
        self._show(3)
        self._create(
            validate_admin_name(self.query_one("#admin-name", Input).value),
            self.query_one("#pass1", Input).value,
            check.site,
        )

    @work(thread=True, exclusive=True)
    def _create(self, admin: str, passphrase: str, site: Site) -> None:
        from kiosk.missing_store import creation_refused
        from kiosk.new_store import create_store
        from store import StoreError

        refused = creation_refused(self.kiosk.store_path)
        if refused:
            self.app.call_from_thread(self._create_failed, refused)
            return
        try:
            store, recovery = create_store(
                self.kiosk.store_path,
                admin,
                passphrase,
                site,
                kdf=self.kiosk.store_kdf,
                now=self.kiosk.store_clock,
            )
        except StoreError as error:
            self.app.call_from_thread(self._create_failed, describe_store_error(error))
            return
        self.app.call_from_thread(self._created, store, recovery)

    def _create_failed(self, message: str) -> None:
        self.query_one("#creating-message", Static).update(message)

    def _created(self, store: Store, recovery: str) -> None:
        self._store = store
        self._recovery = recovery
        for field_id in ("#pass1", "#pass2"):
            self.query_one(field_id, Input).value = ""
        self.query_one("#recovery-code", Static).update(recovery)
        self._show(4)

    def _recovery_done(self) -> None:
        typed = self.query_one("#recovery-check", Input).value.strip().upper()
        last_group = self._recovery.split("-")[-1].upper()
        if typed != last_group:
            self.query_one("#recovery-error", Static).update(
                _("That is not the last group of the recovery key: check what you wrote down.")
            )
            return
        assert self._store is not None
        store, self._store, self._recovery = self._store, None, ""
        self.kiosk.start_session(store)
