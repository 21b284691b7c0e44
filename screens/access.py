"""Change one person's access to a shared mailbox: promote, demote, give or remove.

Same coverage guard as the leaver wizard: if the change leaves a mailbox without an owner
or with fewer than two people, the red lines come first and the admin must tick that they
understand; NHSmail's caps (100 owners, 250 members) are refused outright. Owners can make
the change themselves in Outlook or the NHSmail portal (recorded at once); otherwise the
email asks NAS from the shared mailbox and the change applies when NAS's answer is recorded.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, ContentSwitcher, RadioButton, RadioSet, Select, Static

from kiosk import records
from kiosk.coverage import (
    TOO_MANY_MEMBERS,
    TOO_MANY_OWNERS,
    AccessChange,
    amber,
    cover_sentence,
    coverage,
    coverage_after,
    guard,
)
from kiosk.i18n import _
from kiosk.model import Person, PersonStatus, Role, Site
from kiosk.nas_requests import draft_access_change, role_word
from kiosk.people import record_access_change
from screens.widgets.draft import DraftPanel
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect
from screens.widgets.toggles import Check, Choice, focus_on_pressed
from screens.widgets.wizard import WizardScreen, wizard_css

ROLE_BUTTONS = {"role-owner": Role.OWNER, "role-member": Role.MEMBER, "role-none": None}


class AccessScreen(WizardScreen):
    """``AccessScreen(person_id=3)``; ``site_id`` and ``role`` preset the choice (the leaver
    wizard's "promote a member first")."""

    CSS_PATH = wizard_css("access.tcss")
    STEPS = ("step-change", "step-guard", "step-how", "step-send", "step-done")

    def __init__(
        self, person_id: int | None = None, site_id: int | None = None, role: Role | None = None
    ) -> None:
        super().__init__()
        self._person_id = person_id
        self._site_id = site_id
        self._preset_role = role
        self._loaded = False
        self._sites: list[Site] = []
        self._role: Role | None = None
        self._warnings: list[str] = []
        self.request_id: int | None = None  # for tests
        self.recorded = False

    def compose(self) -> ComposeResult:
        self._sites = records.sites(self.session.db())
        yield KioskHeader()
        yield Literal("", id="step-title")
        with ContentSwitcher(initial=self.STEPS[0], id="steps"):
            with VerticalScroll(id="step-change"):
                yield Literal("", id="change-current", classes="explain")
                if len(self._sites) > 1:
                    yield LiteralLabel(_("Shared mailbox"), classes="field-label")
                    yield LiteralSelect(
                        [(f"{s.name} ({s.ods_code})", s.id) for s in self._sites],
                        value=self._site_id or self._sites[0].id,
                        allow_blank=False,
                        id="access-site",
                    )
                yield LiteralLabel(_("New access"), classes="field-label")
                with RadioSet(id="access-role"):
                    yield Choice(_("Owner: also adds and removes people"), id="role-owner")
                    yield Choice(_("Member: reads and sends"), id="role-member")
                    yield Choice(_("No access"), id="role-none")
                yield Literal("", id="change-error", classes="field-error")
            with VerticalScroll(id="step-guard"):
                yield Literal("", id="guard-cover")
                yield Literal("", id="guard-problems", classes="danger")
                yield Check(
                    _("I understand the risk and want to make this change anyway"),
                    id="guard-confirm",
                )
                yield Literal("", id="guard-error", classes="field-error")
            with VerticalScroll(id="step-how"):
                yield Literal(
                    _(
                        "Owners can add, remove, promote and demote people themselves in Outlook "
                        "or the NHSmail portal. Ask NAS when no owner can do it."
                    ),
                    classes="explain",
                )
                with RadioSet(id="access-how"):
                    yield Choice(_("An owner has made the change: record it now"), id="how-portal")
                    yield Choice(
                        _("Ask NAS by email from the shared mailbox"), id="how-nas", value=True
                    )
            with Vertical(id="step-send"):
                yield Literal("", id="send-intro", classes="explain")
                yield DraftPanel(id="access-draft")
            with VerticalScroll(id="step-done"):
                yield Literal("", id="done-text")
        yield Footer()

    def refresh_data(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        person = self._person()
        if person is None:
            self.notify(_("That person is no longer on record."), severity="error")
            self.dismiss()
            return
        self.sub_title = _("Access: {name}").format(name=person.full_name)
        preset = {Role.OWNER: "#role-owner", Role.MEMBER: "#role-member"}.get(
            self._preset_role or Role.MEMBER
        )
        if self._preset_role is not None and preset:
            self.query_one(preset, RadioButton).value = True
        self._show_step()

    # -- state ----------------------------------------------------------------------------

    def _person(self) -> Person | None:
        if self._person_id is None:
            return None
        return records.person(self.session.db(), self._person_id)

    def _site(self) -> Site | None:
        if len(self._sites) > 1:
            value = self.query_one("#access-site", Select).value
            return next((s for s in self._sites if s.id == value), None)
        return self._sites[0] if self._sites else None

    def _chosen(self) -> tuple[bool, Role | None]:
        pressed = self.query_one("#access-role", RadioSet).pressed_button
        if pressed is None or pressed.id not in ROLE_BUTTONS:
            return False, None
        return True, ROLE_BUTTONS[pressed.id]

    def _via_nas(self) -> bool:
        pressed = self.query_one("#access-how", RadioSet).pressed_button
        return pressed is None or pressed.id == "how-nas"

    # -- steps ----------------------------------------------------------------------------

    def _step_titles(self) -> dict[str, str]:
        return {
            "step-change": _("Step 1 of 4: the change"),
            "step-guard": _("Step 2 of 4: who can still reach the shared mailbox"),
            "step-how": _("Step 3 of 4: who makes the change"),
            "step-send": _("Step 4 of 4: record"),
            "step-done": _("Recorded"),
        }

    def _enter_step_change(self) -> None:
        person = self._person()
        assert person is not None
        parts = [
            _("{site}: {role}").format(site=s.ods_code, role=role_word(person.access.get(s.id)))
            for s in self._sites
        ]
        self.query_one("#change-current", Static).update(
            _("{name} now has: {access}.").format(name=person.full_name, access=", ".join(parts))
        )
        focus_on_pressed(self.query_one("#access-role", RadioSet))

    def _enter_step_guard(self) -> None:
        person, site = self._person(), self._site()
        assert person is not None and site is not None
        people = records.people(self.session.db())
        change = AccessChange(person.id, site.id, self._role)
        now = coverage(site.id, people, self.session.clock.today())
        after = coverage_after(site.id, people, change, self.session.clock.today())
        self._warnings = guard(site.id, people, change, self.session.clock.today())
        self.query_one("#guard-cover", Static).update(
            _("{ods} now: {now}. After the change: {after}.").format(
                ods=site.ods_code,
                now=cover_sentence(now),
                after=cover_sentence(after),
            )
        )
        notes = [
            _("! {problem}").format(problem=w)
            for w in amber(site.id, people, change, self.session.clock.today())
        ]
        self.query_one("#guard-problems", Static).update(
            "\n".join([_("✖ {problem}").format(problem=w) for w in self._warnings] + notes)
            or _("✔ The shared mailbox keeps enough people.")
        )
        confirm = self.query_one("#guard-confirm", Checkbox)
        confirm.display = bool(self._warnings) and not self._over_cap(after.codes)
        if confirm.display:
            confirm.focus()

    def _over_cap(self, codes: tuple[str, ...]) -> bool:
        person, site = self._person(), self._site()
        assert person is not None and site is not None
        people = records.people(self.session.db())
        before = coverage(site.id, people, self.session.clock.today()).codes
        return any(
            code in (TOO_MANY_OWNERS, TOO_MANY_MEMBERS) and code not in before for code in codes
        )

    def _enter_step_how(self) -> None:
        focus_on_pressed(self.query_one("#access-how", RadioSet))

    def _enter_step_send(self) -> None:
        person, site = self._person(), self._site()
        assert person is not None and site is not None
        panel = self.query_one("#access-draft", DraftPanel)
        intro = self.query_one("#send-intro", Static)
        if not self._via_nas():
            panel.display = False
            if self._role is None:
                text = _("ctrl+s records that {name} no longer has access at {ods}.")
            else:
                text = _("ctrl+s records that {name} is now {role} at {ods}.")
            intro.update(
                text.format(name=person.full_name, role=role_word(self._role), ods=site.ods_code)
            )
            return
        panel.display = True
        panel.draft = draft_access_change(site, person, self._role)
        panel.set_filename(f"access-{site.ods_code}.txt")
        intro.update(
            _(
                "Send this from {mailbox}: c copies it, s saves it as a file. ctrl+s records "
                "the request once it is sent; the change applies when NAS confirms."
            ).format(mailbox=site.mailbox)
        )
        panel.focus()

    def _enter_step_done(self) -> None:
        text = (
            _("Request recorded. Record NAS's answer on Requests (or r on People).")
            if self.request_id
            else _("Change recorded.")
        )
        self.query_one("#done-text", Static).update(text + "\n" + _("Escape goes back."))

    # -- moving between steps -------------------------------------------------------------

    def _check_step(self) -> bool:
        if self.step == "step-change":
            return self._check_change()
        if self.step == "step-guard":
            site = self._site()
            person = self._person()
            assert site is not None and person is not None
            after = coverage_after(
                site.id,
                records.people(self.session.db()),
                AccessChange(person.id, site.id, self._role),
                self.session.clock.today(),
            )
            if self._over_cap(after.codes):
                self.query_one("#guard-error", Static).update(
                    _("NHSmail would refuse this: the shared mailbox is full.")
                )
                return False
            if self._warnings and not self.query_one("#guard-confirm", Checkbox).value:
                self.query_one("#guard-error", Static).update(
                    _("Tick the box to carry on, or choose another change.")
                )
                return False
        return True

    def _check_change(self) -> bool:
        person, site = self._person(), self._site()
        error = self.query_one("#change-error", Static)
        chosen, role = self._chosen()
        if person is None or site is None:
            error.update(_("There is no site to change access at."))
            return False
        if not chosen:
            error.update(_("Choose owner, member or no access."))
            return False
        if person.access.get(site.id) == role:
            error.update(_("That is their access already."))
            return False
        if role is not None and (not person.nhsmail or person.status is PersonStatus.LEFT):
            error.update(
                _(
                    "They need an NHSmail account first: use the joiner wizard (j on People), "
                    "which asks NAS for the access too."
                )
            )
            return False
        error.update("")
        self._role = role
        return True

    def _record(self) -> None:
        person, site = self._person(), self._site()
        assert person is not None and site is not None
        store, role, today = self.session.store, self._role, self.session.clock.today()
        via_nas = self._via_nas()
        save_in_thread(
            self,
            lambda: record_access_change(store, person.id, site.id, role, today, via_nas=via_nas),
            self._recorded,
        )

    def _recorded(self, request_id: int | None) -> None:
        self.request_id = request_id
        self.recorded = True
        self._show_done()
        self.notify(_("Recorded."))
