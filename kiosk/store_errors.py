"""A store error as one translated sentence: the one wording the CLI and every screen use.

The store raises errors with a ``code`` and knows no gettext (it knows nothing of kiosk);
the domain turns each code into the sentence the admin reads, here, once. The CLI prints
it after ``kiosk:``; the screens show it in their error line or a notification.
"""

from __future__ import annotations

from pathlib import Path

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
        "other_store": _(
            "That file is another store's, not a backup or generation of this one, so it "
            "cannot replace it; nothing was restored."
        ),
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


MODE_WARNINGS = ("file_mode", "folder_mode", "backups_mode", "state_mode")
"""The store's warnings that something beside it is open to other users."""


def describe_store_warning(warning: object, path: Path) -> str:
    """The translated sentence for a store warning (the store knows no gettext); one
    about permissions names the file or folder and the command that fixes it. The unlock
    notification and ``kiosk check`` both say it this way."""
    import os
    import stat

    code = getattr(warning, "code", "")
    if code not in MODE_WARNINGS:
        return str(warning)
    target, _wanted = _mode_target(code, path)
    try:
        mode = f"{stat.S_IMODE(os.stat(target).st_mode):04o}"
    except OSError:
        mode = "?"
    what = {
        "file_mode": _("The store file {path} can be read by other users (mode {mode})."),
        "folder_mode": _("The store's folder {path} is open to other users (mode {mode})."),
        "backups_mode": _("The backups folder {path} is open to other users (mode {mode})."),
        "state_mode": _("The store's state file {path} can be read by other users (mode {mode})."),
    }[code].format(path=target, mode=mode)
    return what + " " + _("Fix it with: {command}").format(command=mode_fix(warning, path))


def _mode_target(code: str, path: Path) -> tuple[Path, str]:
    from store import files

    return {
        "file_mode": (path, "600"),
        "folder_mode": (path.parent, "700"),
        "backups_mode": (files.backups_dir(path), "700"),
        "state_mode": (files.state_path(path), "600"),
    }[code]


def mode_fix(warning: object, path: Path) -> str:
    """The command that closes what a permission warning found open (one of
    :data:`MODE_WARNINGS`), e.g. ``chmod 700 /srv/kiosk/store``."""
    import shlex

    target, wanted = _mode_target(getattr(warning, "code", ""), path)
    return f"chmod {wanted} {shlex.quote(str(target))}"
