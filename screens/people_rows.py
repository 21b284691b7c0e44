"""The People table's rows and columns: built once per refresh, then filtered and sorted.

Apart from :mod:`screens.people` (the screen: keys, detail line, the flows it opens) so
that each reads on its own. Rows are plain strings with a lower-cased search key, so
filtering and sorting 5,000 people never goes back to the store or to Babel; the column
widths fill 80 columns exactly and grow with the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from textual.geometry import Size
from textual.widgets.data_table import RowKey

from kiosk.i18n import N_, _, current_locale
from kiosk.lifecycle import PERSON_CODE_ORDER, PersonVerdict, person_status
from kiosk.model import NasRequest, Person, RequestKind, RequestStatus, Role, Site
from kiosk.nas_requests import role_word
from kiosk.people import access_summary
from kiosk.validators import display_phone, mask_mobile
from screens.widgets.text import LiteralTable

# The orders ``o`` cycles through. Translate with _() where shown.
SORTS: tuple[tuple[str, str], ...] = (
    ("name", N_("name")),
    ("status", N_("status")),
    ("activity", N_("oldest activity first")),
    ("access", N_("owners first")),
)

# (key, minimum width, widest it grows to, grows with the terminal). At 80 columns the
# minimums fill the width exactly: each column also takes 2 cells of padding, and the
# scrollbar 2. The masked mobile ``07••• ••• 123`` is always 13 wide.
_BEFORE: tuple[tuple[str, int, int, bool], ...] = (("name", 14, 28, True),)
_AFTER_ONE: tuple[tuple[str, int, int, bool], ...] = (
    ("nhsmail", 17, 30, True),
    ("mobile", 13, 13, False),
    ("status", 9, 20, True),
    ("activity", 7, 7, False),
)
_AFTER_TWO: tuple[tuple[str, int, int, bool], ...] = (
    ("nhsmail", 10, 30, True),
    ("mobile", 13, 13, False),
    ("status", 8, 20, True),  # "Due soon", "Inactive", "Disabled", "Left 31d"
    ("activity", 7, 7, False),
)


def access_layout(site_count: int) -> str:
    """One column of words (one site), one column per site (two), or letters (three+)."""
    if site_count <= 1:
        return "one"
    return "per-site" if site_count == 2 else "letters"


def column_specs(site_count: int) -> list[tuple[str, int, int, bool]]:
    layout = access_layout(site_count)
    if layout == "per-site":
        access = [(f"site-{i}", 6, 8, False) for i in range(site_count)]
        return [*_BEFORE, *access, *_AFTER_TWO]
    width = 6 if layout == "one" else max(6, 2 * site_count - 1)
    key, low, cap, grows = _AFTER_ONE[0]
    nhsmail = (key, max(6, low - (width - 6)), cap, grows)  # letters take from NHSmail
    return [*_BEFORE, ("access", width, max(width, 10), False), nhsmail, *_AFTER_ONE[1:]]


def column_widths(screen_width: int, site_count: int = 1) -> tuple[int, ...]:
    """Column widths that fill ``screen_width``, growing name, NHSmail and status in turn."""
    specs = column_specs(site_count)
    widths = [spec[1] for spec in specs]
    spare = max(0, screen_width - 2 - 2 * len(widths) - sum(widths))
    while spare > 0:
        grown = False
        for index, (_key, _low, cap, grows) in enumerate(specs):
            if grows and spare and widths[index] < cap:
                widths[index] += 1
                spare -= 1
                grown = True
        if not grown:
            break
    return tuple(widths)


def access_cells(
    person: Person, sites: Sequence[Site], pending: dict[int, Role | None] | None
) -> tuple[str, ...]:
    """The access column(s) for ``person``: see :func:`access_layout`.

    A role asked of NAS and not yet confirmed shows as "asked" (or ``?`` as a letter).
    """
    pending = pending or {}
    layout = access_layout(len(sites))

    def word(site: Site) -> str:
        if site.id in pending:
            return _("asked")
        role = person.access.get(site.id)
        return role_word(role) if role else "—"

    if layout == "letters":
        letters = {Role.OWNER: _("O"), Role.MEMBER: _("M")}
        marks = []
        for site in sites:
            role = person.access.get(site.id)
            marks.append("?" if site.id in pending else letters.get(role, "·") if role else "·")
        return (" ".join(marks),)
    if not sites:
        return ("—",)
    return tuple(word(site) for site in sites)


_STATUS_ORDER = {code: rank for rank, code in enumerate(PERSON_CODE_ORDER)}


@dataclass(frozen=True, slots=True)
class Row:
    """One person as the table shows them, plus what filtering and sorting need."""

    key: str
    person: Person
    verdict: PersonVerdict
    name: str
    access: tuple[str, ...]
    nhsmail: str
    masked: str
    mobile: str
    status: str
    status_short: str
    activity: str
    search: str
    owner_rank: int


def build_rows(
    people: Sequence[Person], sites: Sequence[Site], requests: Sequence[NasRequest], today: date
) -> list[Row]:
    """Rows for every person; dates are formatted once per distinct day."""
    pending: dict[int, dict[int, Role | None]] = {}
    for request in requests:
        if (
            request.status is RequestStatus.OPEN
            and request.person_id
            and request.kind
            in (
                RequestKind.JOINER_NEW,
                RequestKind.JOINER_EXISTING,
                RequestKind.ACCESS_CHANGE,
            )
        ):
            pending.setdefault(request.person_id, {})[request.site_id] = request.role
    day_text: dict[date, str] = {}
    locale = current_locale()

    def fmt(d: date | None) -> str:
        """ "4 Nov" this year, "09/2025" before: 7 characters, in the locale's own order."""
        if d is None:
            return "—"
        text = day_text.get(d)
        if text is None:
            skeleton = "dMMM" if d.year == today.year else "yMM"
            text = day_text[d] = format_skeleton(skeleton, d, locale=locale)
        return text

    rows: list[Row] = []
    for person in people:
        waiting = pending.get(person.id)
        access = access_summary(person, sites, waiting)
        verdict = person_status(person, today)
        status = verdict.text
        nhsmail = person.nhsmail or "—"
        roles = person.access.values()
        rows.append(
            Row(
                key=str(person.id),
                person=person,
                verdict=verdict,
                name=person.full_name,
                access=access_cells(person, sites, waiting),
                nhsmail=nhsmail,
                masked=mask_mobile(person.personal_mobile) if person.personal_mobile else "—",
                mobile=display_phone(person.personal_mobile) if person.personal_mobile else "—",
                status=status,
                status_short=verdict.label,
                activity=fmt(person.last_activity),
                search=f"{person.full_name}\t{nhsmail}\t{access}\t{status}".casefold(),
                owner_rank=0 if Role.OWNER in roles else 1 if roles else 2,
            )
        )
    return rows


def at_site(people: Sequence[Person], requests: Sequence[NasRequest], site_id: int) -> list[Person]:
    """Who belongs on a one-site list: access there, or access there asked of NAS."""
    asked = {
        r.person_id
        for r in requests
        if r.status is RequestStatus.OPEN and r.site_id == site_id and r.person_id
    }
    return [p for p in people if site_id in p.access or p.id in asked]


def sort_rows(rows: list[Row], order: str) -> list[Row]:
    if order == "status":
        return sorted(rows, key=lambda r: (_STATUS_ORDER[r.verdict.code], r.name.casefold()))
    if order == "activity":
        return sorted(
            rows,
            key=lambda r: (r.person.last_activity or date.min, r.name.casefold()),
        )
    if order == "access":
        return sorted(rows, key=lambda r: (r.owner_rank, r.name.casefold()))
    return sorted(rows, key=lambda r: (r.name.casefold(), r.person.id))


def filter_rows(rows: Sequence[Row], text: str) -> list[Row]:
    words = text.casefold().split()
    if not words:
        return list(rows)
    if len(words) == 1:  # the usual case, without a generator per row
        word = words[0]
        return [r for r in rows if word in r.search]
    return [r for r in rows if all(w in r.search for w in words)]


class FixedWidthTable(LiteralTable):
    """A DataTable whose columns all have a set width, so new rows need no measuring.

    Textual's DataTable measures every cell of every new row to size auto-width columns;
    with 5,000 people that is 30,000 measurements (most of a second) on every refill. With
    fixed widths and one-line rows the measurements change nothing, so this skips them and
    sets the scrollable size directly. Anything else (an auto-width column, a row label, an
    auto-height row, a Textual without these internals) takes the normal path.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        fast = (
            not any(column.auto_width for column in self.columns.values())
            and not self._labelled_row_exists
            and hasattr(self, "_total_row_height")
            and hasattr(self, "_row_label_column_width")
        )
        if fast:
            rows = [self.rows.get(key) for key in new_rows]
            fast = not any(row is not None and (row.auto_height or row.label) for row in rows)
        if not fast:
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )
