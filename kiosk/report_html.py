"""The assurance report as one self-contained, printable HTML page.

Only presentation lives here: what is on the report, and every verdict on it, comes from
:func:`kiosk.report.build_report`. The page is built with :mod:`kiosk.html_page`, so every
stored string is escaped by construction, nothing is fetched and nothing runs; dates go
through Babel (:mod:`kiosk.timefmt`) in the admin's language. Each site starts on a new
A4 page when printed; tables repeat their heading row on each printed page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kiosk.coverage import CoverLevel, cover_sentence
from kiosk.html_page import Element, Node, el, page
from kiosk.i18n import _, current_locale, ngettext
from kiosk.report import RECENT_DAYS, Assurance, AssuranceReport, SiteReport
from kiosk.timefmt import day, moment

REPORT_STYLE = """
table { border-collapse: collapse; width: 100%; margin: 0.3em 0; font-size: 9.5pt; }
th, td { border: 0.5pt solid #666; padding: 0.15em 0.35em; text-align: left;
  vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { background: #eee; }
h3 { font-size: 11.5pt; margin: 0.8em 0 0.2em; }
.verdict { font-weight: bold; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 8.5pt;
  word-break: break-all; }
.site { break-before: page; page-break-before: always; }
.site:first-of-type { break-before: auto; page-break-before: auto; }
@media screen { .site { border-top: 2px dashed #888; margin-top: 2em; } }
"""


def _none() -> str:
    return "\u2014"


def _day(value: date | None) -> str:
    return day(value) if value is not None else _none()


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _facts(rows: Sequence[tuple[str, Node]]) -> Element:
    items: list[Node] = []
    for label, value in rows:
        items += [el("dt", label), el("dd", value)]
    return el("dl", *items, cls="facts")


def _table(headings: Sequence[str], rows: Sequence[Sequence[Node]], empty: str) -> Element:
    if not rows:
        return el("p", empty)
    head = el("thead", el("tr", *(el("th", h) for h in headings)))
    body = el("tbody", *(el("tr", *(el("td", c) for c in row)) for row in rows))
    return el("table", head, body)


def _cover(site: SiteReport) -> list[Node]:
    verdict = {
        CoverLevel.OK: _("Enough cover"),
        CoverLevel.WARN: _("Enough cover, with a warning"),
    }.get(site.cover.level, _("Not enough cover"))
    nodes: list[Node] = [
        el("h3", _("Cover")),
        el("p", el("span", verdict, cls="verdict"), ": ", cover_sentence(site.cover)),
    ]
    if site.cover.problems:
        nodes.append(el("ul", *(el("li", problem) for problem in site.cover.problems)))
    nodes.append(
        el(
            "p",
            _(
                "The NHSmail FAQ asks for at least two people who can sign in, and NHSmail "
                "advises two owners: only people who can sign in today count."
            ),
            cls="note",
        )
    )
    return nodes


def _register(site: SiteReport) -> list[Node]:
    rows: list[list[Node]] = []
    for row in site.register:
        can = _("Yes") if row.can_sign_in else _("No ({status})").format(status=row.status)
        first = _none() if row.first_sign_in is None else _yes(row.first_sign_in)
        rows.append([row.name, row.role, row.nhsmail or _none(), can, row.activity, first])
    return [
        el("h3", _("Access register")),
        _table(
            [
                _("Name"),
                _("Role"),
                _("NHSmail address"),
                _("Can sign in today"),
                _("Last activity"),
                _("First sign-in done"),
            ],
            rows,
            _("Nobody is on record with access to this shared mailbox."),
        ),
    ]


def _reviews(site: SiteReport) -> list[Node]:
    if site.last_review is None:
        summary = _("No membership review is recorded: one is due now.")
    elif site.review_due:
        summary = _("Last review {last}; the next was due {next}: it is overdue.").format(
            last=_day(site.last_review), next=_day(site.next_review)
        )
    else:
        summary = _("Last review {last}; the next is due {next}.").format(
            last=_day(site.last_review), next=_day(site.next_review)
        )
    items: list[Node] = []
    for review in site.reviews:
        if review.changed:
            what = _("access changed for {names}").format(names=", ".join(review.changed))
        else:
            what = _("no change")
        items.append(
            el(
                "li",
                _("{when}, by {admin}: {what}").format(
                    when=moment(review.at), admin=review.admin, what=what
                ),
            )
        )
    nodes: list[Node] = [el("h3", _("Membership reviews")), el("p", summary)]
    if items:
        nodes.append(el("ul", *items))
    return nodes


def _leavers(site: SiteReport) -> list[Node]:
    rows: list[list[Node]] = []
    for row in site.leavers:
        if row.still_has_access:
            removed = _("Not yet: still on record, an owner must remove it")
        elif row.removed_at is not None:
            removed = _("{when}, recorded by {admin}").format(
                when=moment(row.removed_at), admin=row.removed_by
            )
        else:
            removed = _("Removed (no date in the audit trail)")
        rows.append([row.name, _day(row.leaving), row.status, removed])
    return [
        el("h3", _("Leavers")),
        _table(
            [_("Name"), _("Leaving date"), _("Status"), _("Access removed")],
            rows,
            _("No leaver is recorded for this site."),
        ),
    ]


def _requests(site: SiteReport) -> list[Node]:
    rows: list[list[Node]] = []
    for row in site.requests:
        status = row.status + (" \u2014 " + _("overdue: escalate") if row.overdue else "")
        rows.append(
            [
                _day(row.sent),
                row.kind,
                row.person or _none(),
                row.ticket or _none(),
                status,
                _day(row.resolved),
            ]
        )
    return [
        el("h3", _("Requests to NAS")),
        _table(
            [_("Sent"), _("Request"), _("Person"), _("Ticket"), _("Status"), _("Closed")],
            rows,
            _("No open request, and none closed in the last {n} days.").format(n=RECENT_DAYS),
        ),
    ]


def _tickets(site: SiteReport) -> list[Node]:
    rows: list[list[Node]] = []
    for row in site.tickets:
        status = row.status + (" \u2014 " + _("past its follow-up") if row.overdue else "")
        rows.append(
            [
                row.reference or _("(no reference)"),
                row.about,
                moment(row.opened),
                moment(row.last),
                status,
                _day(row.follow_up),
            ]
        )
    return [
        el("h3", _("Tickets with NAS")),
        _table(
            [_("Ticket"), _("About"), _("Opened"), _("Last contact"), _("Status"), _("Follow up")],
            rows,
            _("No open ticket, and none closed in the last {n} days.").format(n=RECENT_DAYS),
        ),
    ]


def _dspt(site: SiteReport) -> list[Node]:
    return [
        el("h3", _("Data Security and Protection Toolkit")),
        _facts(
            [
                (_("Toolkit version"), site.dspt_version or _none()),
                (_("Status"), site.dspt_status),
                (_("Published"), _day(site.site.dspt_published)),
                (_("Renewal due"), _day(site.dspt.deadline)),
            ]
        ),
        el("p", site.dspt.message),
    ]


def _site(site: SiteReport) -> Element:
    body: list[Node] = [
        el("h2", site.site.name),
        _facts(
            [
                (_("Shared mailbox"), site.site.mailbox),
                (_("ODS code"), site.site.ods_code),
                (_("CQC location ID"), site.site.cqc_location_id),
            ]
        ),
    ]
    for part in (_cover, _register, _reviews, _leavers, _requests, _tickets, _dspt):
        body += part(site)
    return el("section", *body, cls="site")


def _backups(info: Assurance) -> str:
    if not info.backups:
        return _("No earlier generation is kept in backups/ yet.")
    return ngettext(
        "{n} generation in backups/, {intact} with its header and checksum intact; the newest "
        "is generation {newest}.",
        "{n} generations in backups/, {intact} with their header and checksum intact; the "
        "newest is generation {newest}.",
        info.backups,
    ).format(n=info.backups, intact=info.backups_intact, newest=info.newest_backup)


def _assurance(info: Assurance) -> Element:
    if info.audit_ok:
        verdict = _("Intact: every entry is linked to the one before it and to the header.")
    else:
        verdict = _("BROKEN: {message}").format(message=info.audit_message)
    rows: list[tuple[str, Node]] = [
        (
            _("Store"),
            _("Opened, decrypted and authenticated (generation {n})").format(n=info.generation),
        ),
        (_("Audit chain"), el("span", verdict, cls="verdict")),
        (_("Audit entries"), str(info.audit_length)),
        (_("Audit head"), el("span", info.audit_head or _none(), cls="hash")),
        (_("Backups"), _backups(info)),
        (_("Report made"), moment(info.made_at)),
        (_("Made by"), info.made_by),
        (_("Verdicts as of"), day(info.as_of, "full")),
    ]
    rows += [(_("Warning"), warning) for warning in info.warnings]
    return el(
        "section",
        el("h2", _("Assurance")),
        _facts(rows),
        el(
            "p",
            _(
                "The audit head is the hash of the last entry, this report's own included. "
                "Run kiosk check, which also decrypts and checks every backup generation, "
                "and compare the head it prints with this one: any later change makes it "
                "differ."
            ),
            cls="note",
        ),
    )


def render_report(report: AssuranceReport) -> str:
    """The whole HTML document: an introduction, one section per site, the assurance."""
    info = report.assurance
    count = len(report.sites)
    intro: list[Element] = [
        el(
            "header",
            el("h1", _("Shared mailbox access and assurance report")),
            el(
                "p",
                ngettext(
                    "{count} site. Made {when} by {admin}; verdicts as of {day}.",
                    "{count} sites. Made {when} by {admin}; verdicts as of {day}.",
                    count,
                ).format(
                    count=count, when=moment(info.made_at), admin=info.made_by, day=day(info.as_of)
                ),
            ),
            el(
                "ul",
                *(
                    el("li", _("{site} ({ods})").format(site=s.site.name, ods=s.site.ods_code))
                    for s in report.sites
                ),
            ),
            el(
                "p",
                _(
                    "This report holds personal data taken out of kiosk's encrypted record: keep "
                    "it safe and delete it when done. It shows names, roles and NHSmail "
                    "addresses only: never personal mobile numbers or personal email addresses."
                ),
                cls="note",
            ),
        )
    ]
    sections = [_site(site) for site in report.sites]
    return page(
        _("Access and assurance report"),
        [*intro, *sections, _assurance(info)],
        lang=current_locale().replace("_", "-"),
        extra_style=REPORT_STYLE,
    )
