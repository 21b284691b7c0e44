"""Crash-safe file writing, private modes and the generations kept in ``backups/``."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from store.models import StoreWarning

FILE_MODE = 0o600
DIR_MODE = 0o700
BACKUPS_DIR = "backups"
BACKUPS_KEPT = 10


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_prefix(path: Path) -> str:
    return f".{path.name}.tmp-"


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new private temp file beside ``path``, flushed to disk."""
    tmp = path.with_name(temp_prefix(path) + secrets.token_hex(6))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Temp file, fsync, rename over, fsync the folder: the file is old or new, never half."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def remove_stray_temps(path: Path) -> None:
    """Temp files left by a process killed mid-save (only called with the lock held)."""
    prefix = temp_prefix(path)
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if entry.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) as 0700; existing folders are left alone."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(p, DIR_MODE)
        os.chmod(p, DIR_MODE)  # the umask may have narrowed or the mode may differ


def mode_warnings(path: Path) -> list[StoreWarning]:
    """Warn (loudly, in the UI) when the store or its folders are open to other users."""
    found: list[StoreWarning] = []
    checks = [
        (
            path,
            "file_mode",
            "The store file can be read by other users (mode {mode}; expected 0600).",
        ),
        (
            path.parent,
            "folder_mode",
            "The store's folder is open to other users (mode {mode}; expected 0700).",
        ),
        (
            path.parent / BACKUPS_DIR,
            "backups_mode",
            "The backups folder is open to other users (mode {mode}; expected 0700).",
        ),
        (
            state_path(path),
            "state_mode",
            "The store's state file can be read by other users (mode {mode}; expected 0600).",
        ),
    ]
    for target, code, text in checks:
        try:
            st = os.stat(target)
        except OSError:
            continue
        if stat.S_IMODE(st.st_mode) & 0o077:
            found.append(StoreWarning(code, text.format(mode=f"{stat.S_IMODE(st.st_mode):04o}")))
    return found


def fix_modes(path: Path) -> None:
    for target, mode in (
        (path, FILE_MODE),
        (path.parent, DIR_MODE),
        (path.parent / BACKUPS_DIR, DIR_MODE),
        (state_path(path), FILE_MODE),
        (lock_path(path), FILE_MODE),
    ):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(target, mode)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def state_path(path: Path) -> Path:
    return path.with_name(path.name + ".state")


def backups_dir(path: Path) -> Path:
    return path.parent / BACKUPS_DIR


def generation_path(path: Path, generation: int) -> Path:
    return backups_dir(path) / f"{path.name}.g{generation:08d}"


def list_generation_files(path: Path) -> list[tuple[int, Path]]:
    """(generation, path) of this store's backups, newest first."""
    pattern = re.compile(re.escape(path.name) + r"\.g(\d{8,})$")
    found: list[tuple[int, Path]] = []
    try:
        entries = list(os.scandir(backups_dir(path)))
    except OSError:
        return []
    for entry in entries:
        m = pattern.match(entry.name)
        if m and entry.is_file(follow_symlinks=False):
            found.append((int(m.group(1)), Path(entry.path)))
    found.sort(reverse=True)
    return found


def keep_generation(path: Path, generation: int) -> None:
    """Keep the current file as generation ``generation`` before it is replaced.

    A hard link costs no copy: the old inode simply stays reachable from ``backups/``
    after ``os.replace`` points the store name at the new one. Filesystems without hard
    links get a copy instead.
    """
    folder = backups_dir(path)
    if not folder.exists():
        ensure_private_dir(folder)
    target = generation_path(path, generation)
    if target.exists():
        if not path.exists() or _same_file(path, target):
            return
        # Numbers are never reused, so something else was put here first (planted in
        # backups/ to keep this generation out): set it aside, never delete it.
        with contextlib.suppress(OSError):
            os.rename(target, target.with_name(f"{target.name}.set-aside-{secrets.token_hex(4)}"))
    try:
        os.link(path, target)
    except FileNotFoundError:
        return
    except OSError:
        atomic_write(target, path.read_bytes())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b) or a.read_bytes() == b.read_bytes()
    except OSError:
        return False


# Pruning lives in store.lineage (lineage.prune): only genuine generations are counted
# and deleted, never a file someone put in backups/.
