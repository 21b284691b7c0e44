"""Recording what keeps accounts alive: sign-ins, long-term leave, and mail the home sent.

The rules that *read* these dates live in :mod:`kiosk.lifecycle`; this module is the one
place that *writes* them, each change in one store transaction with an audit entry
(``activity.record``, ``account.disable``, ``account.enable``, ``request.add``,
``site.mailbox_sent``). Audit details never carry personal data.

Choices made here (kept in one place so that screens and the CLI agree):

- Recording activity keeps the *later* of the recorded and the existing date, so entering
  an older sign-in never shortens an account's life, and it marks first sign-in done
  (nobody can sign in without completing it).
- An activity day must not be in the future and not before the account existed
  (``account_created``); a disabled account cannot be signed in to, so it must be marked
  re-enabled first. Each refusal names the rule.
- Disabling for long-term leave and re-enabling are requests the kiosk drafts to NAS
  (:data:`kiosk.facts.NAS_EMAIL`) from the site's shared mailbox. The draft holds only
  the person's name, their NHSmail address and the request: never the reason for the
  leave (it may be health data) nor anything else NAS does not need (FAQ: "The NAS
  helpdesk will never require more than the above information").
- Recording such a request as sent saves a :class:`~kiosk.model.NasRequest`, sets or
  clears ``disabled_since`` that day, and moves the site's ``mailbox_last_sent``
  (:func:`record_mailbox_sent`), because the email went out from the shared mailbox.
- Re-enabling starts a fresh count: ``last_activity`` becomes the re-enable day (if
  later), since the account was protected until then and the person must now sign in
  within the usual 30 days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from kiosk import facts, records
from kiosk.drafts import Draft
from kiosk.i18n import _
from kiosk.lifecycle import LifecycleState, account_state
from kiosk.model import (
    PEOPLE,
    REQUESTS,
    SITES,
    NasRequest,
    Person,
    RequestKind,
    Role,
    Site,
)
from kiosk.records import Tx
from kiosk.timefmt import day as fmt_day

ACTION_ACTIVITY = "activity.record"
ACTION_DISABLE = "account.disable"
ACTION_ENABLE = "account.enable"
ACTION_REQUEST = "request.add"
ACTION_MAILBOX_SENT = "site.mailbox_sent"


class ActivityError(ValueError):
    """A recording the rules refuse; the message is a translated sentence naming the rule."""


def activity_problem(person: Person, day: date, today: date) -> str | None:
    """Why ``day`` cannot be recorded as ``person``'s activity, or None if it can."""
    if not person.nhsmail:
        return _("{name} has no NHSmail account to sign in to.").format(name=person.full_name)
    if person.disabled_since is not None:
        return _(
            "{name}'s account is disabled for long-term leave: mark it re-enabled first."
        ).format(name=person.full_name)
    if day > today:
        return _("The date cannot be in the future (today is {today}).").format(
            today=fmt_day(today)
        )
    if person.account_created is not None and day < person.account_created:
        return _("The date cannot be before {name}'s account was created on {created}.").format(
            name=person.full_name, created=fmt_day(person.account_created)
        )
    return None


def with_activity(person: Person, day: date) -> Person:
    """``person`` with ``day`` recorded as activity (the later date wins; first sign-in done)."""
    latest = day if person.last_activity is None else max(person.last_activity, day)
    return replace(person, last_activity=latest, first_login_done=True)


def record_activity(
    store: records.StoreLike, person_ids: Sequence[int], day: date, today: date
) -> list[Person]:
    """Record NHSmail activity on ``day`` for every person in ``person_ids``, all or none.

    Everyone is checked before anything is written, so one refusal leaves the store as it
    was; the ActivityError names the person and the rule. Returns the saved records.
    """
    if not person_ids:
        raise ActivityError(_("Choose at least one person first."))
    detail = "today" if day == today else "earlier date"
    with store.transaction() as tx:
        found: list[Person] = []
        for person_id in dict.fromkeys(person_ids):
            person = records.person(tx.db, person_id)
            if person is None:
                raise ActivityError(_("That person is no longer in the record."))
            problem = activity_problem(person, day, today)
            if problem:
                raise ActivityError(problem)
            found.append(person)
        saved = []
        for person in found:
            updated = with_activity(person, day)
            records.save(tx, PEOPLE, updated, ACTION_ACTIVITY, detail=detail)
            saved.append(updated)
        return saved


# ---- shared mailbox: last email sent -----------------------------------------------------


def record_mailbox_sent(tx: Tx, site_id: int, day: date) -> Site:
    """Note that the shared mailbox of ``site_id`` sent an email on ``day``.

    NHSmail flags a shared mailbox that sent nothing for 6 months, so every email kiosk
    drafts (sent from the shared mailbox) and every email the admin records by hand moves
    this date. The later date wins, so recording an old email never hides a newer one.
    """
    site = records.site(tx.db, site_id)
    if site is None:
        raise ActivityError(_("That site is no longer in the record."))
    if site.mailbox_last_sent is not None and site.mailbox_last_sent >= day:
        return site
    updated = replace(site, mailbox_last_sent=day)
    records.save(tx, SITES, updated, ACTION_MAILBOX_SENT)
    return updated


