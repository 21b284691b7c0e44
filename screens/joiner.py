"""The joiner wizard: ask NAS, from the site's shared mailbox, to add someone.

Steps (FAQ, "How do I add new users?"): (1) which site, and does the person already have
an NHSmail account; (2) exactly the fields NAS needs for that case, with the reminder that
an existing account must first be marked a leaver by the old organisation; (3) owner or
member, with what that does to the mailbox's cover and NHSmail's caps; (4) the email, to
copy (OSC 52) or save; (5) record it. The person then shows as "joiner in progress" until
NAS's answer is recorded. Escape goes back a step; ctrl+s moves on.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import (
    ContentSwitcher,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from kiosk import facts, records
from kiosk.coverage import AccessChange, cover_sentence, coverage, coverage_after, new_problems
from kiosk.drafts import Draft
from kiosk.i18n import _
from kiosk.model import Person, PersonStatus, Role, Site
from kiosk.nas_requests import JoinerDetails, draft_joiner
from kiosk.people import PersonForm, form_of, joiner_details, record_joiner
from screens.person_form import field_widgets, fill_form, read_form, show_field_errors
from screens.widgets.draft import DraftPanel
from screens.widgets.footer import Footer
from screens.widgets.header import KioskHeader
from screens.widgets.saving import save_in_thread
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect
from screens.widgets.toggles import Choice
from screens.widgets.wizard import WizardScreen, wizard_css

ALL_FIELDS = ("full_name", "nhsmail", "personal_mobile", "personal_email")
NEW_FIELDS = ("full_name", "personal_mobile", "personal_email")
EXISTING_FIELDS = ("full_name", "nhsmail", "personal_mobile")


def existing_account_reminder() -> str:
    """The FAQ's condition for an existing account, and how to check it with NAS."""
    return _(
        "Before NAS can add them as a joiner, their old organisation must have marked them as a "
        "leaver. If you are not sure it has, ask NAS first: call {phone} (option 1, then 1) or "
        "email {email} from the shared mailbox."
    ).format(phone=facts.NAS_PHONE, email=facts.NAS_EMAIL)


