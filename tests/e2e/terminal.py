"""A real terminal for end-to-end tests: the installed ``kiosk`` inside tmux.

tmux gives each test a genuine pseudo-terminal of a chosen size, takes keystrokes with
``send-keys`` and shows what is on the glass with ``capture-pane``, exactly as an admin's
terminal (or their SSH client) would. Every wait polls the screen quickly with a generous
deadline: the CI machine is slow and shared, and no test asserts on how long anything took.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.1

TMUX = shutil.which("tmux")

# The passphrase used for every e2e store (fictional; typed into the pane, never on argv).
PASSPHRASE = "correct horse battery staple"
ADMIN = "Ann Example"
SITE = {
    "--site-name": "Rose House",
    "--ods": "VZZ01",
    "--cqc-location": "1-123456789",
    "--site-phone": "01632 960001",
    "--mailbox": "rose.care@nhs.net",
}


class ScreenTimeout(AssertionError):
    """A wait ran out; the message carries what the screen showed last."""


@dataclass
class Pane:
    """One tmux session's single pane: a terminal with kiosk (or ssh) running in it."""

    tmux: Tmux
    name: str

    @property
    def target(self) -> str:
        return f"={self.name}:"

    # -- input ---------------------------------------------------------------------------

    def keys(self, *keys: str) -> None:
        """Press named keys, e.g. ``Enter``, ``Tab``, ``Escape``, ``C-q``, ``Down``."""
        for key in keys:
            self.tmux.run("send-keys", "-t", self.target, key)

    def escape(self, *expect: str) -> str:
        """Press Escape and wait for ``expect`` (text only the screen arrived at shows).

        A key sent straight after Escape reaches the app as Alt+that key (terminals send
        Alt as an Escape prefix), so the next key must wait for a sign that this one
        arrived on its own."""
        self.keys("Escape")
        return self.wait_for(*expect)

    def type(self, text: str) -> None:
        """Type text literally, one key per character, as a person would."""
        self.tmux.run("send-keys", "-t", self.target, "-l", text)

    def resize(self, width: int, height: int) -> None:
        self.tmux.run("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    # -- output --------------------------------------------------------------------------

    def screen(self, *, escapes: bool = False) -> str:
        """What the terminal shows now (with SGR escapes if ``escapes``)."""
        args = ["capture-pane", "-p", "-t", self.target]
        if escapes:
            args.append("-e")
        return self.tmux.run(*args).stdout

    def size(self) -> tuple[int, int]:
        out = self.tmux.run("display-message", "-p", "-t", self.target,
                            "#{pane_width} #{pane_height}").stdout.split()
        return int(out[0]), int(out[1])

    def info(self, fmt: str) -> str:
        return self.tmux.run("display-message", "-p", "-t", self.target, fmt).stdout.strip()

    def border_colours(self) -> dict[int, str]:
        """The colour of the left border of every tall text field on screen, by the row of
        its top edge. Textual draws the focused field's border in the accent colour and the
        others dimmed: this is how a terminal shows focus."""
        colours: dict[int, str] = {}
        for row, line in enumerate(self.screen(escapes=True).splitlines()):
            position = line.find("\u258a\x1b")  # ▊ then a style change: a tall border's edge
            if position < 0 or "\u2594" not in line:  # ▔, the top edge
                continue
            colour = "39"
            for params in re.findall(r"\x1b\[([0-9;]*)m", line[:position]):
                if params in ("", "0"):
                    colour = "39"
                for match in re.finditer(
                    r"(?:^|;)(38;5;\d+|38;2;\d+;\d+;\d+|3[0-79]|9[0-7])", params
                ):
                    colour = match.group(1)
            colours[row] = colour
        return colours

    def border_colour(self, label: str) -> str | None:
        """The border colour of the text field under the line reading ``label``, if shown."""
        colours = self.border_colours()
        for row in _label_rows(self.screen(), label):
            if row + 1 in colours:
                return colours[row + 1]
        return None

    def field_text(self, label: str) -> str | None:
        """What the text field under the line reading ``label`` shows (None if not visible)."""
        screen = self.screen()
        lines = screen.splitlines()
        for row in _label_rows(screen, label):
            if row + 1 >= len(lines):
                continue
            # A tall field's top edge (a row of upper blocks) comes first: its text is one row
            # lower. A one-row field with side edges (the dialogs' inputs) holds its text here.
            tall = "\u2594" in lines[row + 1]
            text_row = row + 2 if tall else row + 1
            if text_row < len(lines):
                return lines[text_row].strip(_FRAME)
        return None

    def clear_field(self, label: str, key: str = "C-u") -> None:
        """Clear the focused field (ctrl+u, to the left of the cursor) and wait until it
        shows empty.

        Textual runs ctrl+u through the key bindings, after the field itself has taken any
        letters typed straight after it, so typing before it is seen to be empty would lose
        them (a person is never that fast)."""
        self.keys(key)
        self.wait_until(lambda _s: self.field_text(label) == "", f"the field {label!r} cleared")

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (Textual keeps it in the focused text field)."""
        x, y = self.info("#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def press_moving_cursor(self, key: str, to_label: str) -> None:
        """Press ``key`` (e.g. Tab) and wait until the cursor is in the field under the line
        reading ``to_label``: the sign of focus for compact fields, which have no border.
        Only for fields already on screen (a field just shown reports a stale position)."""
        self.keys(key)

        def arrived(screen: str) -> bool:
            rows = _label_rows(screen, to_label)
            _x, y = self.cursor()
            return any(row < y <= row + 2 for row in rows)

        self.wait_until(arrived, f"the cursor in the field under {to_label!r}")

    def wait_focused(self, label: str) -> None:
        """Wait until the tall field under ``label`` shows focus: its border colour is unlike
        every other field's. A person looks before typing into a step just shown."""

        def focused(screen: str) -> bool:
            colours = self.border_colours()
            rows = [row + 1 for row in _label_rows(screen, label) if row + 1 in colours]
            if not rows:
                return False
            others = [c for row, c in colours.items() if row != rows[0]]
            return bool(others) and colours[rows[0]] not in others

        self.wait_until(focused, f"the field under {label!r} to show focus")

    def press_moving_focus(self, key: str, from_label: str, to_label: str) -> None:
        """Press ``key`` in the field under ``from_label`` and wait until focus has moved to
        the field under ``to_label``.

        Keys sent straight after Enter can reach the old field before the app has moved focus
        (a person is slower than send-keys), and the only sign of the move is the border
        colour: the new field takes the colour the old one had while focused."""
        # First, the field being left must be seen focused (unlike every other field): it
        # can be painted a moment after it shows, and only then is its colour the one to
        # look for on the next field.
        self.wait_focused(from_label)
        colour = self.border_colour(from_label)
        self.keys(key)

        def moved(_screen: str) -> bool:
            now_from = self.border_colour(from_label)
            return self.border_colour(to_label) == colour and now_from != colour

        self.wait_until(moved, f"focus to move from {from_label!r} to {to_label!r}")

    @property
    def status_file(self) -> Path:
        return self.tmux.workdir / f"{self.name}.status"

    @property
    def dead(self) -> bool:
        return self.exit_status is not None

    @property
    def exit_status(self) -> int | None:
        """The program's exit status once it has ended (written by the wrapper shell: tmux
        3.3 sometimes leaves a Textual app's process unreaped, so its own status is unsure)."""
        try:
            text = self.status_file.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return int(text) if text else None

    @property
    def pid(self) -> int:
        return int(self.info("#{pane_pid}"))

    def wait_until(
        self, check: Callable[[str], bool], what: str, timeout: float = WAIT_SECONDS
    ) -> str:
        """Poll the screen until ``check(screen)`` holds; fail with the last screen if not."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if check(shown):
                return shown
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"waited {timeout:.0f} s for {what}; the screen showed:\n{shown}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for(self, *texts: str, timeout: float = WAIT_SECONDS) -> str:
        """Wait until every one of ``texts`` is on the screen at once."""
        return self.wait_until(
            lambda shown: all(text in _flat(shown) for text in texts),
            " and ".join(repr(t) for t in texts),
            timeout,
        )

    def wait_for_regex(self, pattern: str, timeout: float = WAIT_SECONDS) -> re.Match[str]:
        compiled = re.compile(pattern)
        shown = self.wait_until(lambda s: compiled.search(_flat(s)) is not None, pattern, timeout)
        match = compiled.search(_flat(shown))
        assert match is not None
        return match

    def wait_gone(self, text: str, timeout: float = WAIT_SECONDS) -> str:
        return self.wait_until(lambda s: text not in _flat(s), f"{text!r} to go", timeout)

    def wait_exit(self, timeout: float = WAIT_SECONDS) -> int:
        """Wait for the program in the pane to end; returns its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status) is None:
            if time.monotonic() >= deadline:
                raise ScreenTimeout(
                    f"the program did not exit; the screen showed:\n{self.screen()}"
                )
            time.sleep(POLL_SECONDS)
        return status

    def processes(self) -> list[tuple[int, list[str]]]:
        """The pane's process and its descendants with their argv (Linux /proc)."""
        found: list[tuple[int, list[str]]] = []
        pending = [self.pid]
        while pending:
            pid = pending.pop()
            try:
                raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            argv = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
            found.append((pid, argv))
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    pending.extend(int(child) for child in task.read_text().split())
                except OSError:
                    continue
        return found


def _label_rows(screen: str, label: str) -> list[int]:
    """The rows whose text, inside any frame (box-drawing characters), is exactly ``label``."""
    return [
        row
        for row, line in enumerate(screen.splitlines())
        if line.strip(_FRAME).strip() == label
    ]


# Spaces and the box-drawing and block characters Textual draws borders and frames with.
_FRAME = " " + "".join(chr(c) for c in range(0x2500, 0x25A0))


def _flat(screen: str) -> str:
    """The screen with trailing spaces removed from each line (tmux pads to the width)."""
    return "\n".join(line.rstrip() for line in screen.splitlines())


@dataclass
class Tmux:
    """A private tmux server (its own socket): nothing leaks between tests or into the
    tester's own tmux, and killing it ends every program the test started."""

    workdir: Path
    socket: str = field(default_factory=lambda: f"kiosk-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    panes: list[Pane] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.config = self.workdir / "tmux.conf"
        self.config.write_text(
            "set -g remain-on-exit on\n"  # keep the last screen (and exit status) of a dead pane
            "set -g history-limit 2000\n"
            "set -g status off\n"  # the whole pane is the program's terminal, nothing else
            "set -g default-terminal tmux-256color\n"
            "set -sg escape-time 0\n",
            encoding="utf-8",
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True, text=True, timeout=60, check=check,
        )

    def start(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        unset: Sequence[str] = (
            "NO_COLOR", "KIOSK_STORE", "COLORTERM", "TEXTUAL", "COLUMNS", "LINES",
        ),
        size: tuple[int, int] = (80, 24),
        name: str | None = None,
    ) -> Pane:
        """Start ``argv`` in a new detached session of the given size."""
        name = name or f"s{len(self.panes)}"
        prefix = ["env"]
        for variable in unset:
            prefix += ["-u", variable]
        # The test's own trust-record mirror (tests/conftest.py): a tmux server started by
        # an earlier test keeps that test's environment, so it is passed each time.
        passed = {k: os.environ[k] for k in ("KIOSK_STATE_DIR",) if k in os.environ}
        prefix += [f"{key}={value}" for key, value in {**passed, **(env or {})}.items()]
        pane = Pane(self, name)
        # A shell runs the program and records its exit status; the pane then stays open
        # (remain-on-exit) showing the program's last screen and anything printed after it.
        wrapper = ["sh", "-c", 'status_file=$1; shift; "$@"; echo $? > "$status_file"', "sh",
                   str(pane.status_file)]
        command = shlex.join([*wrapper, *prefix, *argv])
        self.run("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
                 "-c", str(self.workdir), command)
        self.panes.append(pane)
        return pane

    def kill(self) -> None:
        self.run("kill-server", check=False)


@contextmanager
def tmux_server(workdir: Path) -> Iterator[Tmux]:
    server = Tmux(workdir)
    try:
        yield server
    finally:
        server.kill()


def kiosk_executable() -> str | None:
    """The installed console script: $KIOSK_E2E_KIOSK, else ``kiosk`` on PATH, else the one
    beside this Python (a venv whose bin is not on PATH)."""
    override = os.environ.get("KIOSK_E2E_KIOSK")
    if override:
        return override
    on_path = shutil.which("kiosk")
    if on_path:
        return on_path
    import sys

    beside = Path(sys.executable).parent / "kiosk"
    return str(beside) if beside.exists() else None


def init_store(
    kiosk: str,
    path: Path,
    *,
    admin: str = ADMIN,
    passphrase: str = PASSPHRASE,
    site: Mapping[str, str] = SITE,
) -> str:
    """Create a store with ``kiosk init`` (passphrase on stdin); returns the recovery key."""
    argv = [kiosk, "init", "--store", str(path), "--admin", admin, "--passphrase-stdin"]
    for option, value in site.items():
        argv += [option, value]
    result = subprocess.run(
        argv, input=passphrase + "\n", capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"([0-9A-Z]{5}(?:-[0-9A-Z]{5})+)", result.stdout)
    assert match, result.stdout
    return match.group(1)


def is_grey_sgr(code: list[int]) -> bool:
    """Whether one SGR colour (38/48;5;n or 38/48;2;r;g;b, or a basic 30-37/90-97) is a
    shade of grey. Used to check NO_COLOR: Textual turns colours monochrome, not off."""
    if not code:
        return True
    if code[0] in (38, 48) and len(code) >= 3 and code[1] == 5:
        n = code[2]
        if n < 16:
            return n in (0, 7, 8, 15)
        if n >= 232:
            return True
        r, rest = divmod(n - 16, 36)
        g, b = divmod(rest, 6)
        return r == g == b
    if code[0] in (38, 48) and len(code) >= 5 and code[1] == 2:
        r, g, b = code[2:5]
        return max(r, g, b) - min(r, g, b) <= 8
    return all(c in (30, 37, 40, 47, 90, 97, 100, 107, 39, 49) for c in code)


def colours_on_screen(screen_with_escapes: str) -> list[list[int]]:
    """Every colour-setting SGR sequence in a ``capture-pane -e`` dump."""
    colours: list[list[int]] = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", screen_with_escapes):
        numbers = [int(p) for p in params.split(";") if p]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n in (38, 48) and i + 1 < len(numbers):
                width = 3 if numbers[i + 1] == 5 else 5
                colours.append(numbers[i : i + width])
                i += width
                continue
            if 30 <= n <= 37 or 40 <= n <= 47 or 90 <= n <= 97 or 100 <= n <= 107:
                colours.append([n])
            i += 1
    return colours


def unlock(pane: Pane, passphrase: str = PASSPHRASE, admin: str = ADMIN) -> str:
    """At the unlock screen (the last admin preselected, cursor in the passphrase field):
    type the passphrase and press Enter, as an admin does; returns the dashboard."""
    pane.wait_for("kiosk is locked", "Passphrase")
    pane.type(passphrase)
    pane.keys("Enter")
    return pane.wait_for(f"Unlocked by {admin}")
