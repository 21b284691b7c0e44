"""Passphrase rules for a kiosk admin, in plain words.

NHSmail forbids shared passwords, so every admin has their own passphrase. Length is what
makes a passphrase strong; the hint encourages a few unrelated words rather than symbols.
"""

from __future__ import annotations

from kiosk import facts
from kiosk.i18n import _


def passphrase_problem(passphrase: str, again: str | None = None) -> str | None:
    """The rule a new passphrase breaks, as a sentence, or None when it is acceptable."""
    if len(passphrase) < facts.MIN_PASSPHRASE_LENGTH:
        return _("The passphrase must have at least {n} characters.").format(
            n=facts.MIN_PASSPHRASE_LENGTH
        )
    if passphrase.strip() != passphrase:
        return _("The passphrase must not start or end with a space.")
    if again is not None and again != passphrase:
        return _("The two passphrases are not the same.")
    return None


def strength_hint(passphrase: str) -> str:
    """A plain-words hint about how strong a passphrase looks (advice, never a rule)."""
    words = [w for w in passphrase.split() if w]
    length = len(passphrase)
    if length < facts.MIN_PASSPHRASE_LENGTH:
        return _(
            "Too short: use at least {n} characters, for example four unrelated words."
        ).format(n=facts.MIN_PASSPHRASE_LENGTH)
    if len(set(passphrase.lower())) < 6:
        return _("Weak: too many repeated characters.")
    if length >= 20 and len(words) >= 4:
        return _("Strong: a long phrase of several words.")
    if length >= 16:
        return _("Good: longer is stronger still.")
    return _("Fair: a few more words would make it much stronger.")
