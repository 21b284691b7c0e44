"""``kiosk check``, ``kiosk backup DEST`` and ``kiosk restore SRC``: the store's upkeep
from the command line, for cron, for an auditor, and for the day the file is damaged.

``kiosk check`` opens the store (which proves the encryption: AES-256-GCM authenticates
every byte of the file), verifies the audit chain, and checks every generation in
``backups/`` by actually decrypting it and verifying its own audit chain. It does that on
a private temporary copy of the store (encrypted, deleted afterwards) restored once per
generation, so the real store and its backups are never written. It prints the chain's
head hash for an auditor to note and compare next time. Exit status: 0 all well, 2
something is damaged (saying what, and which backup is the newest good one), 1 a user
error. No traceback, whatever the bytes on disk: when the store itself is damaged it cannot
be opened, and the generations are checked from the newest one that opens instead.

``kiosk backup DEST`` writes an encrypted copy (the same key slots and recovery key).
``kiosk restore SRC`` puts a generation or a backup back after a confirmation typed at the
terminal (or ``--yes``); the replaced state is kept as a generation too, so a restore can
itself be undone.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk.cli.common import (
    EXIT_OK,
    UserError,
    add_store_command,
    read_passphrase,
    store_path_and_admin,
    wait_for_turn,
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

EXIT_DAMAGED = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check``, ``backup`` and ``restore`` (each once, however often called)."""
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
    backup = add_store_command(
        sub,
        "backup",
        run_backup,
        summary=_("write an encrypted copy of the store"),
        description=_(
            "Write an encrypted copy of the store to DEST (a file, or a folder to put a "
            "dated copy in). The copy opens with the same admins' passphrases and the same "
            "recovery key."
        ),
    )
    if backup is not None:
        backup.add_argument("dest", metavar="DEST", help=_("file or folder to write the copy to"))
    restore = add_store_command(
        sub,
        "restore",
        run_restore,
        summary=_("replace the store's records with a backup or generation"),
        description=_(
            "Replace the store's records with those of a backup file or of one of the "
            "generations in backups/ (give its path or its generation number). The "
            "replaced state is kept as a generation too. Asks for confirmation unless --yes."
        ),
    )
    if restore is not None:
        restore.add_argument(
            "src", metavar="SRC", help=_("a backup file, a generation file, or a generation number")
        )
        restore.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))


# -- shared -------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    from kiosk import timefmt

    return timefmt.moment(moment, "short") if moment is not None else _("unknown time")


def _credentials(args: argparse.Namespace, *, restoring: bool = False) -> tuple[Path, str, str]:
    from store import Store, StoreMissing

    path, admin = store_path_and_admin(args)
    if not Store.exists(path) and not Store.list_generations(path):
        if not restoring:
            raise UserError(describe_store_error(StoreMissing()))
        # Name the place looked at: a store kept elsewhere is the likely cause, and
        # "run kiosk init" would start an empty store beside nothing the admin meant.
        raise UserError(
            _(
                "There is no store file and no backups at {path}. If the store is kept "
                "elsewhere, give its path with --store PATH."
            ).format(path=path)
        )
    passphrase = read_passphrase(args)
    wait_for_turn(path)
    return path, admin, passphrase


# -- check --------------------------------------------------------------------------


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
    path, admin, passphrase = _credentials(args)
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
                n=gen.generation, when=_when(gen.saved_at), admin=gen.saved_by
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
        when = _when(gen.saved_at)
        line = f"  g{gen.generation:<6} {when:<18} {gen.saved_by[:20]:<20} {labels[c.state]}"
        emit(line + (f": {c.note}" if c.note else ""))


# -- backup -------------------------------------------------------------------------


def backup_destination(dest: Path, store_name: str, now: datetime) -> Path:
    """A folder gets a dated file name (UTC, sortable); a file name is used as given."""
    if dest.is_dir():
        stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        stem = store_name.removesuffix(".store")
        return dest / f"{stem}-backup-{stamp}.store"
    return dest


def run_backup(args: argparse.Namespace) -> int:
    from kiosk.cli.common import open_store
    from store import StoreError, StoreExists

    store = open_store(args)
    try:
        dest = backup_destination(Path(args.dest).expanduser(), store.path.name, datetime.now(UTC))
        if dest.exists() and dest.resolve() == store.path.resolve():
            raise UserError(_("The backup cannot be written over the store itself."))
        try:
            store.backup_to(dest)
        except StoreExists:
            raise UserError(
                _(
                    "A file already exists at {path}; it was not touched. Choose another name."
                ).format(path=dest)
            ) from None
        except StoreError as error:
            raise UserError(describe_store_error(error)) from None
        except OSError as error:
            raise UserError(
                _("The backup could not be written ({reason}).").format(reason=error.strerror or "")
            ) from None
        print(
            _(
                "Encrypted backup written to {path} (generation {n}). It opens with the same "
                "admins' passphrases and the same recovery key."
            ).format(path=dest, n=store.generation)
        )
    finally:
        store.close()
    return EXIT_OK


# -- restore ------------------------------------------------------------------------


def _resolve_source(text: str, path: Path) -> tuple[Path, Generation | None]:
    from store import Store

    gens = Store.list_generations(path)
    source = Path(text).expanduser()
    if not source.exists():
        number = text.strip().lower().removeprefix("g")
        if number.isdigit():
            for gen in gens:
                if gen.generation == int(number):
                    return gen.path, gen
        raise UserError(_("There is no backup file or generation {src}.").format(src=text))
    if not source.is_file():
        raise UserError(_("{src} is not a file.").format(src=text))
    for gen in gens:
        if gen.path.resolve() == source.resolve():
            return gen.path, gen
    return source, None


def _ask_terminal(question: str) -> str | None:
    """Ask on the controlling terminal (stdin may carry the passphrase); None without one.

    ``/dev/tty`` is a character device: Python's text mode "r+" wants it seekable and
    fails, so it is opened once with ``os.open`` and written and read as raw bytes."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    try:
        os.write(fd, question.encode("utf-8"))
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < 1024:
            chunk = os.read(fd, 1024)
            if not chunk:  # end of input (ctrl+d): no answer is "no"
                break
            answer += chunk
        return answer.decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _confirm(question: str) -> bool:
    """A typed "y" or "yes" at the terminal; no terminal at all is a user error (--yes)."""
    answer = _ask_terminal(question)
    if answer is None:
        raise UserError(
            _("restore needs a confirmation typed at a terminal: run it in one, or add --yes")
        )
    accepted = {_("y").casefold(), _("yes").casefold(), "y", "yes"}
    return answer.strip().casefold() in accepted


def run_restore(args: argparse.Namespace) -> int:
    from store import (
        NotOpenable,
        Store,
        StoreBusy,
        StoreDamaged,
        StoreError,
        StoreMissing,
        StoreRollback,
        StoreTampered,
        UnknownFormat,
        WrongPassphrase,
    )

    path, admin, passphrase = _credentials(args, restoring=True)
    source, gen = _resolve_source(args.src, path)
    what = (
        _("generation {n}, saved {when} by {admin}").format(
            n=gen.generation, when=_when(gen.saved_at), admin=gen.saved_by
        )
        if gen is not None
        else _("the backup file {path}").format(path=source)
    )
    store: Store | None = None
    kept: Path | None = None  # where restore_damaged set the damaged file aside
    try:
        store = Store.open(path, admin, passphrase)
    except (StoreDamaged, StoreMissing, StoreRollback):
        # Damaged, missing, forged or copied back: only a restore that goes forward,
        # from a generation a current admin signed, may replace it.
        store = None
    except (WrongPassphrase, StoreBusy, UnknownFormat, StoreError) as error:
        raise UserError(describe_store_error(error)) from None

    if store is not None:
        question = _(
            "Replace the records in {store} with those of {what}? The current records are kept "
            "as a generation. Type y to restore, n to keep it as it is: "
        ).format(store=path, what=what)
    else:
        question = _(
            "The store {store} cannot be opened. Set it aside (renamed, byte for byte) and "
            "restore {what}? Any change saved after it is lost. Type y to restore, n to "
            "keep it as it is: "
        ).format(store=path, what=what)
    try:
        try:
            if store is None and not args.yes:
                # The passphrase against the generation first (nothing written), so that
                # no one confirms a restore only to hear the passphrase was wrong.
                Store.check_restore_damaged(path, source, admin, passphrase)
            if not args.yes and not _confirm(question):
                print(_("Nothing was restored."))
                return EXIT_OK
            if store is not None:
                store.restore(source, passphrase=passphrase)
            else:
                from kiosk.missing_store import damaged_copies, kept_copy

                before = damaged_copies(path)
                store = Store.restore_damaged(path, source, admin, passphrase)
                kept = kept_copy(path, before)
        except StoreTampered:
            print(
                _(
                    "kiosk: {what} is TAMPERED: it was signed by a key that has lost access "
                    "(a removed admin's copy, or forged); nothing was restored. Run 'kiosk "
                    "check' to find the newest good backup."
                ).format(what=what),
                file=sys.stderr,
            )
            return EXIT_DAMAGED
        except StoreDamaged:
            print(
                _(
                    "kiosk: {what} is damaged too; nothing was restored. Run 'kiosk check' to "
                    "find the newest good backup."
                ).format(what=what),
                file=sys.stderr,
            )
            return EXIT_DAMAGED
        except (NotOpenable, WrongPassphrase):
            raise UserError(
                _(
                    "{what} does not open with that admin name and passphrase; nothing was "
                    "restored."
                ).format(what=what)
            ) from None
        except StoreError as error:
            raise UserError(describe_store_error(error)) from None
        print(
            _("Restored {what}. The store is now at generation {n}.").format(
                what=what, n=store.generation
            )
        )
        if kept is not None:
            print(_("The damaged file is kept, unchanged, as {path}.").format(path=kept))
    finally:
        if store is not None:
            store.close()
    return EXIT_OK