def record_mailbox_email(store: records.StoreLike, site_id: int, day: date, today: date) -> Site:
    """The admin saw an email sent from the shared mailbox on ``day`` (sent outside kiosk)."""
    if day > today:
        raise ActivityError(_("The day the shared mailbox sent an email cannot be in the future."))
    with store.transaction() as tx:
        return record_mailbox_sent(tx, site_id, day)


# ---- long-term leave: disable and re-enable through NAS -----------------------------------


def sending_site(person: Person, sites: Iterable[Site]) -> Site | None:
    """The shared mailbox a request about ``person`` is sent from.

    A site where they are an owner first, then one where they are a member, then any
    open site (someone with no access left still belongs to the organisation); None
    when there is no open site at all.
    """
    open_sites = [s for s in sites if s.closed is None]
    for role in (Role.OWNER, Role.MEMBER):
        for site in open_sites:
            if person.role_at(site.id) is role:
                return site
    return open_sites[0] if open_sites else None


def _leave_email(person: Person, site: Site, subject: str, body: str) -> Draft:
    """A long-term-leave email to NAS from the site's shared mailbox; ``body`` names the
    account with ``{name}`` and ``{nhsmail}``."""
    text = body.format(name=person.full_name, nhsmail=person.nhsmail or "")
    return Draft(to=facts.NAS_EMAIL, sender=site.mailbox, subject=subject, body=text)


def disable_draft(person: Person, site: Site) -> Draft:
    """The email asking NAS to disable ``person``'s account during long-term leave."""
    return _leave_email(
        person,
        site,
        _("Please disable an NHSmail account: long-term leave"),
        _(
            "Hello,\n"
            "\n"
            "Please disable the NHSmail account below while its owner is on long-term leave. "
            "We will ask you to re-enable it when they return.\n"
            "\n"
            "Name: {name}\n"
            "NHSmail address: {nhsmail}\n"
            "\n"
            "Thank you.\n"
        ),
    )


def enable_draft(person: Person, site: Site) -> Draft:
    """The email asking NAS to re-enable ``person``'s account on their return."""
    return _leave_email(
        person,
        site,
        _("Please re-enable an NHSmail account: back from long-term leave"),
        _(
            "Hello,\n"
            "\n"
            "Please re-enable the NHSmail account below: its owner is back from long-term "
            "leave.\n"
            "\n"
            "Name: {name}\n"
            "NHSmail address: {nhsmail}\n"
            "\n"
            "Thank you.\n"
        ),
    )


def leave_draft(person: Person, site: Site) -> Draft:
    """The right draft for ``person`` now: re-enable if disabled, otherwise disable."""
    return enable_draft(person, site) if person.disabled_since else disable_draft(person, site)


def leave_problem(person: Person, day: date) -> str | None:
    """Why a disable (or re-enable) request for ``person`` makes no sense on ``day``.

    A re-enable is always possible once disabled. A disable needs a living account: one
    that is deleted must first be restored by NAS, and one that is gone cannot be.
    """
    if not person.nhsmail:
        return _("{name} has no NHSmail account to disable.").format(name=person.full_name)
    if person.disabled_since is not None:
        if day < person.disabled_since:
            return _("The date cannot be before the account was disabled on {day}.").format(
                day=fmt_day(person.disabled_since)
            )
        return None
    state = account_state(person, day)
    if state is not None and state.state is LifecycleState.DELETED:
        return _(
            "{name}'s account is deleted: ask NAS to restore it before asking to disable it."
        ).format(name=person.full_name)
    if state is not None and state.state is LifecycleState.GONE:
        return _(
            "{name}'s account is gone for good, so there is nothing to disable: it needs a new "
            "joiner request when they return."
        ).format(name=person.full_name)
    return None


def record_leave_request(
    store: records.StoreLike, person_id: int, site_id: int, day: date
) -> Person:
    """Record that the disable (or, if disabled, re-enable) request was sent on ``day``.

    One transaction: the person's ``disabled_since`` set or cleared (``account.disable`` /
    ``account.enable``), an open :class:`NasRequest` of kind DISABLE or ENABLE
    (``request.add``), and the site's ``mailbox_last_sent`` (``site.mailbox_sent``).
    """
    with store.transaction() as tx:
        person = records.person(tx.db, person_id)
        if person is None:
            raise ActivityError(_("That person is no longer in the record."))
        problem = leave_problem(person, day)
        if problem:
            raise ActivityError(problem)
        site = records.site(tx.db, site_id)
        if site is None or site.closed is not None:
            raise ActivityError(_("That site's shared mailbox is closed or no longer recorded."))
        if person.disabled_since is None:
            updated = replace(person, disabled_since=day)
            action, kind = ACTION_DISABLE, RequestKind.DISABLE
        else:
            latest = day if person.last_activity is None else max(person.last_activity, day)
            updated = replace(person, disabled_since=None, last_activity=latest)
            action, kind = ACTION_ENABLE, RequestKind.ENABLE
        records.save(tx, PEOPLE, updated, action)
        request = NasRequest(kind=kind, site_id=site.id, sent=day, person_id=person.id)
        records.save(tx, REQUESTS, request, ACTION_REQUEST, detail=kind.value)
        record_mailbox_sent(tx, site.id, day)
        return updated
