"""Kiosk admins: who can unlock the store, and the changes the Admins screen makes.

NHSmail forbids shared passwords, so kiosk has one key slot per admin (see ``store``):
adding an admin means the new admin types their own passphrase on the spot; removing one
makes the store rotate its data key, so a copy of the file taken earlier plus the removed
passphrase opens nothing written since. The last admin cannot be removed (the recovery key
is for emergencies, not a way in for everyday use).

These wrappers check the rules in plain words before the store is touched (name, passphrase
length, the two passphrases matching) and turn store errors into translated sentences, so
the screens only call and render. The store writes each admin change into the audit trail
itself, inside the same save.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.forms import FORM, FieldErrors, FormRejected
from kiosk.i18n import _
from kiosk.passphrase import passphrase_problem
from kiosk.store_errors import describe_store_error
from kiosk.validators import ValidationError, admin_name_key, validate_admin_name

if TYPE_CHECKING:
    from store import Store


@dataclass(frozen=True, slots=True)
class AdminRow:
    name: str
    added: datetime  # UTC
    last_unlock: datetime | None  # UTC; advisory (kept beside the store, not inside it)
    is_you: bool
    # Was shown the current recovery key: removing them replaces it (the store's rule,
    # store.remove_admin), so the admin doing it must be told a new key is coming.
    saw_recovery_key: bool = False


def admin_rows(store: Store) -> list[AdminRow]:
    """Every admin, in name order, marking the one who unlocked this session and those
    who were shown the current recovery key."""
    shown = set(store.recovery_shown_to())
    return sorted(
        (
            AdminRow(
                info.name,
                info.added,
                info.last_unlock,
                info.name == store.admin,
                info.name in shown,
            )
            for info in store.admins()
        ),
        key=lambda row: row.name.casefold(),
    )


def new_admin_problems(name: str, passphrase: str, again: str, existing: list[str]) -> FieldErrors:
    """Field errors for a new admin, all at once (``name``, ``passphrase``)."""
    errors = FieldErrors()
    try:
        clean = validate_admin_name(name)
    except ValidationError as error:
        errors["name"] = error.message
    else:
        same = [n for n in existing if admin_name_key(n) == admin_name_key(clean)]
        if same:
            errors["name"] = _(
                "There is already an admin called {name}: two admin names must differ in "
                "more than case, accents or dots."
            ).format(name=same[0])
    problem = passphrase_problem(passphrase, again)
    if problem:
        errors["passphrase"] = problem
    return errors


def _refused(error: Exception, field: str = FORM) -> FormRejected:
    code = getattr(error, "code", "")
    messages = {
        "admin_exists": _("There is already an admin with that name."),
        "unknown_admin": _("There is no admin with that name any more."),
        "invalid_admin_name": _(
            "An admin name must be 1 to 64 characters, without control characters, and must "
            "not start with #."
        ),
        "invalid_passphrase": _("That passphrase cannot be used."),
        "access_revoked": _("This session's key no longer opens the store: lock and unlock again."),
        "locked": _("The store is locked: unlock it again to continue."),
    }
    return FormRejected({field: messages.get(code) or describe_store_error(error)})


def add_admin(store: Store, name: str, passphrase: str, again: str) -> str:
    """Add an admin who typed their own passphrase twice; return the name as stored.

    The store audits it (``admin.add``) in the same save.
    """
    from store import StoreError

    existing = [info.name for info in store.admins()]
    errors = new_admin_problems(name, passphrase, again, existing)
    if errors:
        raise FormRejected(errors)
    clean = validate_admin_name(name)
    try:
        store.add_admin(clean, passphrase)
    except StoreError as error:
        field = "passphrase" if error.code == "invalid_passphrase" else "name"
        raise _refused(error, field) from None
    return clean


@dataclass(frozen=True)
class Removal:
    """What removing an admin left to do: ``yourself`` means the session is now locked
    (back to the unlock screen); ``recovery_code`` is the new recovery key to show once
    (the removed admin had been shown the old one, so the store replaced it)."""

    yourself: bool
    recovery_code: str | None = None


def remove_admin(store: Store, name: str) -> Removal:
    """Remove an admin; the store rotates the data and signing keys (and the recovery key
    when the removed admin had seen it) and audits ``admin.remove``."""
    from store import StoreError

    if len(store.admins()) <= 1:
        raise FormRejected({FORM: _("The last admin cannot be removed: add another admin first.")})
    yourself = name == store.admin
    try:
        code = store.remove_admin(name)
    except StoreError as error:
        raise _refused(error) from None
    return Removal(yourself, code)


def change_own_passphrase(store: Store, current: str, new: str, again: str) -> None:
    """Change the unlocking admin's passphrase after checking the current one.

    Asking for the current passphrase means someone passing an unlocked kiosk cannot take
    it over; a wrong one counts as a failed unlock like any other, and the check waits its
    turn under the one throttle (P4: the same delay as the unlock screen, so the dialog is
    no faster way to guess). Call it off the UI thread (the dialog does): it may sleep.
    The store rewrites this admin's slot, rotates the data key and audits
    ``admin.passphrase_change``.
    """
    from kiosk.unlock_policy import turn
    from store import Store as StoreClass
    from store import StoreError

    if store.is_recovery:
        raise FormRejected(
            {FORM: _("A recovery session has no passphrase of its own: add an admin instead.")}
        )
    problem = passphrase_problem(new, again)
    if problem:
        raise FormRejected({"passphrase": problem})
    if new == current:
        raise FormRejected({"passphrase": _("The new passphrase is the same as the current one.")})
    try:
        with turn(store.path):
            StoreClass.open(store.path, store.admin, current).close()
    except StoreError as error:
        if error.code == "wrong_passphrase":
            raise FormRejected({"current": _("That is not your current passphrase.")}) from None
        raise _refused(error, "current") from None
    try:
        store.change_passphrase(store.admin, new)
    except StoreError as error:
        raise _refused(error, "passphrase") from None


def regenerate_recovery(store: Store, shown_to: str | None = None) -> str:
    """A new recovery key, to be shown once; the old one stops working at once (the store
    rotates the data key and audits ``recovery.regenerate``)."""
    from store import StoreError

    try:
        return store.regenerate_recovery(shown_to=shown_to)
    except StoreError as error:
        raise _refused(error) from None


def recover(store: Store, name: str, passphrase: str, again: str) -> tuple[str, str]:
    """The recovery wizard's work, from a session opened with the recovery key.

    A new name becomes a new admin; the name of an existing admin (who forgot their
    passphrase) gets the new passphrase instead. Then the recovery key is replaced, so the
    one just used stops working: it may have been read out, copied or photographed while
    every admin was gone. Returns the admin's name as stored and the new recovery key
    (shown once).
    """
    from store import StoreError

    if not store.is_recovery:
        raise FormRejected({FORM: _("Only a session opened with the recovery key can do this.")})
    existing = {admin_name_key(info.name): info.name for info in store.admins()}
    try:
        clean = validate_admin_name(name)
    except ValidationError as error:
        raise FormRejected({"name": error.message}) from None
    if admin_name_key(clean) in existing:
        problem = passphrase_problem(passphrase, again)
        if problem:
            raise FormRejected({"passphrase": problem})
        clean = existing[admin_name_key(clean)]
        try:
            store.change_passphrase(clean, passphrase)
        except StoreError as error:
            raise _refused(error, "passphrase") from None
    else:
        clean = add_admin(store, clean, passphrase, again)
    return clean, regenerate_recovery(store, shown_to=clean)
