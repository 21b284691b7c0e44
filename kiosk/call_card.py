"""The emergency call card: one printed page per site for the office wall.

It is for the day nobody can open the shared mailbox *and* the kiosk machine may be down,
so everything the call needs is on paper: the site's identifiers, the CQC-registered
number to call from, NAS's number, option path and hours, what to have ready, what to say
and where to escalate. The procedure is not written twice: the "what to have ready" and
"the call" sections are the no-access call script's own steps (:data:`kiosk.call_scripts.NO_ACCESS`)
filled in with no new owner, so the owner's details show as blanks to fill in on the day.

The card carries no personal data at all (no person's name, mobile or email): it hangs on a
wall. Only site facts and NAS facts (:mod:`kiosk.facts`) go on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time

from kiosk import call_scripts, facts, scripts
from kiosk.clock import LONDON
from kiosk.html_page import Element, Node, el, page
from kiosk.i18n import _, current_locale
from kiosk.model import Site
from kiosk.scripts import FilledStep, LineKind, ScriptContext
from kiosk.timefmt import long_day, time_of_day
from kiosk.validators import display_phone

# Lines of the "before" step that depend on the moment (is NAS open now?): a card on the
# wall is read on another day, so they stay off it; the hours are printed instead.
_MOMENT_CONDITIONS = frozenset({"nas_open", "nas_closed"})


def _card_script() -> scripts.Script:
    """The no-access script's "before" and "call" steps, minus moment-dependent lines."""
    wanted = {"before", "call"}
    steps = tuple(
        replace(
            step,
            lines=tuple(
                line
                for line in step.lines
                if line.when not in _MOMENT_CONDITIONS and "{nas_status}" not in line.text
            ),
        )
        for step in call_scripts.NO_ACCESS.steps
        if step.key in wanted
    )
    return replace(call_scripts.NO_ACCESS, steps=steps)


def _hours(today: date) -> str:
    opens = datetime.combine(today, facts.NAS_OPENS, tzinfo=LONDON)
    closes = datetime.combine(today, facts.NAS_CLOSES, tzinfo=LONDON)
    return _("Monday to Friday, {opens} to {closes}, except bank holidays in England").format(
        opens=time_of_day(opens), closes=time_of_day(closes)
    )


def _facts_list(rows: Sequence[tuple[str, str]]) -> Element:
    items: list[Node] = []
    for label, value in rows:
        items += [el("dt", label), el("dd", value)]
    return el("dl", *items, cls="facts")


def _step_lines(step: FilledStep) -> Element:
    items: list[Node] = []
    for line in step.lines:
        if line.kind is LineKind.SAY:
            items.append(el("li", el("strong", _("Say:")), " ", el("span", line.text), cls="say"))
        else:
            items.append(el("li", line.text))
    return el("ol" if step.key == "call" else "ul", *items)


def _card(site: Site, today: date) -> Element:
    noon = datetime.combine(today, time(12, 0), tzinfo=LONDON)
    steps = scripts.fill(_card_script(), ScriptContext(site=site, now=noon))
    site_phone = display_phone(site.site_phone)
    options = _("option {first}, then option {second} again (social care agent)").format(
        first=facts.NAS_PHONE_OPTIONS[0], second=facts.NAS_PHONE_OPTIONS[1]
    )
    body: list[Node] = [
        el("h1", _("Emergency call card: {site}").format(site=site.name)),
        el(
            "p",
            _(
                "For the day nobody can open the shared mailbox, or the kiosk computer is "
                "down: call the NHSmail helpdesk (NAS) to have a new owner added."
            ),
        ),
        el("h2", _("This site")),
        _facts_list(
            [
                (_("Site"), site.name),
                (_("ODS code"), site.ods_code),
                (_("CQC location ID"), site.cqc_location_id),
                (_("Shared mailbox"), site.mailbox),
            ]
        ),
        el(
            "p",
            _("Call from this site's CQC-registered number:"),
            " ",
            el("span", site_phone, cls="big"),
        ),
        el("h2", _("NAS, the NHSmail helpdesk")),
        _facts_list(
            [
                (_("Phone"), facts.NAS_PHONE),
                (_("Options"), options),
                (_("Open"), _hours(today)),
            ]
        ),
        el(
            "p",
            _("Outside these hours NAS is closed: call when it opens."),
            cls="note",
        ),
    ]
    for step in steps:
        title = _("What to have ready") if step.key == "before" else _("The call")
        body += [el("h2", title), _step_lines(step)]
    body += [
        el("h2", _("Where to escalate")),
        el(
            "p",
            _(
                "If the ticket is not resolved: email {address} from your own NHSmail "
                "address with the ticket reference and the date and time of the call."
            ).format(address=facts.ESCALATION_EMAIL),
        ),
        el(
            "p",
            _(
                "This card holds no personal data: write the new owner's details down only "
                "on the day, and do not pin them here. Printed {day}."
            ).format(day=long_day(today)),
            cls="note",
        ),
    ]
    return el("section", *body, cls="card")


def call_card(sites: Sequence[Site], today: date) -> str:
    """The whole HTML document: one card (one printed page) per site, in the given order."""
    title = _("Emergency call cards")
    return page(
        title, [_card(site, today) for site in sites], lang=current_locale().replace("_", "-")
    )
