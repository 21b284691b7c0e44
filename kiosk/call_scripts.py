"""Call scripts as data: what to do and say when the shared mailbox is out of reach.

An admin who has lost the shared mailbox is on the phone and under pressure. Each script
here is a short sequence of steps whose sentences are templates that :mod:`kiosk.scripts`
(the engine) fills with the site's own details, so the admin reads them out instead of
composing them. The procedures follow the FAQ
(``shared/reference/nhsmail-social-care-faq.txt``); every number and address comes from
:mod:`kiosk.facts`. This module is the words only: a ``when`` on a line names a condition
in :data:`kiosk.scripts.CONDITIONS`, and a ``{name}`` a value of :func:`kiosk.scripts.values`.

Drafted emails hold exactly what the FAQ says NAS needs and nothing more: NAS "will never
require more", and anything extra is personal data sent for no reason.
"""

from __future__ import annotations

from kiosk import facts
from kiosk.drafts import Draft
from kiosk.i18n import N_
from kiosk.scripts import (
    DraftTemplate,
    Form,
    Line,
    LineKind,
    Script,
    ScriptContext,
    Step,
    build_draft,
)
from kiosk.tickets import (
    SCRIPT_ESCALATE,
    SCRIPT_NO_ACCESS,
    SCRIPT_ODS_CHANGE,
    SCRIPT_OUTSIDE_HOURS,
    SCRIPT_SHARED_ACCESS,
)

# --- the scripts ----------------------------------------------------------------------------

_SEE_OUTSIDE_HOURS = N_(
    'Call when it opens; until then, see "Outside NAS hours" for what you can still do.'
)

NO_ACCESS = Script(
    id=SCRIPT_NO_ACCESS,
    title=N_("No one can access the shared mailbox"),
    summary=N_("Call NAS from the site phone to have a new owner added"),
    steps=(
        Step(
            key="before",
            title=N_("Before the call"),
            form=Form.OWNER,
            lines=(
                Line(N_("{nas_status}."), LineKind.INFO),
                Line(_SEE_OUTSIDE_HOURS, when="nas_closed"),
                Line(
                    N_(
                        "Call from the site's CQC-registered telephone number, {site_phone}: "
                        "NAS checks that the call comes from the number CQC shows for "
                        "{site_name}."
                    )
                ),
                Line(
                    N_(
                        "Choose the new owner: someone at {site_name} who will look after the "
                        "shared mailbox and add the others."
                    )
                ),
                Line(N_("New owner: {owner_name}"), LineKind.INFO),
                Line(N_("NHSmail address: {owner_nhsmail}"), LineKind.INFO, "owner_has_nhsmail"),
                Line(N_("Personal mobile: {owner_mobile}"), LineKind.INFO),
                Line(N_("Personal email: {owner_email}"), LineKind.INFO, "owner_needs_email"),
                Line(
                    N_(
                        "NAS will never ask for more than these details: do not give a date of "
                        "birth, a home address or any other personal information."
                    )
                ),
            ),
        ),
        Step(
            key="call",
            title=N_("The call"),
            lines=(
                Line(N_("Dial {nas_phone}.")),
                Line(
                    N_(
                        "Choose option {option_1}, then option {option_2} again, for a social "
                        "care agent."
                    )
                ),
                Line(N_("I am calling from {site_name}, ODS code {ods_code}."), LineKind.SAY),
                Line(N_("Our shared mailbox is {mailbox}."), LineKind.SAY),
                Line(
                    N_(
                        "No one now on site can access the shared mailbox and a new owner needs "
                        "to be added."
                    ),
                    LineKind.SAY,
                ),
                Line(
                    N_("The new owner already has an NHSmail account: {owner_nhsmail}."),
                    LineKind.SAY,
                    "owner_has_nhsmail",
                ),
                Line(N_("The new owner's name is {owner_name}."), LineKind.SAY),
                Line(N_("Their personal mobile number is {owner_mobile}."), LineKind.SAY),
                Line(
                    N_("Their personal email address is {owner_email}."),
                    LineKind.SAY,
                    "owner_needs_email",
                ),
                Line(
                    N_(
                        "Other users can be added on this call in the same way, or by the new "
                        "owner later."
                    )
                ),
                Line(N_("Ask for the ticket reference and write it down.")),
                Line(
                    N_(
                        "If the agent cannot resolve it, ask to speak to a {sme}: that is the "
                        "escalation route on the call."
                    )
                ),
            ),
        ),
        Step(
            key="after",
            title=N_("After the call"),
            form=Form.RECORD_CALL,
            lines=(
                Line(
                    N_(
                        "Record the ticket reference, the time of the call and any notes. "
                        "{owner_name} is then shown as a joiner in progress, as owner."
                    )
                ),
                Line(
                    N_(
                        "NAS sends the new account's username and temporary password to "
                        "{owner_name}'s personal email and mobile; help them sign in the "
                        "first time."
                    ),
                    LineKind.NEXT,
                    "owner_no_nhsmail",
                ),
                Line(
                    N_(
                        "Once NAS has added them, {owner_name} opens {mailbox} from their own "
                        "NHSmail account (Outlook or Outlook Web App)."
                    ),
                    LineKind.NEXT,
                ),
                Line(
                    N_(
                        "When {owner_name} can open the shared mailbox, mark them active in People."
                    ),
                    LineKind.NEXT,
                ),
                Line(
                    N_(
                        "Add a second owner, so that one person being away never locks "
                        "{site_name} out again."
                    ),
                    LineKind.NEXT,
                ),
                Line(
                    N_(
                        "If the ticket is not resolved by {follow_up}, escalate it to "
                        "{escalation_email} with the ticket reference and the date and time of "
                        "the call."
                    ),
                    LineKind.NEXT,
                ),
            ),
        ),
    ),
)

