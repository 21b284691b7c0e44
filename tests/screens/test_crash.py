"""A crash inside a screen that holds personal data must not print any of it.

Textual's own crash report prints local variables and the exception message; on a shared
office screen that would show staff names and mobiles. This runs a real kiosk process
whose screen crashes with personal data in its locals and in the exception text.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kiosk import records
    from screens.app import KioskApp
    from kiosk.model import PEOPLE, Person
    from screens.widgets.base import KioskScreen
    from store import Store
    from tests.conftest import FAST_KDF

    path = Path(sys.argv[1])
    store, _code = Store.create(path, "Ann Example", "correct horse battery", kdf=FAST_KDF)
    with store.transaction() as tx:
        records.save(tx, PEOPLE, Person(full_name="Jane Testperson",
                     personal_mobile="07700900123"), "person.add")
    store.close()

    class Broken(KioskScreen):
        def refresh_data(self) -> None:
            person = records.people(self.session.db())[0]
            mobile = person.personal_mobile
            raise ValueError("cannot show " + person.full_name + " " + mobile)

    async def drive(pilot):
        pilot.app.screen.query_one("#passphrase").value = "correct horse battery"
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.push_screen(Broken())
        await pilot.pause()

    app = KioskApp(path, store_kdf=FAST_KDF)
    app.run(headless=True, auto_pilot=drive, size=(80, 24))
    sys.exit(app.return_code or 0)
    """
)


def test_crash_report_prints_no_personal_data(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "kiosk.store")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    output = result.stdout + result.stderr
    assert result.returncode == 70  # EX_SOFTWARE, as the CLI's internal error
    assert "kiosk stopped because of an internal error" in output
    assert "textual run --dev" not in output and "every change is saved" not in output
    assert "refresh_data" in output  # the developer still learns where
    assert "Jane" not in output and "Testperson" not in output
    assert "07700900123" not in output and "900123" not in output
