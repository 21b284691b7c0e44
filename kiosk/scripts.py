"""The call-script engine: a script's shape, its context, and filling it in.

A script (:mod:`kiosk.call_scripts` holds them all) is a short sequence of steps whose
sentences are templates; this module fills them with the site's own details (site name,
ODS code, shared mailbox, CQC-registered phone, the new owner) and a placeholder for
whatever is not known yet, so the admin on the phone reads them out instead of composing
them. Keeping the engine apart from the words means a new script, or a change of wording,
never touches how scripts run, and the engine's tests never depend on the wording.

Templates are ``N_``-marked and translated when filled, because the locale is chosen after
import. Screens render :func:`fill` (one step at a time) and :func:`script_text` (the
printable whole); golden-file tests pin the exact wording of both and of the drafts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from kiosk import facts
from kiosk.clock import LONDON
from kiosk.drafts import Draft
from kiosk.i18n import N_, _
from kiosk.model import Person, Site
from kiosk.nas_hours import describe, nas_status
from kiosk.tickets import NewOwner, default_follow_up
from kiosk.timefmt import long_day, time_of_day
from kiosk.validators import display_phone


class LineKind(StrEnum):
    DO = "do"  # an instruction for the admin
    SAY = "say"  # words to say on the call, read out as written
    INFO = "info"  # a fact to have in front of you
    CHECK = "check"  # a checklist item
    NEXT = "next"  # what happens after the call


class Form(StrEnum):
    """Details the screen asks for on a step (the screen owns the widgets)."""

    NONE = ""
    OWNER = "owner"  # pick or enter the new owner (no-access, before the call)
    RECORD_CALL = "record_call"  # ticket, time, notes of the no-access call
    TICKET = "ticket"  # which ticket is being escalated: reference and time of the call
    PERSON = "person"  # who has an individual account but no shared mailbox access
    RECORD_EMAIL = "record_email"  # log an email sent to NAS


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence template; ``when`` names a condition in :data:`CONDITIONS` ("" = always)."""

    text: str
    kind: LineKind = LineKind.DO
    when: str = ""


@dataclass(frozen=True, slots=True)
class DraftTemplate:
    to: str
    sender: str  # the context value it must be sent from, e.g. "mailbox"
    subject: str
    body: tuple[Line, ...]  # one line each; "" is a blank line


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: str
    lines: tuple[Line, ...]
    draft: DraftTemplate | None = None
    form: Form = Form.NONE


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class ScriptContext:
    """Everything a script can fill in; missing details show as a bracketed placeholder."""

    site: Site
    now: datetime  # aware; for "is NAS open" and default dates
    owner: NewOwner | None = None
    ticket: str = ""
    call_at: datetime | None = None  # when the call to NAS was made
    follow_up: date | None = None
    person_name: str = ""  # shared_access: who has an account but no mailbox access
    person_nhsmail: str = ""
    # Escalating a no-access ticket: nobody can open the shared mailbox, so the escalation
    # goes from the admin's own NHSmail address instead.
    no_access: bool = False
    admin_nhsmail: str = ""


@dataclass(frozen=True, slots=True)
class FilledLine:
    kind: LineKind
    text: str  # as shown
    copy: str  # what the copy key puts on the clipboard


@dataclass(frozen=True, slots=True)
class FilledStep:
    key: str
    title: str
    lines: tuple[FilledLine, ...]
    draft: Draft | None
    form: Form


# --- filling in ---------------------------------------------------------------------------

_PLACEHOLDERS: Mapping[str, str] = {
    "owner_name": N_("[the new owner's name]"),
    "owner_mobile": N_("[their personal mobile, 07...]"),
    "owner_email": N_("[their personal email]"),
    "owner_nhsmail": N_("[their NHSmail address]"),
    "ticket": N_("[ticket reference]"),
    "call_time": N_("[date and time of the call]"),
    "person_name": N_("[your full name]"),
    "person_nhsmail": N_("[your NHSmail address]"),
    "admin_nhsmail": N_("[your own NHSmail address]"),
}