ESCALATION_DRAFT = DraftTemplate(
    to=facts.ESCALATION_EMAIL,
    sender="escalation_sender",
    subject=N_("Escalation: unresolved NHSmail helpdesk query"),
    body=(
        Line(N_("Hello,")),
        Line(""),
        Line(
            N_(
                "Our query to the NHSmail helpdesk (National Administration Service) has not "
                "been resolved. Please could you investigate it."
            )
        ),
        Line(""),
        Line(N_("Ticket reference: {ticket}"), when="ticket_or_nothing"),
        Line(N_("Date and time of the call: {call_time}"), when="has_call_time"),
        Line(""),
        Line(N_("Thank you,")),
        Line(N_("{site_name}")),
    ),
)

ESCALATE = Script(
    id=SCRIPT_ESCALATE,
    title=N_("Escalate an unresolved ticket"),
    summary=N_("Email feedback@nhs.net, or ask for a Subject Matter Expert on a call"),
    steps=(
        Step(
            key="ticket",
            title=N_("Which ticket"),
            form=Form.TICKET,
            lines=(
                Line(N_("Ticket reference: {ticket}"), LineKind.INFO),
                Line(N_("Date and time of the call: {call_time}"), LineKind.INFO),
                Line(
                    N_(
                        "NAS needs the ticket reference, the date and time of the call, or "
                        "both, to find your query quickly."
                    )
                ),
            ),
        ),
        Step(
            key="on_call",
            title=N_("On a call"),
            lines=(
                Line(
                    N_(
                        "If the frontline helpdesk cannot resolve your query during a call, "
                        "ask to speak to a {sme}, on that call or on a later one."
                    )
                ),
                Line(
                    N_("Our query is still not resolved. Please may I speak to a {sme}?"),
                    LineKind.SAY,
                ),
                Line(N_("The ticket reference is {ticket}."), LineKind.SAY, "ticket_or_nothing"),
                Line(N_("We called on {call_time}."), LineKind.SAY, "has_call_time"),
            ),
        ),
        Step(
            key="email",
            title=N_("Email the escalation"),
            draft=ESCALATION_DRAFT,
            lines=(Line(N_("Send this email to {escalation_email} from {escalation_from}.")),),
        ),
        Step(
            key="after",
            title=N_("After the email"),
            form=Form.RECORD_EMAIL,
            lines=(
                Line(
                    N_(
                        "Record the escalation email in the call and ticket log and set a new "
                        "follow-up date."
                    )
                ),
                Line(
                    N_(
                        "If the ticket is in the log, recording the email sets it to waiting "
                        "until the new follow-up date."
                    ),
                    LineKind.NEXT,
                ),
            ),
        ),
    ),
)

SHARED_ACCESS_DRAFT = DraftTemplate(
    to=facts.NAS_EMAIL,
    sender="person_nhsmail",
    subject=N_("Access to our site's shared mailbox"),
    body=(
        Line(N_("Hello,")),
        Line(""),
        Line(
            N_(
                "I have an NHSmail individual account but no access to my site's shared "
                "mailbox. Please could you give me access."
            )
        ),
        Line(""),
        Line(N_("Name: {person_name}")),
        Line(N_("ODS code: {ods_code}")),
        Line(""),
        Line(N_("Thank you.")),
    ),
)

SHARED_ACCESS = Script(
    id=SCRIPT_SHARED_ACCESS,
    title=N_("I have an individual account but no shared mailbox access"),
    summary=N_("Email Helpdesk@nhs.net with your name and the site's ODS code"),
    steps=(
        Step(
            key="owner_first",
            title=N_("Ask an owner first"),
            form=Form.PERSON,
            lines=(
                Line(
                    N_(
                        "If an owner of the shared mailbox can still open it, ask them to add "
                        "you: an owner can give access without NAS."
                    )
                ),
                Line(
                    N_(
                        'If no one at all can open it, use "No one can access the shared '
                        'mailbox" instead.'
                    )
                ),
                Line(N_("Your name: {person_name}"), LineKind.INFO),
                Line(N_("Your NHSmail address: {person_nhsmail}"), LineKind.INFO),
            ),
        ),
        Step(
            key="ods",
            title=N_("Your ODS code"),
            lines=(
                Line(N_("The ODS code on record for {site_name} is {ods_code}."), LineKind.INFO),
                Line(
                    N_(
                        "To check it, search the NHS ODS Data Search and Export service "
                        "({ods_search}) using at least the site's post code."
                    )
                ),
            ),
        ),
        Step(
            key="email",
            title=N_("Email NAS"),
            draft=SHARED_ACCESS_DRAFT,
            lines=(
                Line(
                    N_(
                        "Send this email to {nas_email} from your own NHSmail account, "
                        "{person_nhsmail}: you cannot send from the shared mailbox yet."
                    )
                ),
            ),
        ),
        Step(
            key="after",
            title=N_("After the email"),
            form=Form.RECORD_EMAIL,
            lines=(
                Line(N_("Record the email in the call and ticket log.")),
                Line(
                    N_("When NAS replies, add its ticket reference to the log entry."),
                    LineKind.NEXT,
                ),
                Line(
                    N_(
                        "Once you can open {mailbox}, ask an owner to check you are listed "
                        "correctly in People."
                    ),
                    LineKind.NEXT,
                ),
            ),
        ),
    ),
)

