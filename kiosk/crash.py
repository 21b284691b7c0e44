"""What kiosk prints when it fails inside: where, never what.

Python's and Textual's tracebacks print exception messages and (Textual's) local
variables, which in kiosk are staff names, mobiles and emails, on a shared office screen
or in a cron mail. This report keeps the exception type and the code locations, enough for
a developer to find the fault, and drops every value.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from kiosk.i18n import _

EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE: not the user's mistake (that is 1)


def safe_crash_report(error: BaseException | None) -> str:
    """The crash text: type and frames (file, line, function), never values or messages."""
    lines = [
        _("kiosk stopped because of an internal error."),
        _("Changes saved before it are kept; a change that was not yet saved was not."),
        _("Please report this to whoever looks after kiosk, with the lines below."),
        "",
    ]
    if error is not None:
        frames = traceback.extract_tb(error.__traceback__)
        for frame in frames[-12:]:
            lines.append(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}")
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}")
    return "\n".join(lines)
