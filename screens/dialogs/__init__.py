"""Dialogs more than one screen opens: a yes/no question (:mod:`.confirm`), a short form
with an error line under each field (:mod:`.field_dialog`), NAS's answer to a request
(:mod:`.answer`) and saving a text as a file in ``drafts/`` (:mod:`.save_file`).

A dialog used by one screen only stays beside that screen, in the screen's module or, when
that would grow past ~600 lines, in ``screens/<screen>_dialogs.py`` (as
:mod:`screens.script_run_dialogs`). Dialogs reach the app and the session
through :class:`screens.widgets.base.KioskModal`.
"""
