"""The leaver wizard: who is leaving and when, the coverage guard, the owner's checklist,
the email asking NAS to mark them a leaver, and the record.

The **coverage guard** comes before anything is recorded: if the leaver is the last owner
of a shared mailbox, or their going leaves fewer than two people who can reach it, the
wizard says so in red and offers to start a joiner (j) or promote a member (p) first. The
admin may carry on only after ticking that they understand.

NHSmail leaves a leaver's shared-mailbox permission in place until an owner removes it,
and once NAS marks the account a leaver it is "Active (Leaver)" for 30 days and then
deleted unless a new organisation joins them: the last step says what to pass on.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, ContentSwitcher, Input, Select, Static

from kiosk import facts, records, timefmt
from kiosk.coverage import AccessChange, amber, cover_sentence, coverage_after, guard_sites
from kiosk.i18n import _
from kiosk.lifecycle import person_status
from kiosk.model import Person, PersonStatus, Role, Site
from kiosk.nas_requests import draft_leaver
from kiosk.people import LEAVER_STEPS, leaver_handover, leaver_site, record_leaver
from kiosk.validators import ValidationError, parse_day
from screens.widgets.draft import DraftPanel
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread, told
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect
from screens.widgets.toggles import Check
from screens.widgets.wizard import WizardScreen, wizard_css


def guard_text(sites: list[Site], found: dict[int, list[str]]) -> str:
    """The red lines: each site at risk and what would go wrong there."""
    lines: list[str] = []
    for site in sites:
        for problem in found.get(site.id, []):
            lines.append(
                _("✖ {site} ({ods}): {problem}").format(
                    site=site.name, ods=site.ods_code, problem=problem
                )
            )
    return "\n".join(lines)


class LeaverWizard(WizardScreen):
    """``LeaverWizard(person_id=3)`` from People; without it, step 1 asks who."""

    CSS_PATH = wizard_css("leaver.tcss")
    STEPS = ("step-who", "step-guard", "step-checklist", "step-email", "step-done")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "start_joiner", _("Start a joiner")),
        Binding("p", "promote", _("Promote a member")),
    ]

    def __init__(self, person_id: int | None = None) -> None:
        super().__init__()
        self._person_id = person_id
        self._loaded = False
        self._sites: list[Site] = []
        self._leaving: date | None = None
        self._at_risk: dict[int, list[str]] = {}
        self._can_promote = False  # the guard found a member who could become owner
        self.request_id: int | None = None  # for tests

    def compose(self) -> ComposeResult:
        db = self.session.db()
        self._sites = records.sites(db)
        candidates = [p for p in records.people(db) if p.status is not PersonStatus.LEFT]
        yield KioskHeader()
        yield Literal("", id="step-title")
        with ContentSwitcher(initial=self.STEPS[0], id="steps"):
            with VerticalScroll(id="step-who"):
                yield LiteralLabel(_("Who is leaving?"), classes="field-label")
                yield LiteralSelect(
                    [(p.full_name, p.id) for p in sorted(candidates, key=lambda p: p.full_name)],
                    value=self._person_id if self._person_id else Select.BLANK,
                    prompt=_("Choose a person"),
                    id="leaver-person",
                )
                yield Literal("", id="leaver-person-error", classes="field-error")
                yield LiteralLabel(
                    _("Their last working day (YYYY-MM-DD or DD/MM/YYYY)"), classes="field-label"
                )
                yield Input(id="leaver-day", placeholder=_("e.g. 24/11/2026"))
                yield Literal("", id="leaver-day-error", classes="field-error")
            with VerticalScroll(id="step-guard"):
                yield Literal("", id="guard-intro")
                yield Literal("", id="guard-problems", classes="danger")
                yield Literal("", id="guard-offer", classes="explain")
                yield LiteralSelect([], prompt=_("Member to promote"), id="guard-member")
                yield Check(
                    _("I understand the risk and want to record this leaver anyway"),
                    id="guard-confirm",
                )
                yield Literal("", id="guard-error", classes="field-error")
            with VerticalScroll(id="step-checklist"):
                yield Literal(_("The owner's part for a leaver:"), classes="explain")
                yield Literal("", id="checklist-steps")
                yield Check(
                    _("An owner has already removed their shared mailbox access"),
                    id="access-removed",
                )
                yield Literal("", id="checklist-note", classes="explain")
            with Vertical(id="step-email"):
                yield Literal("", id="email-intro", classes="explain")
                yield DraftPanel(id="leaver-draft")
            with VerticalScroll(id="step-done"):
                yield Literal("", id="done-text")
        yield Footer()

    def refresh_data(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.sub_title = _("Leaver")
            self.query_one("#leaver-day", Input).value = self.session.clock.today().isoformat()
            self._show_step()
        elif self.step == "step-guard":
            self._enter_step_guard()  # back from a joiner or a promotion: look again
            self.refresh_bindings()  # j and p follow what the guard found

    # -- state ----------------------------------------------------------------------------

    def _person(self) -> Person | None:
        value = self.query_one("#leaver-person", Select).value
        if not isinstance(value, int):
            return None
        return records.person(self.session.db(), value)

    def _people(self) -> list[Person]:
        return records.people(self.session.db())

    def _sender(self, person: Person) -> Site | None:
        return leaver_site(person, self._sites)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """j and p only while the guard is showing a problem, and p only when there is a
        member who could be promoted (else it would do nothing but sit in the footer)."""
        if action in ("start_joiner", "promote"):
            offered = self.step == "step-guard" and bool(self._at_risk)
            return offered and (action != "promote" or self._can_promote)
        return super().check_action(action, parameters)

    # -- steps ----------------------------------------------------------------------------

    def _step_titles(self) -> dict[str, str]:
        return {
            "step-who": _("Step 1 of 4: who is leaving, and when"),
            "step-guard": _("Step 2 of 4: who can still reach the shared mailbox"),
            "step-checklist": _("Step 3 of 4: the owner's checklist"),
            "step-email": _("Step 4 of 4: the email to NAS, then record"),
            "step-done": _("Recorded"),
        }

    def _enter_step_who(self) -> None:
        select = self.query_one("#leaver-person", Select)
        if select.value is Select.BLANK:
            select.focus()
        else:
            self.query_one("#leaver-day", Input).focus()

    def _enter_step_guard(self) -> None:
        person = self._person()
        assert person is not None
        people = self._people()
        change = AccessChange(person.id, None, None)
        self._at_risk = guard_sites(
            [s.id for s in self._sites], people, change, self.session.clock.today()
        )
        lines = []
        for site in self._sites:
            if site.id not in person.access:
                continue
            after = coverage_after(site.id, people, change, self.session.clock.today())
            lines.append(
                _("{site} ({ods}) after {name} leaves: {cover}.").format(
                    site=site.name,
                    ods=site.ods_code,
                    name=person.full_name,
                    cover=cover_sentence(after),
                )
            )
        if not lines:
            lines.append(
                _("{name} has no shared mailbox access, so no mailbox loses cover.").format(
                    name=person.full_name
                )
            )
        self.query_one("#guard-intro", Static).update("\n".join(lines))
        today = self.session.clock.today()
        notes = [
            _("! {site} ({ods}): {problem}").format(
                site=site.name, ods=site.ods_code, problem=problem
            )
            for site in self._sites
            if site.id in person.access
            for problem in amber(site.id, people, change, today)
        ]
        self.query_one("#guard-problems", Static).update(
            "\n".join(filter(None, [guard_text(self._sites, self._at_risk), *notes]))
        )
        offer = self.query_one("#guard-offer", Static)
        members = self.query_one("#guard-member", Select)
        confirm = self.query_one("#guard-confirm", Checkbox)
        risky = bool(self._at_risk)
        for widget in (members, confirm):
            widget.display = risky
        if risky:
            candidates = [
                p
                for p in people
                if p.id != person.id
                and person_status(p, self.session.clock.today()).can_sign_in
                and any(p.access.get(site_id) is Role.MEMBER for site_id in self._at_risk)
            ]
            members.set_options(
                [(p.full_name, p.id) for p in sorted(candidates, key=lambda p: p.full_name)]
            )
            members.display = bool(candidates)
            self._can_promote = bool(candidates)
            offer.update(
                _(
                    "Fix it first: j starts a joiner, p promotes the member chosen below to "
                    "owner. Or tick the box to carry on; nothing is recorded until the last step."
                )
                if candidates
                else _(
                    "Fix it first: j starts a joiner. Or tick the box to carry on; nothing is "
                    "recorded until the last step."
                )
            )
            confirm.focus()
        else:
            offer.update(_("✔ Every shared mailbox keeps enough people. ctrl+s carries on."))
            # Nothing to choose here: focus the step itself, never step 1's hidden field,
            # so keys typed now scroll this step instead of changing the person.
            self.query_one("#step-guard", VerticalScroll).focus()

    def _enter_step_checklist(self) -> None:
        person = self._person()
        assert person is not None
        steps = [f"{i}. {_(text)}" for i, text in enumerate(LEAVER_STEPS, start=1)]
        self.query_one("#checklist-steps", Static).update("\n".join(steps))
        removed = self.query_one("#access-removed", Checkbox)
        notes: list[str] = []
        removed.display = bool(person.access)
        if person.access:
            notes.append(
                _(
                    "Tick the box only if it is done; otherwise People reminds you to remove it. "
                    "An owner removes it in Outlook or the NHSmail portal."
                )
            )
            removed.focus()
        else:
            notes.append(_("They have no shared mailbox access on record."))
        if not person.nhsmail:
            notes.append(_("They have no NHSmail account, so there is nothing to ask NAS."))
        self.query_one("#checklist-note", Static).update("\n".join(notes))

    def _enter_step_email(self) -> None:
        person = self._person()
        assert person is not None and self._leaving is not None
        site = self._sender(person)
        panel = self.query_one("#leaver-draft", DraftPanel)
        intro = self.query_one("#email-intro", Static)
        if not person.nhsmail or site is None:
            panel.display = False
            intro.update(
                _("No email is needed: ctrl+s records that {name} leaves on {day}.").format(
                    name=person.full_name, day=timefmt.day(self._leaving)
                )
            )
            return
        panel.display = True
        panel.draft = draft_leaver(site, person, self._leaving)
        panel.set_filename(f"leaver-{site.ods_code}.txt")
        intro.update(
            _(
                "Send this from {mailbox}: c copies it, s saves it as a file. ctrl+s records "
                "the leaver once it is sent."
            ).format(mailbox=site.mailbox)
        )
        panel.focus()

    def _enter_step_done(self) -> None:
        person = self._person()
        assert person is not None
        today = self.session.clock.today()
        lines = [_("Recorded: {name} is leaving.").format(name=person.full_name)]
        if person.nhsmail:
            lines.append(_("What to tell them:"))
            lines.extend(f"• {line}" for line in leaver_handover(person, today))
            lines.append(
                _(
                    "When NAS confirms, record its answer (r on People, or Requests): the "
                    "{n}-day Active (Leaver) countdown then shows on the person."
                ).format(n=facts.LEAVER_ACTIVE_DAYS)
            )
        lines.append(_("Escape goes back."))
        self.query_one("#done-text", Static).update("\n".join(lines))

    # -- moving between steps -------------------------------------------------------------

    def _check_step(self) -> bool:
        if self.step == "step-who":
            return self._check_who()
        confirmed = self.query_one("#guard-confirm", Checkbox).value
        if self.step == "step-guard" and self._at_risk and not confirmed:
            self.query_one("#guard-error", Static).update(
                _("Tick the box to carry on, or fix the cover first.")
            )
            return False
        return True

    def _check_who(self) -> bool:
        person = self._person()
        person_error = self.query_one("#leaver-person-error", Static)
        day_error = self.query_one("#leaver-day-error", Static)
        ok = True
        if person is None:
            person_error.update(_("Choose who is leaving."))
            ok = False
        elif person.status is PersonStatus.LEFT:
            person_error.update(_("This person has already left."))
            ok = False
        elif person.status is PersonStatus.LEAVER:
            person_error.update(_("A leaver is already recorded for this person."))
            ok = False
        else:
            person_error.update("")
        try:
            self._leaving = parse_day(self.query_one("#leaver-day", Input).value)
            day_error.update("")
        except ValidationError as error:
            day_error.update(error.message)
            ok = False
        if person is not None and ok:
            self.sub_title = _("Leaver: {name}").format(name=person.full_name)
        return ok

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.app.run_action("next", self)  # a failed save: told, wizard kept

    def action_start_joiner(self) -> None:
        from screens.joiner import JoinerWizard

        self.app.push_screen(JoinerWizard())

    def action_promote(self) -> None:
        member = self.query_one("#guard-member", Select).value
        if not isinstance(member, int):
            self.notify(_("Choose the member to promote first."), severity="warning")
            return
        site_id = next(
            (s for s in self._at_risk if self._people_role(member, s) is Role.MEMBER), None
        )
        from screens.access import AccessScreen

        self.app.push_screen(AccessScreen(person_id=member, site_id=site_id, role=Role.OWNER))

    def _people_role(self, person_id: int, site_id: int) -> Role | None:
        person = records.person(self.session.db(), person_id)
        return person.access.get(site_id) if person else None

    def _record(self) -> None:
        person = self._person()
        assert person is not None and self._leaving is not None
        site = self._sender(person)
        removed = bool(person.access) and self.query_one("#access-removed", Checkbox).value
        store, leaving, today = self.session.store, self._leaving, self.session.clock.today()

        def recorded(request_id: int | None) -> None:
            self.request_id = request_id
            self._show_done()
            self.notify(_("Leaver recorded."))

        save_in_thread(  # off the event loop (screens/widgets/saving.py)
            self,
            lambda: record_leaver(
                store,
                person.id,
                leaving,
                today,
                site_id=site.id if site else None,
                access_removed=removed,
            ),
            recorded,
            refused=told(self, ValidationError),
        )
