"""kiosk over real SSH, as admins use it: a private OpenSSH server on 127.0.0.1, a client in
a tmux terminal, ``ssh -t``, unlock, add a person.

The server is started for the test only: a throwaway host key, a throwaway client key in an
``authorized_keys`` file of its own, a free port on the loopback address, run in the
foreground (``-D -e``) and stopped afterwards. The test is skipped, saying why, only where
sshd cannot run at all (not installed, or refusing to start in this environment).

The second test checks the setup README recommends for a shared ``kiosk`` account: a key
whose ``authorized_keys`` line forces the command, so the admin gets kiosk and nothing else.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.terminal import PASSPHRASE, Pane, Tmux, unlock
from tests.e2e.test_workflows import _add_person_by_keyboard, _open_people, people_by_name

pytestmark = pytest.mark.e2e

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")


@dataclass
class SshServer:
    port: int
    user: str
    client_key: Path
    known_hosts: Path
    authorized_keys: Path
    log: Path

    def client_argv(self, remote_command: str | None = None) -> list[str]:
        """``ssh -t`` to this server as ``user`` with the throwaway key, trusting its
        throwaway host key on first use (nothing in the tester's own ~/.ssh is read or
        written)."""
        argv = [
            str(SSH), "-t",
            "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=no",
            "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR",
            "-i", str(self.client_key),
            "-p", str(self.port),
            f"{self.user}@127.0.0.1",
        ]
        if remote_command is not None:
            argv.append(remote_command)
        return argv


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _keygen(path: Path) -> None:
    assert SSH_KEYGEN is not None
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "kiosk-e2e", "-f", str(path)],
        check=True, capture_output=True, timeout=60,
    )


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    with run_sshd(tmp_path) as server:
        yield server


@contextmanager
def run_sshd(tmp_path: Path, match_block: Sequence[str] = ()) -> Iterator[SshServer]:
    """A private sshd; ``match_block`` lines go in a ``Match User <tester>`` block at the
    end of its config (as README's shared-account setup puts ForceCommand there)."""
    if SSHD is None or SSH is None or SSH_KEYGEN is None:
        pytest.skip("OpenSSH (sshd, ssh, ssh-keygen) is not installed: apt-get install "
                    "openssh-server openssh-client")
    home = tmp_path / "ssh"
    home.mkdir(mode=0o700)
    _keygen(home / "host_ed25519")
    _keygen(home / "client_ed25519")
    authorized = home / "authorized_keys"
    authorized.write_text((home / "client_ed25519.pub").read_text(), encoding="utf-8")
    authorized.chmod(0o600)
    user = getpass.getuser()
    port = _free_port()
    config = home / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {home / 'host_ed25519'}",
                f"PidFile {home / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "StrictModes no",  # the test's folders are not the user's ~/.ssh
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                f"PermitRootLogin {'prohibit-password' if os.geteuid() == 0 else 'no'}",
                f"AllowUsers {user}",
                "PrintMotd no",
                "PrintLastLog no",
                "LogLevel VERBOSE",
                *([f"Match User {user}", *(f"    {line}" for line in match_block)]
                  if match_block else []),
                "",
            ]
        ),
        encoding="utf-8",
    )
    if os.geteuid() == 0 and not Path("/run/sshd").exists():
        # Debian's sshd insists on its privilege separation directory when run as root;
        # the package normally makes it at boot.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = home / "sshd.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.skip(
                    "sshd cannot run here (it exited at once): "
                    + log.read_text(errors="replace").strip()[-500:]
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("sshd did not start listening: " + log.read_text(errors="replace"))
                time.sleep(0.1)
        yield SshServer(
            port=port,
            user=user,
            client_key=home / "client_ed25519",
            known_hosts=home / "known_hosts",
            authorized_keys=authorized,
            log=log,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def _remote_kiosk(kiosk_bin: str, store: Path) -> str:
    """The command line the server runs: the installed kiosk on the test's store. The
    passphrase is never part of it: it is typed into the terminal."""
    passed = os.environ.get("KIOSK_STATE_DIR")  # the test's own (tests/conftest.py)
    state = [f"KIOSK_STATE_DIR={passed}"] if passed else []
    return shlex.join(["env", f"KIOSK_STORE={store}", *state, str(Path(kiosk_bin).resolve())])


def _ssh_quit(pane: Pane) -> None:
    pane.keys("C-q")
    status = pane.wait_exit()
    assert "Traceback" not in pane.screen()
    assert status == 0, pane.screen()  # ssh passes on kiosk's own exit status


def test_over_ssh_unlock_and_add_a_person(
    sshd: SshServer, tmux: Tmux, kiosk_bin: str, made_store: Path
) -> None:
    pane = tmux.start(sshd.client_argv(_remote_kiosk(kiosk_bin, made_store)))
    try:
        unlock(pane)
    except AssertionError:
        raise AssertionError(
            "no unlock screen over SSH; sshd said:\n" + sshd.log.read_text(errors="replace")
        ) from None
    _open_people(pane)
    _add_person_by_keyboard(pane, "Jo Example", "07700 900901")
    _ssh_quit(pane)
    assert "Accepted publickey" in sshd.log.read_text(errors="replace")  # really over SSH
    assert "Jo Example" in people_by_name(made_store)


def test_forced_command_gives_kiosk_and_nothing_else(
    sshd: SshServer, tmux: Tmux, kiosk_bin: str, made_store: Path
) -> None:
    """The shared-account setup: the key's ``authorized_keys`` line forces kiosk, so asking
    for a shell command still opens kiosk, on the store the line names."""
    key = sshd.authorized_keys.read_text(encoding="utf-8").strip()
    forced = _remote_kiosk(kiosk_bin, made_store).replace('"', '\\"')
    sshd.authorized_keys.write_text(f'restrict,pty,command="{forced}" {key}\n', encoding="utf-8")

    pane = tmux.start(sshd.client_argv("cat /etc/passwd"))
    unlock(pane)
    shown = pane.wait_for("Rose House (VZZ01)")
    assert "root:" not in shown
    _ssh_quit(pane)
    # The passphrase went over the encrypted channel as keystrokes, never on a command line.
    assert PASSPHRASE not in sshd.log.read_text(errors="replace")


def test_force_command_in_the_match_block_runs_kiosk_and_writes_nothing_asked_for(
    tmp_path: Path, tmux: Tmux, kiosk_bin: str, made_store: Path
) -> None:
    """README's sshd setup: ``ForceCommand`` in the account's ``Match`` block. Asking for a
    shell command (here one that would write a key into ~/.ssh) opens kiosk instead, and
    nothing is written; kiosk itself writes files only into drafts/ beside the store."""
    fake_ssh = tmp_path / "home-ssh"
    fake_ssh.mkdir(mode=0o700)
    forced = _remote_kiosk(kiosk_bin, made_store)
    with run_sshd(
        tmp_path,
        [f"ForceCommand {forced}", "DisableForwarding yes", "PermitUserRC no", "PermitTTY yes"],
    ) as server:
        attack = f"sh -c 'echo ssh-ed25519 AAAA evil >> {fake_ssh}/authorized_keys2'"
        pane = tmux.start(server.client_argv(attack))
        unlock(pane)
        pane.wait_for("Rose House (VZZ01)")
        _ssh_quit(pane)
        assert "Accepted publickey" in server.log.read_text(errors="replace")
    assert list(fake_ssh.iterdir()) == []
    outside = {p.name for p in made_store.parent.iterdir()} - {"drafts", "backups"}
    assert all(name.startswith("kiosk.store") for name in outside), outside
