"""Sites: add and edit with the field rules, uniqueness among open sites, new DSPT
publications, and an ODS change that closes the old site and keeps its history."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk import records
from kiosk.model import PEOPLE, SITES, DsptStatus, Person, Role, Site
from kiosk.sites import (
    SiteError,
    add_site,
    change_ods,
    check_site_form,
    history,
    record_publication,
    update_site,
    with_publication,
)
from tests.fakes import FakeStore

TODAY = date(2026, 3, 16)


def raw(**kw: str) -> dict[str, str]:
    base = {
        "name": "Willow House",
        "ods_code": "vzz01",
        "cqc_location_id": "1-123456789",
        "site_phone": "01632 960001",
        "mailbox": "willow.house@nhs.net",
        "dspt_status": "met",
        "dspt_published": "2025-06-15",
    }
    base.update(kw)
    return base


def new_site(**kw: str) -> Site:
    check = check_site_form(raw(**kw), [], today=TODAY)
    assert check.site is not None, check.errors
    return check.site


def test_form_normalises_and_builds_a_site() -> None:
    site = new_site()
    assert site.ods_code == "VZZ01"
    assert site.site_phone == "01632960001"
    assert site.dspt_status == DsptStatus.MET
    assert site.dspt_published == date(2025, 6, 15)
    assert site.id == 0


def test_form_reports_every_bad_field_at_once() -> None:
    check = check_site_form(
        raw(ods_code="", cqc_location_id="12345", mailbox="someone@example.org"), [], today=TODAY
    )
    assert check.site is None
    assert set(check.errors) == {"ods_code", "cqc_location_id", "mailbox"}


def test_two_open_sites_cannot_share_ods_code_or_mailbox() -> None:
    store = FakeStore()
    add_site(store, new_site())
    sites = records.sites(store.read())
    check = check_site_form(raw(name="Other"), sites, today=TODAY)
    assert check.site is None
    assert set(check.errors) == {"ods_code", "mailbox"}
    assert "Willow House" in check.errors["ods_code"]
    # a clash is named even while another field is still wrong: every error at once
    partial = check_site_form(raw(name="Other", cqc_location_id="12"), sites, today=TODAY)
    assert set(partial.errors) == {"ods_code", "mailbox", "cqc_location_id"}
    ok = check_site_form(
        raw(name="Other", ods_code="VZZ02", mailbox="other.house@nhs.net"), sites, today=TODAY
    )
    assert ok.site is not None


def test_edit_keeps_id_and_warns_about_mailbox_and_ods_changes() -> None:
    store = FakeStore()
    site_id = add_site(store, new_site())
    base = records.site(store.read(), site_id)
    assert base is not None
    sites = records.sites(store.read())
    same = check_site_form(raw(name="Willow House Care"), sites, today=TODAY, base=base)
    assert same.site is not None and same.site.id == site_id and not same.warnings
    changed = check_site_form(
        raw(mailbox="willow.care@nhs.net", ods_code="VZZ09"), sites, today=TODAY, base=base
    )
    assert changed.site is not None
    assert "cannot change" in changed.warnings["mailbox"]
    assert "Change ODS code" in changed.warnings["ods_code"]
    update_site(store, same.site)
    saved = records.site(store.read(), site_id)
    assert saved is not None and saved.name == "Willow House Care"
    assert [e["action"] for e in store.audit_entries] == ["site.add", "site.edit"]
    assert changed.site is not None
    with pytest.raises(SiteError, match="can never change"):
        update_site(store, changed.site)  # a different address is only ever a typo
    update_site(store, changed.site, mailbox_typo=True)
    assert [e["action"] for e in store.audit_entries[-2:]] == ["site.edit", "site.mailbox_typo"]


def test_previous_dspt_status_from_the_form() -> None:
    site = new_site(dspt_status="approaching", dspt_previous_status="approaching")
    assert site.dspt_previous_status == DsptStatus.APPROACHING
    assert new_site(dspt_previous_status="").dspt_previous_status is None
    bad = check_site_form(raw(dspt_previous_status="great"), [], today=TODAY)
    assert bad.site is None and "dspt_previous_status" in bad.errors


def test_new_publication_shifts_the_status_to_previous() -> None:
    site = new_site(dspt_status="approaching")
    later = with_publication(site, DsptStatus.MET, date(2026, 3, 1))
    assert later.dspt_status == DsptStatus.MET
    assert later.dspt_previous_status == DsptStatus.APPROACHING
    assert later.dspt_published == date(2026, 3, 1)
    # the same date again is a correction: the previous status stays
    fixed = with_publication(later, DsptStatus.EXCEEDED, date(2026, 3, 1))
    assert fixed.dspt_previous_status == DsptStatus.APPROACHING
    assert fixed.dspt_status == DsptStatus.EXCEEDED
    with pytest.raises(SiteError):
        with_publication(later, DsptStatus.MET, date(2025, 1, 1))
    first = with_publication(
        new_site(dspt_status="not_published", dspt_published=""), DsptStatus.APPROACHING, TODAY
    )
    assert first.dspt_previous_status is None


def test_record_publication_is_audited_and_refuses_future_dates() -> None:
    store = FakeStore()
    site_id = add_site(store, new_site())
    with pytest.raises(SiteError):
        record_publication(store, site_id, DsptStatus.MET, date(2026, 4, 1), TODAY)
    record_publication(store, site_id, DsptStatus.EXCEEDED, date(2026, 3, 1), TODAY)
    saved = records.site(store.read(), site_id)
    assert saved is not None
    assert (saved.dspt_status, saved.dspt_previous_status) == (DsptStatus.EXCEEDED, DsptStatus.MET)
    assert store.audit_entries[-1]["action"] == "site.dspt"


def _with_people(store: FakeStore, site_id: int, other_id: int) -> dict[str, int]:
    ids = {}
    with store.transaction() as tx:
        for n, (name, access) in enumerate(
            [
                ("Owner One", {site_id: Role.OWNER}),
                ("Member Two", {site_id: Role.MEMBER, other_id: Role.OWNER}),
                ("Elsewhere Three", {other_id: Role.MEMBER}),
            ],
            start=1,
        ):
            ids[name] = records.save(
                tx,
                PEOPLE,
                Person(full_name=name, personal_mobile=f"07700900{n:03d}", access=access),
                "person.add",
            )
    return ids


@pytest.mark.parametrize("move", [True, False])
def test_ods_change_closes_the_old_site_and_keeps_history(move: bool) -> None:
    store = FakeStore()
    old_id = add_site(store, new_site())
    other_id = add_site(
        store, new_site(name="Oak Lodge", ods_code="VZZ05", mailbox="oak.lodge@nhs.net")
    )
    ids = _with_people(store, old_id, other_id)
    old = records.site(store.read(), old_id)
    assert old is not None
    # the new registration may keep the old mailbox (NAS updated it)
    check = check_site_form(
        raw(ods_code="VZZ07", name="Willow House (new owner)"),
        records.sites(store.read()),
        today=TODAY,
        replacing=old,
    )
    assert check.site is not None, check.errors
    store.audit_entries.clear()
    result = change_ods(store, old_id, check.site, move_access=move, today=TODAY)

    db = store.read()
    closed = records.site(db, old_id)
    assert closed is not None
    assert closed.closed == TODAY and closed.replaced_by == result.new_site_id
    assert closed.ods_code == "VZZ01" and closed.name == "Willow House"  # history as it was
    assert [s.id for s in records.sites(db)] == [other_id, result.new_site_id]
    assert {s.id for s in records.sites(db, include_closed=True)} == {
        old_id,
        other_id,
        result.new_site_id,
    }
    assert history(records.sites(db, include_closed=True), result.new_site_id) == [closed]

    people = {p.full_name: p for p in records.people(db)}
    for p in people.values():
        assert p.role_at(old_id) is None  # nobody keeps access to a closed mailbox
    assert people["Elsewhere Three"].access == {other_id: Role.MEMBER}  # untouched
    assert people["Member Two"].role_at(other_id) == Role.OWNER
    if move:
        assert people["Owner One"].role_at(result.new_site_id) == Role.OWNER
        assert people["Member Two"].role_at(result.new_site_id) == Role.MEMBER
        assert set(result.moved) == {ids["Owner One"], ids["Member Two"]}
        assert result.removed == ()
    else:
        assert people["Owner One"].access == {}
        assert people["Member Two"].role_at(result.new_site_id) is None
        assert set(result.removed) == {ids["Owner One"], ids["Member Two"]}
    actions = [(e["action"], e["table"]) for e in store.audit_entries]
    assert actions[:2] == [("site.add", SITES), ("site.close", SITES)]
    assert actions[2:] == [("person.access", PEOPLE)] * 2

    # a closed site is history: no second change, no edits
    with pytest.raises(SiteError):
        change_ods(store, old_id, check.site, move_access=move, today=TODAY)
    with pytest.raises(SiteError):
        update_site(store, closed)


def test_ods_change_cannot_take_another_open_sites_mailbox() -> None:
    store = FakeStore()
    old_id = add_site(store, new_site())
    add_site(store, new_site(name="Oak Lodge", ods_code="VZZ05", mailbox="oak.lodge@nhs.net"))
    old = records.site(store.read(), old_id)
    check = check_site_form(
        raw(ods_code="VZZ07", mailbox="oak.lodge@nhs.net"),
        records.sites(store.read()),
        today=TODAY,
        replacing=old,
    )
    assert check.site is None and "Oak Lodge" in check.errors["mailbox"]


def test_history_follows_several_changes() -> None:
    a = Site(
        "A", "VZZ01", "1-123456789", "01632960001", "a@nhs.net", closed=TODAY, replaced_by=2, id=1
    )
    b = Site(
        "B", "VZZ02", "1-123456789", "01632960001", "a@nhs.net", closed=TODAY, replaced_by=3, id=2
    )
    c = Site("C", "VZZ03", "1-123456789", "01632960001", "a@nhs.net", id=3)
    assert history([a, b, c], 3) == [b, a]
    assert history([a, b, c], 1) == []


def test_editing_a_site_keeps_the_recorded_dspt_version_and_allowance() -> None:
    store = FakeStore()
    site_id = add_site(store, new_site())
    recorded = record_publication(
        store, site_id, DsptStatus.MET, date(2025, 7, 15), TODAY, "2025-26"
    )
    assert recorded.dspt_version == "2025-26"
    sites = records.sites(store.read())
    same = check_site_form(
        raw(name="Willow House Care", dspt_status="met", dspt_published="2025-07-15"),
        sites,
        today=TODAY,
        base=recorded,
    )
    assert same.site is not None and same.site.dspt_version == "2025-26", same.errors
    moved = check_site_form(
        raw(dspt_status="met", dspt_published="2025-07-16"), sites, today=TODAY, base=recorded
    )
    assert moved.site is not None and moved.site.dspt_version is None  # suggested when read