class JoinerWizard(WizardScreen):
    """``JoinerWizard()`` for someone new to kiosk; ``prefill_person_id=`` for someone on
    record (e.g. an account that was deleted for good and needs a new one)."""

    CSS_PATH = wizard_css("joiner.tcss")
    STEPS = ("step-account", "step-details", "step-role", "step-email", "step-record", "step-done")

    def __init__(self, prefill_person_id: int | None = None) -> None:
        super().__init__()
        self._prefill_id = prefill_person_id
        self._loaded = False
        self._sites: list[Site] = []
        self._details: JoinerDetails | None = None
        self._role: Role | None = None
        self._draft: Draft | None = None
        self.recorded: tuple[int, int] | None = None  # (person id, request id), for tests

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._sites = records.sites(self.session.db())
        yield KioskHeader()
        yield Literal("", id="step-title")
        with ContentSwitcher(initial=self.STEPS[0], id="steps"):
            with VerticalScroll(id="step-account"):
                if len(self._sites) > 1:
                    yield LiteralLabel(_("Which site's shared mailbox are they joining?"))
                    yield LiteralSelect(
                        [(f"{s.name} ({s.ods_code})", s.id) for s in self._sites],
                        value=self._sites[0].id,
                        allow_blank=False,
                        id="joiner-site",
                    )
                yield Literal(
                    _(
                        "Does the person already have an NHSmail account (an address ending "
                        "@nhs.net, from another care home, a GP practice or the NHS)? If they "
                        "do, never apply for another one: they join with the one they have."
                    ),
                    classes="explain",
                )
                with RadioSet(id="joiner-account"):
                    yield Choice(_("No: NAS creates a new account"), id="account-new")
                    yield Choice(
                        _("Yes: they already have an NHSmail account"), id="account-existing"
                    )
                yield Literal("", id="joiner-account-error", classes="field-error")
            with VerticalScroll(id="step-details"):
                yield Literal("", id="details-intro", classes="explain")
                yield from field_widgets(
                    "joiner",
                    ALL_FIELDS,
                    {
                        "personal_mobile": _("Personal mobile (must start 07)"),
                        # Asked only when they have an account, so it is required here.
                        "nhsmail": _("Their NHSmail address (ending @nhs.net)"),
                    },
                )
                yield Literal(existing_account_reminder(), id="existing-reminder", classes="warn")
            with VerticalScroll(id="step-role"):
                yield Literal(
                    _(
                        "Members read and send from the shared mailbox. Owners can also add "
                        "and remove people; keep at least two owners, so one being away never "
                        "locks the home out."
                    ),
                    classes="explain",
                )
                with RadioSet(id="joiner-role"):
                    yield Choice(_("Member"), id="role-member")
                    yield Choice(_("Owner"), id="role-owner")
                yield Literal("", id="role-cover")
                yield Literal("", id="role-problems", classes="danger")
            with Vertical(id="step-email"):
                yield Literal("", id="email-intro", classes="explain")
                yield DraftPanel(id="joiner-draft")
            with VerticalScroll(id="step-record"):
                yield Literal("", id="record-text")
            with VerticalScroll(id="step-done"):
                yield Literal("", id="done-text")
        yield Footer()

    def refresh_data(self) -> None:
        """Prefill once; later refreshes never overwrite what is being typed."""
        if self._loaded:
            return
        self._loaded = True
        self.sub_title = _("Joiner")
        if not self._sites:
            self.notify(_("Add a site first (Sites, key s)."), severity="error")
        person = self._prefill()
        if person is not None:
            fill_form(self, "joiner", form_of(person), ALL_FIELDS)
            self.sub_title = _("Joiner: {name}").format(name=person.full_name)
            radio = "#account-existing" if person.nhsmail else "#account-new"
            self.query_one(radio, RadioButton).value = True
            site_ids = [s.id for s in self._sites]
            for site_id in person.access:
                if site_id in site_ids and len(self._sites) > 1:
                    self.query_one("#joiner-site", Select).value = site_id
                    break
        self._show_step()

    def _prefill(self) -> Person | None:
        if self._prefill_id is None:
            return None
        person = records.person(self.session.db(), self._prefill_id)
        if person is None:
            self.notify(_("That person is no longer on record."), severity="warning")
            self._prefill_id = None
        return person

    # -- state ----------------------------------------------------------------------------

    def _site(self) -> Site | None:
        if not self._sites:
            return None
        if len(self._sites) == 1:
            return self._sites[0]
        value = self.query_one("#joiner-site", Select).value
        return next((s for s in self._sites if s.id == value), self._sites[0])

    def _has_account(self) -> bool | None:
        pressed = self.query_one("#joiner-account", RadioSet).pressed_button
        if pressed is None:
            return None
        return pressed.id == "account-existing"

    def _fields(self) -> tuple[str, ...]:
        return EXISTING_FIELDS if self._has_account() else NEW_FIELDS

    def _chosen_role(self) -> Role | None:
        pressed = self.query_one("#joiner-role", RadioSet).pressed_button
        if pressed is None:
            return None
        return Role.OWNER if pressed.id == "role-owner" else Role.MEMBER

    # -- steps ----------------------------------------------------------------------------

    def _step_titles(self) -> dict[str, str]:
        return {
            "step-account": _("Step 1 of 5: site and NHSmail account"),
            "step-details": _("Step 2 of 5: what NAS needs"),
            "step-role": _("Step 3 of 5: owner or member"),
            "step-email": _("Step 4 of 5: the email to NAS"),
            "step-record": _("Step 5 of 5: record the request"),
            "step-done": _("Recorded"),
        }

    def _enter_step_account(self) -> None:
        self.query_one("#joiner-account", RadioSet).focus()

    def _enter_step_details(self) -> None:
        existing = bool(self._has_account())
        shown = set(self._fields())
        for name in ALL_FIELDS:
            for suffix in ("", "-label"):
                self.query_one(f"#joiner-{name}{suffix}").display = name in shown
            if name not in shown:
                error = self.query_one(f"#joiner-{name}-error", Static)
                error.update("")
                error.add_class("empty")
        self.query_one("#joiner-personal_mobile-label", Label).update(
            _("The mobile already linked to their NHSmail account (must start 07)")
            if existing
            else _("Personal mobile (must start 07)")
        )
        self.query_one("#existing-reminder").display = existing
        intro = (
            _("NAS needs exactly these three things for someone who already has an account:")
            if existing
            else _(
                "NAS needs exactly these three things for a new account: it sends the username "
                "and a temporary password to their own mobile and email. kiosk asks for "
                "nothing else (no date of birth, no home address)."
            )
        )
        self.query_one("#details-intro", Static).update(intro)
        self.query_one("#joiner-full_name", Input).focus()

    def _enter_step_role(self) -> None:
        site = self._site()
        self.query_one("#joiner-role", RadioSet).focus()
        if site is None:
            return
        people = records.people(self.session.db())
        now = coverage(site.id, people, self.session.clock.today())
        lines = [_("{site} now: {cover}.").format(site=site.ods_code, cover=cover_sentence(now))]
        for role, label in ((Role.MEMBER, _("As a member")), (Role.OWNER, _("As an owner"))):
            after = coverage_after(
                site.id, people, AccessChange(0, site.id, role), self.session.clock.today()
            )
            lines.append(
                _("{choice}, once NAS adds them: {cover}.").format(
                    choice=label, cover=cover_sentence(after)
                )
            )
        self.query_one("#role-cover", Static).update("\n".join(lines))
        self._show_role_problems()

    def _role_problems(self) -> list[str]:
        site, role = self._site(), self._chosen_role()
        if site is None or role is None:
            return []
        people = records.people(self.session.db())
        before = coverage(site.id, people, self.session.clock.today())
        after = coverage_after(
            site.id, people, AccessChange(0, site.id, role), self.session.clock.today()
        )
        caps = {"too_many_owners", "too_many_members"}
        return [
            text
            for code, text in zip(after.codes, after.problems, strict=True)
            if code in caps and text in new_problems(before, after)
        ]

    def _show_role_problems(self) -> None:
        problems = self._role_problems()
        text = "\n".join(_("✖ {problem}").format(problem=p) for p in problems)
        self.query_one("#role-problems", Static).update(text)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "joiner-role":
            self._show_role_problems()
        if event.radio_set.id == "joiner-account":
            self.query_one("#joiner-account-error", Static).update("")

    def _enter_step_email(self) -> None:
        site = self._site()
        assert site is not None and self._details is not None and self._role is not None
        self._draft = draft_joiner(site, self._details, self._role)
        panel = self.query_one("#joiner-draft", DraftPanel)
        panel.draft = self._draft
        panel.set_filename(f"joiner-{site.ods_code}.txt")
        self.query_one("#email-intro", Static).update(
            _(
                "Send this from the shared mailbox {mailbox}, not from a personal account: "
                "NAS acts only on requests from it. c copies it, s saves it as a file; "
                "ctrl+s once it is sent."
            ).format(mailbox=site.mailbox)
        )
        panel.focus()

    def _enter_step_record(self) -> None:
        site = self._site()
        assert site is not None and self._details is not None
        self.query_one("#record-text", Static).update(
            _(
                "Have you sent the email from {mailbox}? ctrl+s records the request: "
                '{name} will show as "joiner in progress" until you record NAS\'s answer '
                "(r on People, or Requests). Escape goes back to the email."
            ).format(mailbox=site.mailbox, name=self._details.full_name)
        )

    def _enter_step_done(self) -> None:
        assert self._details is not None
        lines = [
            _("Recorded: {name} is a joiner in progress.").format(name=self._details.full_name)
        ]
        if not self._details.has_account:
            lines.append(
                _(
                    "When NAS has created the account, record its answer with the new NHSmail "
                    "address. Then your part begins: pass on the username (NAS sends the "
                    "temporary password to their own mobile and email), help them sign in for "
                    "the first time, and make sure they accept the acceptable use policy and "
                    "set security questions within {n} days, or the account goes inactive."
                ).format(n=facts.NEW_ACCOUNT_FIRST_LOGIN_DAYS)
            )
        lines.append(
            _(
                "If NAS has not answered within {n} working days, Requests shows how to "
                "escalate. Escape goes back."
            ).format(n=facts.REQUEST_ESCALATE_WORKING_DAYS)
        )
        self.query_one("#done-text", Static).update("\n\n".join(lines))

    # -- moving between steps -------------------------------------------------------------

    def _check_step(self) -> bool:
        if self.step == "step-account":
            if self._site() is None:
                self.notify(_("Add a site first (Sites, key s)."), severity="error")
                return False
            if self._has_account() is None:
                self.query_one("#joiner-account-error", Static).update(
                    _("Choose one: does the person already have an NHSmail account?")
                )
                return False
        elif self.step == "step-details":
            return self._check_details()
        elif self.step == "step-role":
            self._role = self._chosen_role()
            if self._role is None:
                self.query_one("#role-problems", Static).update(_("Choose owner or member."))
                return False
            if self._role_problems():
                self.notify(_("NHSmail would refuse this: see the red line."), severity="error")
                return False
        return True

    def _check_details(self) -> bool:
        fields = self._fields()
        form = read_form(self, "joiner", fields)
        full = PersonForm(**{name: getattr(form, name) for name in fields})
        details, errors = joiner_details(
            full,
            bool(self._has_account()),
            records.people(self.session.db()),
            self.session.clock.today(),
            exclude_id=self._prefill_id or 0,
        )
        show_field_errors(self, "joiner", fields, errors)
        if details is None:
            return False
        self._details = details
        return True

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = self._fields()
        if event.input.id == f"joiner-{fields[-1]}":
            await self.app.run_action("next", self)  # a failed save: told, wizard kept
        else:
            self.focus_next()

    def _record(self) -> None:
        site = self._site()
        assert site is not None and self._details is not None and self._role is not None
        person = self._prefill()
        if person is not None and person.status is PersonStatus.JOINER:
            self.notify(_("A joiner request is already open for this person."), severity="error")
            return
        store, details, role = self.session.store, self._details, self._role
        today, person_id = self.session.clock.today(), self._prefill_id
        save_in_thread(
            self,
            lambda: record_joiner(store, site.id, details, role, today, person_id=person_id),
            self._recorded,
        )

    def _recorded(self, recorded: tuple[int, int]) -> None:
        self.recorded = recorded
        self._show_done()
        self.notify(_("Joiner request recorded."))
