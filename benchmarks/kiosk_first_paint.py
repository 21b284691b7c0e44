"""One kiosk start that exits as soon as its first screen, the unlock screen, is painted.

``python benchmarks/kiosk_first_paint.py STORE`` is the kiosk side of
``startup_bench.py``, the counterpart of ``bare_app.py``: it runs ``kiosk.cli.main``
exactly as the ``kiosk`` command does (``kiosk --store STORE``), with one difference:
``screens.app.KioskApp`` is swapped for a subclass that runs headless at 80x24 and exits
after the first paint (Textual's ``Ready`` event, then the refresh after it). Kept tiny
because Python compiles a script it runs directly on every start.

Exit status 0 once the unlock screen has been painted; 3 if the first screen is anything
else (for example the setup wizard, when STORE does not exist) after ``GIVE_UP_SECONDS``,
so a benchmark can never time the wrong screen.
"""

from __future__ import annotations

import os.path
import sys

FIRST_SCREEN = "UnlockScreen"
SIZE = (80, 24)
GIVE_UP_SECONDS = 10.0


def main(store_path: str) -> int:
    # The source tree, for running from a clone without installing.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import screens.app as app_module
    from kiosk import cli

    base = app_module.KioskApp

    class FirstPaintKioskApp(base):  # type: ignore[misc,valid-type]
        def run(self, **kwargs: object) -> object:
            kwargs.update(headless=True, size=SIZE)
            return super().run(**kwargs)

        def on_ready(self) -> None:
            self.set_timer(GIVE_UP_SECONDS, lambda: self.exit(return_code=3))
            self._exit_when_painted()

        def _exit_when_painted(self) -> None:
            if type(self.screen).__name__ == FIRST_SCREEN:
                self.call_after_refresh(self.exit)
            else:
                self.call_after_refresh(self._exit_when_painted)

    app_module.KioskApp = FirstPaintKioskApp  # type: ignore[misc]
    return cli.main(["--store", store_path])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