def admin_nhsmail(people: Iterable[Person], admin: str) -> str:
    """The kiosk admin's own NHSmail address: the person on record with the admin's name
    and an address ("" when there is none, and the draft shows a placeholder)."""
    wanted = " ".join(admin.split()).casefold()
    for person in people:
        if person.nhsmail and " ".join(person.full_name.split()).casefold() == wanted:
            return person.nhsmail
    return ""


def when_text(at: datetime) -> str:
    """A moment as people say it: "Tuesday, 17 November 2026 at 14:05" (London time)."""
    local = at.astimezone(LONDON)
    return _("{day} at {time}").format(day=long_day(local.date()), time=time_of_day(local))


def _nas_time(clock_time: time, ctx: ScriptContext) -> str:
    at = datetime.combine(ctx.now.astimezone(LONDON).date(), clock_time, tzinfo=LONDON)
    return time_of_day(at)


def values(ctx: ScriptContext) -> dict[str, str]:
    """Every ``{name}`` a template may use, filled from the context (placeholders if unknown)."""
    owner = ctx.owner
    status = nas_status(ctx.now)
    start = ctx.call_at or ctx.now
    follow_up = ctx.follow_up or default_follow_up(start.astimezone(LONDON).date())
    filled = {
        "site_name": ctx.site.name,
        "ods_code": ctx.site.ods_code,
        "mailbox": ctx.site.mailbox,
        "site_phone": display_phone(ctx.site.site_phone),
        "nas_phone": facts.NAS_PHONE,
        "option_1": facts.NAS_PHONE_OPTIONS[0],
        "option_2": facts.NAS_PHONE_OPTIONS[1],
        "nas_email": facts.NAS_EMAIL,
        "escalation_email": facts.ESCALATION_EMAIL,
        "sme": facts.ESCALATION_ON_CALL,
        "portal": facts.NHSMAIL_PORTAL_URL,
        "ods_search": facts.ODS_SEARCH_URL,
        "nas_status": describe(status, ctx.now),
        "nas_opens": _nas_time(facts.NAS_OPENS, ctx),
        "nas_closes": _nas_time(facts.NAS_CLOSES, ctx),
        "follow_up": long_day(follow_up),
        "owner_name": owner.full_name if owner else "",
        "owner_mobile": display_phone(owner.personal_mobile) if owner else "",
        "owner_email": (owner.personal_email or "") if owner else "",
        "owner_nhsmail": (owner.nhsmail or "") if owner else "",
        "ticket": ctx.ticket,
        "call_time": when_text(ctx.call_at) if ctx.call_at else "",
        "person_name": ctx.person_name,
        "person_nhsmail": ctx.person_nhsmail,
        "admin_nhsmail": ctx.admin_nhsmail,
    }
    done = {
        key: value or (_(_PLACEHOLDERS[key]) if key in _PLACEHOLDERS else value)
        for key, value in filled.items()
    }
    if ctx.no_access:
        done["escalation_sender"] = done["admin_nhsmail"]
        done["escalation_from"] = _(
            "your own NHSmail address {address} (nobody can open the shared mailbox)"
        ).format(address=done["admin_nhsmail"])
    else:
        done["escalation_sender"] = done["mailbox"]
        done["escalation_from"] = _("the shared mailbox {mailbox}").format(mailbox=done["mailbox"])
    return done


CONDITIONS: Mapping[str, Callable[[ScriptContext], bool]] = {
    "nas_open": lambda ctx: nas_status(ctx.now).open,
    "nas_closed": lambda ctx: not nas_status(ctx.now).open,
    "owner_has_nhsmail": lambda ctx: bool(ctx.owner and ctx.owner.nhsmail),
    "owner_no_nhsmail": lambda ctx: not (ctx.owner and ctx.owner.nhsmail),
    # The FAQ asks for the personal email; with an NHSmail account NAS may not need it,
    # so a known NHSmail user without one on record is not asked about it.
    "owner_needs_email": lambda ctx: (
        not (ctx.owner and ctx.owner.nhsmail and not ctx.owner.personal_email)
    ),
    "has_call_time": lambda ctx: ctx.call_at is not None,
    "ticket_or_nothing": lambda ctx: bool(ctx.ticket) or ctx.call_at is None,
}


