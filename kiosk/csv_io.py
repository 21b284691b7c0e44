"""People from and to a spreadsheet: parse and check a CSV import, write an export.

Import is all or nothing: every row is checked (each field by the same validators as the
forms, duplicates within the file and against the record) and if any row is bad nothing
is imported and every problem is reported with its line number and the rule it broke.
Problem messages never repeat the values typed or name other people, because a scripted
import's stderr may end up in a log; they name the line, the column and the rule.

The columns are ``full_name, personal_mobile, personal_email, nhsmail_address, access,
last_activity`` and an optional ``site`` (the ODS code; without it access is for the
store's first site). Header names ignore case, spaces and underscores, and the NHSmail
column may also be called ``nhsmail`` (so ``NHSmail address`` works). An export writes
the same columns plus ``site`` and ``status`` (the one status, :class:`kiosk.lifecycle.
PersonCode`, as of the export), one row per site a person can reach (or one row with access
``none``), so importing an export gives the same people back: rows with identical personal
details and different sites are one person. The import keeps a person who has ``left``
as left (their access stays on record until an owner removes it) and works every other
status out again from the dates; a status the row cannot carry (one only kiosk can know,
such as ``leaving``, or one its dates contradict) is refused (:func:`imported_status`).
Cells a spreadsheet would run as a formula are written with a leading ``'``, which the
import removes again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol, TextIO

from kiosk.i18n import _
from kiosk.lifecycle import PersonCode, person_status
from kiosk.model import Person, PersonStatus, Role, Site
from kiosk.people import PersonForm, check_person
from kiosk.validators import neutralise

NHSMAIL_COLUMN = "nhsmail_address"
COLUMNS: tuple[str, ...] = (
    "full_name",
    "personal_mobile",
    "personal_email",
    NHSMAIL_COLUMN,
    "access",
    "last_activity",
)
SITE_COLUMN = "site"
STATUS_COLUMN = "status"
EXPORT_COLUMNS: tuple[str, ...] = (*COLUMNS, SITE_COLUMN, STATUS_COLUMN)
# Other names a header may use for a column (compared as by column_name).
ALIASES: dict[str, str] = {"nhsmail": NHSMAIL_COLUMN}
ACCESS_WORDS: dict[str, Role | None] = {"owner": Role.OWNER, "member": Role.MEMBER, "none": None}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The largest file an import takes. A care group's whole staff list is about 10,000
# rows; the limits stop a wrong file (a million-row export of something else) from
# using gigabytes and minutes before it is refused.
MAX_IMPORT_ROWS = 50_000
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RowProblem:
    """One broken rule: the file's line number, the column (if any) and the rule."""

    line: int
    column: str
    rule: str
    message: str

    def describe(self) -> str:
        if self.column:
            return _("line {line}, {column}: {message} [{rule}]").format(
                line=self.line, column=self.column, message=self.message, rule=self.rule
            )
        return _("line {line}: {message} [{rule}]").format(
            line=self.line, message=self.message, rule=self.rule
        )


@dataclass
class ImportPlan:
    """The people an import would add, or the problems that stop it."""

    people: list[Person] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class OnRecord(Protocol):
    """What the duplicate checks need of someone on record: a :class:`Person`, or the
    lighter :class:`kiosk.records.Contact` (no need to build 10,000 records to check one
    new row)."""

    @property
    def id(self) -> int: ...

    @property
    def personal_mobile(self) -> str: ...

    @property
    def nhsmail(self) -> str | None: ...

    @property
    def erased(self) -> object: ...


# The account's own progress, in the order the days move it on: a status the file gives
# from this list is true of the row if the row's dates have reached it or gone past it
# (the file was exported on an earlier day); one ahead of the dates contradicts them.
_BY_DATES: tuple[PersonCode, ...] = (
    PersonCode.ACTIVE,
    PersonCode.DUE_SOON,
    PersonCode.INACTIVE,
    PersonCode.DELETED,
    PersonCode.GONE,
)
# Statuses only kiosk itself can know: a request to NAS (joining, leaving), a first
# sign-in still to do, leave recorded through NAS. An import cannot make them true, and
# reading them as active would count the person as cover.
_NOT_IMPORTABLE = frozenset(
    {PersonCode.JOINING, PersonCode.LEAVING, PersonCode.FIRST_SIGN_IN, PersonCode.DISABLED}
)