ODS_CHANGE = Script(
    id=SCRIPT_ODS_CHANGE,
    title=N_("The site's ODS code is changing"),
    summary=N_("New owner or new registration: what must happen to the shared mailbox"),
    steps=(
        Step(
            key="why",
            title=N_("What changes"),
            lines=(
                Line(
                    N_(
                        "The shared mailbox {mailbox} belongs to {site_name} under ODS code "
                        "{ods_code}, and its address cannot be changed."
                    ),
                    LineKind.INFO,
                ),
                Line(
                    N_(
                        "When the site changes ownership or registration, the shared mailbox "
                        "must be updated or closed, and a new one registered if necessary."
                    ),
                    LineKind.INFO,
                ),
            ),
        ),
        Step(
            key="checklist",
            title=N_("Checklist"),
            lines=(
                Line(
                    N_(
                        "Find the new ODS code with the NHS ODS Data Search and Export service "
                        "({ods_search}), searching by at least the site's post code."
                    ),
                    LineKind.CHECK,
                ),
                Line(
                    N_(
                        "Email {nas_email} from {mailbox} with the current ODS code {ods_code} "
                        "and the new one, and ask whether this shared mailbox will be updated "
                        "or closed and a new one registered."
                    ),
                    LineKind.CHECK,
                ),
                Line(
                    N_(
                        "Make sure the Data Security and Protection Toolkit is published for "
                        "the new registration at Approaching Standards or better: NHSmail "
                        "requires it."
                    ),
                    LineKind.CHECK,
                ),
                Line(
                    N_(
                        "Keep at least two owners on the shared mailbox until the change is "
                        "finished, so no one is locked out part-way."
                    ),
                    LineKind.CHECK,
                ),
                Line(
                    N_(
                        "If a new shared mailbox is registered, record the new ODS code and "
                        "address in Sites; kiosk keeps the old site's history."
                    ),
                    LineKind.CHECK,
                ),
                Line(
                    N_(
                        "Give everyone who needs it access to the new shared mailbox, and tell "
                        "the services you exchange care information with the new address."
                    ),
                    LineKind.CHECK,
                ),
            ),
        ),
    ),
)

OUTSIDE_HOURS = Script(
    id=SCRIPT_OUTSIDE_HOURS,
    title=N_("Outside NAS hours"),
    summary=N_("What you can still do, and when NAS opens"),
    steps=(
        Step(
            key="now",
            title=N_("What you can do now"),
            lines=(
                Line(N_("{nas_status}."), LineKind.INFO),
                Line(
                    N_(
                        "NAS works {nas_opens} to {nas_closes}, Monday to Friday, except bank "
                        "holidays in England."
                    ),
                    LineKind.INFO,
                ),
                Line(
                    N_(
                        "Reset a forgotten NHSmail password yourself at any time, with the "
                        "self-service password reset on the NHSmail portal ({portal})."
                    )
                ),
                Line(
                    N_(
                        "Email the NHSmail helpdesk at {nas_email} at any time; NAS replies as "
                        "soon as it can."
                    )
                ),
                Line(
                    N_(
                        "If no one can open the shared mailbox, a new owner can only be added "
                        "by a call from {site_phone}: get the new owner's details ready and "
                        "call when NAS opens."
                    )
                ),
            ),
        ),
    ),
)

SCRIPTS: tuple[Script, ...] = (NO_ACCESS, ESCALATE, SHARED_ACCESS, ODS_CHANGE, OUTSIDE_HOURS)


def script(script_id: str) -> Script:
    for found in SCRIPTS:
        if found.id == script_id:
            return found
    raise KeyError(script_id)


def escalation_draft(ctx: ScriptContext) -> Draft:
    """The escalation email to feedback@nhs.net: ticket reference and time of the call;
    from the shared mailbox, or from the admin's own NHSmail address when the ticket is
    about having no access to it (``ctx.no_access``)."""
    return build_draft(ESCALATION_DRAFT, ctx)


def shared_access_draft(ctx: ScriptContext) -> Draft:
    """The email to Helpdesk@nhs.net from someone with an account but no mailbox access."""
    return build_draft(SHARED_ACCESS_DRAFT, ctx)