def _applies(line: Line, ctx: ScriptContext) -> bool:
    return not line.when or CONDITIONS[line.when](ctx)


def _fill_line(line: Line, filled: Mapping[str, str]) -> str:
    return _(line.text).format_map(filled) if line.text else ""


def build_draft(template: DraftTemplate, ctx: ScriptContext) -> Draft:
    """The email a template describes, filled in for this site and context."""
    filled = values(ctx)
    body = "\n".join(_fill_line(line, filled) for line in template.body if _applies(line, ctx))
    return Draft(
        to=template.to,
        sender=filled[template.sender],
        subject=_(template.subject).format_map(filled),
        body=body + "\n",
    )


def fill(subject: Script, ctx: ScriptContext) -> tuple[FilledStep, ...]:
    """Every step with its sentences filled in and its draft built, ready to render."""
    filled = values(ctx)
    steps: list[FilledStep] = []
    for step in subject.steps:
        lines = tuple(
            FilledLine(line.kind, text, text)
            for line in step.lines
            if _applies(line, ctx)
            for text in [_fill_line(line, filled)]
        )
        draft = build_draft(step.draft, ctx) if step.draft else None
        steps.append(FilledStep(step.key, _(step.title), lines, draft, step.form))
    return tuple(steps)


def draft_lines(draft: Draft) -> tuple[FilledLine, ...]:
    """A draft as copyable lines: each header copies its value, the body copies whole."""
    return (
        FilledLine(LineKind.INFO, _("From: {sender}").format(sender=draft.sender), draft.sender),
        FilledLine(LineKind.INFO, _("To: {to}").format(to=draft.to), draft.to),
        FilledLine(
            LineKind.INFO, _("Subject: {subject}").format(subject=draft.subject), draft.subject
        ),
        FilledLine(LineKind.INFO, draft.body.rstrip("\n"), draft.body),
    )


# --- the printable version ------------------------------------------------------------------

_WIDTH = 78


def _marker(kind: LineKind) -> str:
    return {
        LineKind.DO: "-",
        LineKind.SAY: ">",
        LineKind.INFO: "*",
        LineKind.CHECK: "[ ]",
        LineKind.NEXT: "->",
    }[kind]


def line_label(line: FilledLine) -> str:
    """The line as printed and shown: marker first, spoken words in quotes."""
    text = _('"{words}"').format(words=line.text) if line.kind is LineKind.SAY else line.text
    return f"{_marker(line.kind)} {text}"


def script_text(subject: Script, ctx: ScriptContext) -> str:
    """The whole script filled in, as plain text to print or keep beside the phone."""
    steps = fill(subject, ctx)
    out: list[str] = [
        _(subject.title),
        _("{site} ({ods}), {when}").format(
            site=ctx.site.name, ods=ctx.site.ods_code, when=when_text(ctx.now)
        ),
    ]
    if any(line.kind is LineKind.SAY for step in steps for line in step.lines):
        out += ["", _('Lines marked ">" are words to say on the call.')]
    for number, step in enumerate(steps, start=1):
        out += ["", f"{number}. {step.title}"]
        for line in step.lines:
            out += _wrap(line_label(line), "  ", " " * (len(_marker(line.kind)) + 3))
        if step.draft is not None:
            out += ["", "  " + _("Email to send:"), ""]
            for row in step.draft.as_text().rstrip("\n").split("\n"):
                out += _wrap(row, "    ", "    ") if row else [""]
    return "\n".join(out) + "\n"


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        _WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )
