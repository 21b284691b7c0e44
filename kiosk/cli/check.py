"""``kiosk check``: verify the store, its audit chain and every backup, for cron and for
an auditor.

``kiosk check`` opens the store (which proves the encryption: AES-256-GCM authenticates
every byte of the file), verifies the audit chain, and checks every generation in
``backups/`` by actually decrypting it and verifying its own audit chain. It does that on
a private temporary copy of the store (encrypted, deleted afterwards) restored once per
generation, so the real store and its backups are never written. It prints the chain's
head hash for an auditor to note and compare next time. Exit status: 0 all well, 2
something is damaged (saying what, and which backup is the newest good one), 1 a user
error. No traceback, whatever the bytes on disk: when the store itself is damaged it cannot
be opened, and the generations are checked from the newest one that opens instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.cli.common import (
    EXIT_OK,
    UserError,
    add_store_command,
)
from kiosk.i18n import _, ngettext
from kiosk.store_errors import (
    MODE_WARNINGS,
    describe_store_error,
    describe_store_warning,
    mode_fix,
)

if TYPE_CHECKING:
    from store import Generation, Store
from kiosk.cli.common import EXIT_DAMAGED, store_credentials, when_saved


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` (once, however often called)."""
    add_store_command(
        sub,
        "check",
        run_check,
        summary=_("verify the store, its audit chain and every backup"),
        description=_(
            "Open the store, verify its encryption, its audit chain and every backup "
            "generation, and print a short report with the audit chain's head hash. "
            "Exit status 0 when all is well, 2 when anything is damaged, 1 on a user error."
        ),
    )


@dataclass(frozen=True)
class GenerationCheck:
    """How one generation fared: ``state`` is ok, damaged, audit or unchecked."""

    generation: Generation
    state: str
    note: str = ""

    @property
    def good(self) -> bool:
        return self.state == "ok"


@contextmanager
def _probe(source: Path, path: Path, admin: str, passphrase: str) -> Iterator[Store]:
    """A throwaway copy of ``source`` (encrypted, in a private temporary folder), opened.

    Restoring generations into it proves they decrypt, without writing the real store.
    """
    from store import Store, files

    folder = Path(tempfile.mkdtemp(prefix="kiosk-check-"))
    try:
        copy = folder / path.name
        shutil.copyfile(source, copy)
        os.chmod(copy, 0o600)
        # The generations too: a copy's first save starts its lineage from them when
        # the source predates lineages (store.lineage), as the store's own would.
        backups = files.backups_dir(path)
        if backups.is_dir():
            shutil.copytree(backups, files.backups_dir(copy))
        store = Store.open(copy, admin, passphrase)
        try:
            yield store
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_generations(
    path: Path,
    generations: Sequence[Generation],
    admin: str,
    passphrase: str,
    *,
    store_refused: bool = False,
) -> tuple[list[GenerationCheck], bool]:
    """Decrypt and verify every generation; the flag says whether any copy opened.

    The base for the throwaway copy is the first of :func:`_bases` that opens;
    ``store_refused`` (the store file was refused as tampered or rolled back) keeps the
    store file itself out of them.
    """
    from store import Store, StoreDamaged, StoreError, WrongPassphrase

    results: dict[Path, GenerationCheck] = {}
    for gen in generations:
        if not gen.ok:
            results[gen.path] = GenerationCheck(
                gen, "damaged", _("its header is damaged or it has been changed")
            )
    opened_any = wrong = False
    for gen_or_store in _bases(path, generations, admin, passphrase, store_refused):
        base = path if gen_or_store is None else gen_or_store.path
        try:
            with _probe(base, path, admin, passphrase) as probe:
                opened_any = True
                for gen in generations:
                    if gen.path not in results:
                        results[gen.path] = _check_one(probe, gen, passphrase)
            break
        except StoreDamaged:
            if gen_or_store is not None:
                results[base] = GenerationCheck(
                    gen_or_store, "damaged", _("it does not decrypt: damaged or changed")
                )
        except WrongPassphrase:
            wrong = True
            continue  # the passphrase may have changed since: try an older one
        except (StoreError, OSError):
            continue  # this copy does not open with these credentials: try an older one
    if wrong and not opened_any:
        # Tried on throwaway copies, but a guess all the same: counted beside the store.
        Store.record_failed_attempt(path, admin)
    unchecked = _("no copy opens with that admin name and passphrase")
    checks = [
        results.get(g.path) or GenerationCheck(g, "unchecked", unchecked) for g in generations
    ]
    return checks, opened_any


def _bases(
    path: Path, generations: Sequence[Generation], admin: str, passphrase: str, store_refused: bool
) -> Iterator[Generation | None]:
    """Where to check the generations from (None: the store itself), best first; lazy,
    so that what only a store that does not open needs is worked out only then.

    A generation is checked from a copy whose signing key leads to its own. After a key
    rotation, a store copied back from before it leads to none of the later ones (it
    would call them damaged and recommend itself), so generations signed by a *later*
    key, one the store's own header leads to through the rotation certificates, come
    first, newest first. A newer file under the store's own key or an unrelated one (a
    removed admin's fork planted in ``backups/``) is never put before the store.

    A store file refused as tampered or rolled back is no anchor (a fork claims a high
    number and would call every genuine later generation damaged), and one that does not
    open is none either: the newest genuine generation comes next instead
    (:func:`store.lineage.newest_genuine`, from the key in this admin's trust record,
    used only when its MAC verifies under this passphrase: :func:`store.lineage.trusted_pin`).
    """
    from store import StoreError, lineage, signing
    from store.format import peek_header

    ok = [g for g in generations if g.ok]

    def genuine_first(skip: Sequence[Generation | None] = ()) -> list[Generation]:
        rest = [g for g in ok if g not in skip]
        found = lineage.newest_genuine(
            [g.path for g in rest], lineage.trusted_pin(path, admin, passphrase)
        )
        first = [g for g in rest if found is not None and g.path == found[0]]
        return [*first, *(g for g in rest if g not in first)]

    if store_refused:
        yield from genuine_first()
        return
    try:
        anchor = peek_header(path)[0]
    except (StoreError, OSError):
        yield from genuine_first()
        yield None
        return
    later: list[Generation | None] = []
    for gen in ok:
        try:
            h = peek_header(gen.path)[0]
        except (StoreError, OSError):
            continue
        if (
            h.generation > anchor.generation
            and h.store_id == anchor.store_id
            and h.sign_public != anchor.sign_public
            and signing.reaches(h.rotations, h.store_id, anchor.sign_public, h.sign_public)
        ):
            later.append(gen)
    yield from later
    yield None
    yield from genuine_first(later)


def _check_one(probe: Store, gen: Generation, passphrase: str) -> GenerationCheck:
    from store import NotOpenable, StoreDamaged, WrongPassphrase

    try:
        probe.restore(gen.path, passphrase=passphrase)
    except StoreDamaged:
        return GenerationCheck(gen, "damaged", _("it does not decrypt: damaged or changed"))
    except (NotOpenable, WrongPassphrase):
        return GenerationCheck(gen, "unchecked", _("your key cannot open it"))
    except Exception:  # anything else about a broken file is damage, never a traceback
        return GenerationCheck(gen, "damaged", _("it could not be read"))
    report = probe.verify_audit()
    if not report.ok:
        return GenerationCheck(
            gen, "audit", _("its audit chain is broken at entry {n}").format(n=report.first_broken)
        )
    return GenerationCheck(gen, "ok")


def run_check(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from store import Store as StoreClass
    from store import (
        StoreBusy,
        StoreDamaged,
        StoreError,
        StoreMissing,
        StoreRollback,
        StoreTampered,
        UnknownFormat,
        WrongPassphrase,
    )

    out = out or sys.stdout
    path, admin, passphrase = store_credentials(args)
    problems: list[str] = []
    refused = False  # the store file is a fork or an old copy: never a base for checking

    def say(text: str = "") -> None:
        print(text, file=out)

    say(_("kiosk check: {path}").format(path=path))
    store: Store | None = None
    open_to_others: list[str] = []  # permission warnings: not damage, never "all is well"
    unknown_freshness = False
    own_generation = 0
    try:
        store = StoreClass.open(path, admin, passphrase)
    except (WrongPassphrase, StoreBusy, UnknownFormat) as error:
        raise UserError(describe_store_error(error)) from None
    except StoreMissing:
        from kiosk.missing_store import missing_sentence, newest_backup, restore_hint

        say(_("Store file:   missing"))
        problems.append(_("the store file is missing"))
        newest = newest_backup(path)
        if newest is not None:
            say(missing_sentence(path, newest))
            say(restore_hint(path, newest, admin))
    except StoreRollback as error:
        say(
            _("Store file:   OLDER than the one you last used: {sentence}").format(
                sentence=describe_store_error(error)
            )
        )
        problems.append(_("the store file was replaced by an older generation"))
        refused = True
    except StoreTampered as error:
        say(_("Store file:   TAMPERED: {sentence}").format(sentence=describe_store_error(error)))
        problems.append(_("the store file was signed by a key that has lost access"))
        refused = True
    except StoreDamaged:
        say(
            _(
                "Store file:   DAMAGED: it does not decrypt, so it is damaged or has been changed "
                "outside kiosk. It was left exactly as it was."
            )
        )
        problems.append(_("the store file is damaged"))
    except StoreError as error:
        raise UserError(describe_store_error(error)) from None
    except OSError as error:
        raise UserError(
            _("The store could not be read ({reason}).").format(reason=error.strerror or "")
        ) from None

    if store is not None:
        try:
            generations = store.generations()
            say(
                _("Encryption:   ok (generation {n}, decrypted and authenticated)").format(
                    n=store.generation
                )
            )
            report = store.verify_audit()
            if report.ok:
                say(
                    ngettext(
                        "Audit chain:  ok, {n} entry",
                        "Audit chain:  ok, {n} entries",
                        report.length,
                    ).format(n=report.length)
                )
            else:
                say(
                    _("Audit chain:  BROKEN at entry {n} of {length}: {message}").format(
                        n=report.first_broken, length=report.length, message=report.message
                    )
                )
                problems.append(
                    _("the audit chain is broken at entry {n}").format(n=report.first_broken)
                )
            say(_("Audit head:   {head}").format(head=report.head or _("(no entries)")))
            own_generation = store.generation
            for warning in store.warnings:
                say(_("Warning:      {text}").format(text=describe_store_warning(warning, path)))
            open_to_others = [
                mode_fix(w, path) for w in store.warnings if getattr(w, "code", "") in MODE_WARNINGS
            ]
            # Freshness is known from this admin's record here, or from backups/ (a newer
            # generation there); with neither, "all is well" would claim too much.
            unrecorded = any(
                getattr(w, "code", "") in ("trust_missing", "trust_damaged") for w in store.warnings
            )
            unknown_freshness = unrecorded and not generations
        finally:
            store.close()
    else:
        generations = StoreClass.list_generations(path)
        say(_("Audit chain:  not checked (the store cannot be opened)"))

    checks, opened_any = check_generations(
        path, generations, admin, passphrase, store_refused=refused
    )
    # Only a generation that checked good says the store was replaced by an older copy
    # (a file planted in backups/ with a high number is reported as damaged instead).
    newer = [c.generation.generation for c in checks if c.good]
    if store is not None and newer and max(newer) > own_generation:
        problems.insert(
            0,
            _(
                "the store (generation {n}) is older than generation {newer} in "
                "backups/: it was replaced by an older copy"
            ).format(n=own_generation, newer=max(newer)),
        )
    _print_generations(say, checks)
    bad = [c for c in checks if c.state in ("damaged", "audit")]
    for c in bad:
        problems.append(_("backup generation {n} is damaged").format(n=c.generation.generation))
    if store is None and generations and not opened_any:
        problems.append(_("no backup opens with that admin name and passphrase"))
    newest_good = next((c for c in checks if c.good), None)

    say()
    if not problems and unknown_freshness:
        say(
            _(
                "Result: no damage found, but freshness could not be checked (there is no "
                "record here of the newest store you opened, and no backups to compare "
                "with), so this may be an older copy."
            )
        )
        return EXIT_OK
    if not problems and open_to_others:
        say(
            _(
                "Result: no damage found, but the store is open to other users (see the "
                "warning above). Fix it with: {command}"
            ).format(command=" && ".join(open_to_others))
        )
        return EXIT_OK
    if not problems:
        say(_("Result: all is well."))
        return EXIT_OK
    say(_("Result: DAMAGED: {what}.").format(what="; ".join(problems)))
    if newest_good is not None:
        gen = newest_good.generation
        say(
            _("Newest good backup: generation {n}, saved {when} by {admin}:").format(
                n=gen.generation, when=when_saved(gen.saved_at), admin=gen.saved_by
            )
        )
        say(f"  {gen.path}")
        if store is None:
            from kiosk.missing_store import restore_command

            say(
                _("Restore it with: {command}").format(
                    command=restore_command(path, str(gen.path), admin)
                )
            )
    else:
        say(_("No good backup was found."))
    if store is not None and bad and len(problems) == len(bad):
        say(
            _(
                "A damaged generation stays in backups/ until newer saves rotate it out; the "
                "store itself is fine."
            )
        )
    return EXIT_DAMAGED


def _print_generations(emit: Callable[[str], None], checks: Sequence[GenerationCheck]) -> None:
    if not checks:
        emit(_("Backups:      none yet (a generation is kept on every save)"))
        return
    good = sum(1 for c in checks if c.good)
    emit(_("Backups:      {good} of {total} generations good").format(good=good, total=len(checks)))
    labels = {
        "ok": _("ok"),
        "damaged": _("DAMAGED"),
        "audit": _("AUDIT BROKEN"),
        "unchecked": _("not checked"),
    }
    for c in checks:
        gen = c.generation
        when = when_saved(gen.saved_at)
        line = f"  g{gen.generation:<6} {when:<18} {gen.saved_by[:20]:<20} {labels[c.state]}"
        emit(line + (f": {c.note}" if c.note else ""))