def imported_status(
    word: str, person: Person, today: date
) -> tuple[Person, tuple[str, str] | None]:
    """``person`` (as the row's other columns make them) with the status the file's
    ``status`` cell gives, or a problem (rule, message) when the row cannot carry it.

    The one rule for the status column. Empty: the status is worked out from the dates.
    ``left`` keeps a person left (their access stays until an owner removes it). A status
    the dates decide is accepted when the row's dates have reached it (an export from an
    earlier day) and refused when they contradict it, as is ``no_account`` beside an
    NHSmail address; statuses only kiosk can know are refused, and so is any other word."""
    text = word.strip().casefold()
    if not text:
        return person, None
    try:
        code = PersonCode(text)
    except ValueError:
        return person, (
            "status_unknown",
            _("The status is empty or one of: {words}.").format(
                words=", ".join(c.value for c in PersonCode)
            ),
        )
    if code is PersonCode.LEFT:
        return replace(person, status=PersonStatus.LEFT), None
    if code in _NOT_IMPORTABLE:
        return person, (
            "status_not_importable",
            _(
                "An import cannot record the status {status}: it comes from a request to "
                "NAS, a first sign-in or leave recorded in kiosk. Record it there, or empty "
                "the cell to import the person by their dates."
            ).format(status=code.value),
        )
    actual = person_status(person, today).code
    if code == actual or (
        code in _BY_DATES and actual in _BY_DATES and _BY_DATES.index(code) <= _BY_DATES.index(
            actual
        )
    ):
        return person, None
    return person, (
        "status_contradicts",
        _(
            "The status {status} contradicts this row's NHSmail address and last activity, "
            "which make it {actual}."
        ).format(status=code.value, actual=actual.value),
    )


def _unescape(cell: str) -> str:
    """Remove the ``'`` an export (or a careful admin) put before a formula character."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in (*_FORMULA_START, "'"):
        return cell[1:]
    return cell


def _escape(cell: str) -> str:
    """Stop a spreadsheet running a cell as a formula; a leading ``'`` is doubled so that
    :func:`_unescape` gives back exactly what was written."""
    return "'" + cell if cell.startswith((*_FORMULA_START, "'")) else cell


def _folded(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _\t")


def column_name(header_cell: str) -> str:
    """The column a header cell names, ignoring case, spaces and underscores:
    ``NHSmail address``, ``nhsmail`` and ``nhsmail_address`` all name ``nhsmail_address``.
    A cell that names no column comes back stripped and lower-cased, to be reported."""
    folded = _folded(header_cell)
    for name in EXPORT_COLUMNS:
        if folded == _folded(name):
            return name
    for alias, name in ALIASES.items():
        if folded == _folded(alias):
            return name
    return header_cell.strip().lower()


def too_large_message() -> str:
    """The rule an over-size file breaks, with both limits named."""
    return _(
        "The file is larger than an import takes ({mb} MB or {rows} rows): split it into "
        "smaller files and import them one after another."
    ).format(mb=MAX_IMPORT_BYTES // (1024 * 1024), rows=f"{MAX_IMPORT_ROWS:,}")


def plan_import(
    text: str, sites: Sequence[Site], existing: Sequence[OnRecord], today: date
) -> ImportPlan:
    """Check a whole CSV file (the text, BOM already removed) against the record.

    Callers run this before taking the store's lock, on a read of the record, so other
    admins never wait while a large file is checked (see ``kiosk.cli.people``).
    """
    plan = ImportPlan()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        plan.problems.append(
            RowProblem(1, "", "empty_file", _("The file is empty: it needs a header row."))
        )
        return plan
    except csv.Error:
        plan.problems.append(RowProblem(1, "", "csv_format", _("The header row is not CSV.")))
        return plan
    names = [column_name(h) for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in EXPORT_COLUMNS]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append(_("missing {columns}").format(columns=", ".join(missing)))
        if unknown:
            parts.append(_("unknown {columns}").format(columns=", ".join(unknown)))
        if repeated:
            parts.append(_("repeated {columns}").format(columns=", ".join(repeated)))
        plan.problems.append(
            RowProblem(
                1,
                "",
                "columns",
                _(
                    "The header must name the columns {expected} (and optionally site and "
                    "status; nhsmail is accepted for nhsmail_address): {what}."
                ).format(expected=", ".join(COLUMNS), what="; ".join(parts)),
            )
        )
        return plan

    by_ods = {s.ods_code.upper(): s for s in sites}
    default_site = sites[0] if sites else None
    # personal details -> (line, index in plan.people), to merge one person's extra sites
    seen_person: dict[tuple[str, str, str, str, str], tuple[int, int]] = {}
    seen_mobile: dict[str, int] = {}
    seen_nhsmail: dict[str, int] = {}
    by_mobile_existing = {p.personal_mobile: p for p in existing if p.erased is None}
    by_nhsmail_existing = {
        p.nhsmail.casefold(): p for p in existing if p.nhsmail and p.erased is None
    }

    rows_read = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            plan.problems.append(
                RowProblem(reader.line_num, "", "csv_format", _("This line is not valid CSV."))
            )
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not people
        rows_read += 1
        if rows_read > MAX_IMPORT_ROWS:
            plan.problems.append(RowProblem(line, "", "too_many_rows", too_large_message()))
            break
        if len(row) != len(names):
            plan.problems.append(
                RowProblem(
                    line,
                    "",
                    "cell_count",
                    _("This row has {found} cells; the header has {expected}.").format(
                        found=len(row), expected=len(names)
                    ),
                )
            )
            continue
        cells = {name: _unescape(value) for name, value in zip(names, row, strict=True)}
        problems: list[RowProblem] = []
        checked = check_person(
            PersonForm(
                full_name=cells["full_name"],
                personal_mobile=cells["personal_mobile"],
                personal_email=cells["personal_email"],
                nhsmail=cells[NHSMAIL_COLUMN],
                last_activity=cells["last_activity"],
            ),
            [],  # duplicates are checked below, without naming anyone
            today,
        )
        for column, message in checked.errors.items():
            problems.append(RowProblem(line, column, checked.errors.rules[column], message))

        word = cells["access"].strip().lower() or "none"
        role: Role | None = None
        if word not in ACCESS_WORDS:
            problems.append(
                RowProblem(line, "access", "access_word", _("Access is owner, member or none."))
            )
        else:
            role = ACCESS_WORDS[word]
        site: Site | None = default_site
        code = cells.get(SITE_COLUMN, "").strip().upper()
        if code:
            site = by_ods.get(code)
            if site is None:
                problems.append(
                    RowProblem(
                        line,
                        SITE_COLUMN,
                        "site_unknown",
                        _("No open site on record has this ODS code."),
                    )
                )
        elif role is not None and site is None:
            problems.append(
                RowProblem(line, "access", "no_site", _("Add a site before giving anyone access."))
            )

        if checked.ok:
            key = (
                checked.full_name,
                checked.personal_mobile,
                checked.personal_email or "",
                (checked.nhsmail or "").casefold(),
                checked.last_activity.isoformat() if checked.last_activity else "",
            )
            merged = seen_person.get(key)
            if merged is not None and not problems:
                first_line, index = merged
                person = plan.people[index]
                site_id = site.id if site else 0
                if role is None:
                    continue  # "none" adds nothing to someone already listed
                if site_id in person.access:
                    problems.append(
                        RowProblem(
                            line,
                            SITE_COLUMN,
                            "duplicate_row",
                            _("Line {other} already gives this person access to this site.").format(
                                other=first_line
                            ),
                        )
                    )
                else:
                    plan.people[index] = _with_access(person, site_id, role)
                    continue
            if merged is None:
                problems.extend(
                    _duplicates(
                        line,
                        checked.personal_mobile,
                        checked.nhsmail,
                        seen_mobile,
                        seen_nhsmail,
                        by_mobile_existing,
                        by_nhsmail_existing,
                    )
                )
        if problems:
            plan.problems.extend(problems)
            continue
        access = {site.id: role} if role is not None and site is not None else {}
        person = Person(
            full_name=checked.full_name,
            personal_mobile=checked.personal_mobile,
            personal_email=checked.personal_email,
            nhsmail=checked.nhsmail,
            access=access,
            status_since=today,
            last_activity=checked.last_activity,
            first_login_done=checked.nhsmail is not None,
        )
        person, status_problem = imported_status(cells.get(STATUS_COLUMN, ""), person, today)
        if status_problem:
            rule, message = status_problem
            plan.problems.append(RowProblem(line, STATUS_COLUMN, rule, message))
            continue
        plan.people.append(person)
        index = len(plan.people) - 1
        seen_person[key] = (line, index)
        seen_mobile[checked.personal_mobile] = line
        if checked.nhsmail:
            seen_nhsmail[checked.nhsmail.casefold()] = line
    if not plan.problems and not plan.people:
        plan.problems.append(RowProblem(1, "", "no_rows", _("The file has no people in it.")))
    if plan.problems:
        plan.people = []
    return plan


def _with_access(person: Person, site_id: int, role: Role) -> Person:
    return replace(person, access={**person.access, site_id: role})


def _duplicates(
    line: int,
    mobile: str,
    nhsmail: str | None,
    seen_mobile: dict[str, int],
    seen_nhsmail: dict[str, int],
    existing_mobile: dict[str, OnRecord],
    existing_nhsmail: dict[str, OnRecord],
) -> list[RowProblem]:
    found: list[RowProblem] = []
    if mobile in seen_mobile:
        found.append(
            RowProblem(
                line,
                "personal_mobile",
                "duplicate_mobile",
                _("The same mobile number is on line {other}.").format(other=seen_mobile[mobile]),
            )
        )
    elif mobile in existing_mobile:
        found.append(
            RowProblem(
                line,
                "personal_mobile",
                "duplicate_mobile",
                _("That mobile number is already on record (person {id}).").format(
                    id=existing_mobile[mobile].id
                ),
            )
        )
    if nhsmail:
        folded = nhsmail.casefold()
        if folded in seen_nhsmail:
            found.append(
                RowProblem(
                    line,
                    "nhsmail",
                    "duplicate_nhsmail",
                    _("The same NHSmail address is on line {other}.").format(
                        other=seen_nhsmail[folded]
                    ),
                )
            )
        elif folded in existing_nhsmail:
            found.append(
                RowProblem(
                    line,
                    "nhsmail",
                    "duplicate_nhsmail",
                    _("That NHSmail address is already on record (person {id}).").format(
                        id=existing_nhsmail[folded].id
                    ),
                )
            )
    return found


# --- export --------------------------------------------------------------------------------


def export_rows(
    people: Iterable[Person], sites: Sequence[Site], today: date
) -> list[dict[str, str]]:
    """One row per site each person can reach, or one row with access ``none``; ``status``
    is the one status on ``today``.

    People whose details were erased under the retention rule have nothing to export.
    """
    ods = {s.id: s.ods_code for s in sites}
    rows: list[dict[str, str]] = []
    for person in sorted(people, key=lambda p: (p.full_name.casefold(), p.id)):
        if person.erased is not None:
            continue
        base = {
            "full_name": person.full_name,
            "personal_mobile": person.personal_mobile,
            "personal_email": person.personal_email or "",
            NHSMAIL_COLUMN: person.nhsmail or "",
            "last_activity": person.last_activity.isoformat() if person.last_activity else "",
            STATUS_COLUMN: person_status(person, today).code.value,
        }
        reachable = [(site_id, role) for site_id, role in person.access.items() if site_id in ods]
        if not reachable:
            rows.append({**base, "access": "none", SITE_COLUMN: ""})
        for site_id, role in sorted(reachable):
            rows.append({**base, "access": role.value, SITE_COLUMN: ods[site_id]})
    return rows


def write_csv(rows: Iterable[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _escape(neutralise(value)) for key, value in row.items()})


def write_json(rows: Iterable[dict[str, str]], out: TextIO) -> None:
    # Control characters from an older store file are replaced, not written raw (issue 13).
    safe = [{key: neutralise(value) for key, value in row.items()} for row in rows]
    json.dump(safe, out, ensure_ascii=False, indent=2)
    out.write("\n")
