"""A store error as one translated sentence: the one wording the CLI and every screen use.

The store raises errors with a ``code`` and knows no gettext (it knows nothing of kiosk);
the domain turns each code into the sentence the admin reads, here, once. The CLI prints
it after ``kiosk:``; the screens show it in their error line or a notification.
"""

from __future__ import annotations

from kiosk.i18n import _


def describe_store_error(error: Exception, *, recovery: bool = False) -> str:
    """The translated sentence for a store error (the store itself knows no gettext).

    ``recovery``: the admin typed the recovery key, not a name and passphrase, so a wrong
    one is named as such (the store raises the same error for both)."""
    code = getattr(error, "code", "")
    if recovery and code == "wrong_passphrase":
        return _(
            "That recovery key does not open this store. Check each group against the "
            "printed key (dashes, spaces and case do not matter)."
        )
    if recovery and code == "admin_removed":
        return _(
            "That recovery key was replaced by a newer one, so it cannot restore this "
            "store. Use the newest recovery key or an admin's passphrase."
        )
    messages = {
        "wrong_passphrase": _("That admin name and passphrase do not open this store."),
        "damaged": _(
            "The store file is damaged or has been tampered with; it was left exactly as it was. "
            "Run 'kiosk check' to see which backup is the newest good one."
        ),
        "tampered": _(
            "The store file was written from an old copy by someone who no longer has "
            "access: it is signed by a key that the store you last opened here does not "
            "lead to. It was left exactly as it was; run 'kiosk check' to see which backup "
            "is the newest good one, and 'kiosk restore' to put it back."
        ),
        "missing": _(
            "There is no store at that path yet: run 'kiosk init' or start 'kiosk' to set one up."
        ),
        "exists": _("A store already exists at that path; it was not touched."),
        "busy": _("Another admin is saving the store right now; try again in a moment."),
        "unknown_format": _("This store was written by a newer kiosk: upgrade kiosk to open it."),
        "last_admin": _("The last admin cannot be removed: add another admin first."),
        "rollback": _(
            "This store is older than the one you last used on {when}; if you meant to go "
            "back, use 'kiosk restore'."
        ).format(when=_last_used(error)),
        "access_revoked": _(
            "Your passphrase or the store's key was changed in another session: unlock again."
        ),
        "admin_removed": _(
            "This admin was removed from the store: they cannot restore it or open it "
            "again. Another admin, or the newest recovery key, can restore it."
        ),
        "locked": _("The store is locked: unlock again."),
        "save_failed": _(
            "The change was NOT saved (is the disk full or read-only?); "
            "the store file was left as it was."
        ),
    }
    return messages.get(code, _("The store could not be opened or saved."))


def _last_used(error: Exception) -> str:
    from kiosk import timefmt

    moment = getattr(error, "last_used", None)
    return timefmt.moment(moment, "short") if moment is not None else _("an earlier day")
