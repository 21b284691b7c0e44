"""Every screen the unlocked kiosk can open, with its key: the single navigation table.

The app shell reads this to build dashboard keys and command-palette entries, and
:meth:`screens.app.KioskApp.open_screen` (the one way to navigate) opens a screen by its
name here. Screens are named by import path so that none is imported before it is first
opened (start-up time), and so that adding a screen is one line here, not an edit of the
shell. The domain names screens by ``name`` only (dashboard lines, the FAQ's routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.i18n import N_, _

if TYPE_CHECKING:
    from kiosk.faq import Route


@dataclass(frozen=True, slots=True)
class NavEntry:
    key: str  # the key on the dashboard (and in the footer there)
    name: str  # stable id, e.g. for dashboard lines that lead to this screen
    label: str  # N_-marked; translate when shown
    target: str  # "module:Class"; the class takes no arguments
    help: str = ""  # N_-marked one-line description for the command palette


NAV: tuple[NavEntry, ...] = (
    NavEntry(
        "p",
        "people",
        N_("People"),
        "screens.people:PeopleScreen",
        N_("Everyone, their shared mailbox access, joiners and leavers"),
    ),
    NavEntry(
        "r",
        "reminders",
        N_("Logins"),
        "screens.reminders:RemindersScreen",
        N_("30-day login reminders and accounts about to be deleted"),
    ),
    NavEntry(
        "e",
        "requests",
        N_("Requests"),
        "screens.requests:RequestsScreen",
        N_("Joiner, leaver and access requests sent to NAS"),
    ),
    NavEntry(
        "v",
        "review",
        N_("Review"),
        "screens.review:ReviewScreen",
        N_("Review who can reach each shared mailbox"),
    ),
    NavEntry(
        "n",
        "scripts",
        N_("No access"),
        "screens.scripts:ScriptsScreen",
        N_("Step-by-step scripts for calling NAS and escalating"),
    ),
    NavEntry(
        "t",
        "tickets",
        N_("Tickets"),
        "screens.tickets:TicketsScreen",
        N_("Calls and emails to NAS and their tickets"),
    ),
    NavEntry(
        "k",
        "contacts",
        N_("Contacts"),
        "screens.contacts:ContactsScreen",
        N_("NAS phone and email, escalation, local support"),
    ),
    NavEntry(
        "s",
        "sites",
        N_("Sites"),
        "screens.sites:SitesScreen",
        N_("Sites, ODS codes, shared mailboxes and DSPT status"),
    ),
    NavEntry(
        "a",
        "admins",
        N_("Admins"),
        "screens.admins:AdminsScreen",
        N_("Kiosk admins, passphrases and the recovery key"),
    ),
    NavEntry(
        "u",
        "audit",
        N_("Audit"),
        "screens.audit:AuditScreen",
        N_("Every change, who made it, and the audit chain check"),
    ),
    NavEntry(
        "b",
        "backups",
        N_("Backups"),
        "screens.backups:BackupsScreen",
        N_("Encrypted generations of the store and restore"),
    ),
    NavEntry(
        "o",
        "settings",
        N_("Settings"),
        "screens.settings:SettingsDialog",
        N_("Idle lock, membership review period, leavers' data retention"),
    ),
)


def entry(name: str) -> NavEntry:
    """The navigation entry of the screen called ``name`` (KeyError if there is none)."""
    for candidate in NAV:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def route_text(route: Route) -> str:
    """How to get to a FAQ answer's task by hand: "People (p), then j to start a joiner"."""
    screen = entry(route.screen)
    where = _("{screen} ({key})").format(screen=_(screen.label), key=screen.key)
    if not route.key:
        return where
    return _("{screen}, then {key} to {task}").format(
        screen=where, key=route.key, task=_(route.task)
    )
