"""The NHSmail social care FAQ, answered in kiosk's own words, each answer with its route.

Every question of the FAQ (``shared/reference/nhsmail-social-care-faq.txt``) has one
entry here. ``faq`` holds the question exactly as the FAQ asks it, so a test can prove
none is missing when the FAQ changes; it is a reference and never shown. What the admin
reads is ``question`` and ``answer``, written for kiosk, quoting only facts (addresses,
numbers, names NHSmail uses), and a :class:`Route`: the key of the screen that does the
job and, where there is one, the key on that screen that starts it. The Help screen shows
the route and opens it with Enter, so "how do I add a new person?" is one key from doing it.
How a route reads ("People (p), then j to start a joiner") depends on the screens' keys,
so :func:`screens.nav.route_text` writes it and :func:`search` takes it as a parameter.

Strings are marked with :func:`N_` (the locale is chosen after import) and translated
where shown; numbers and addresses come from :mod:`kiosk.facts` through placeholders, so a
rule change is still one edit there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from kiosk import facts
from kiosk.clock import LONDON
from kiosk.i18n import N_, _
from kiosk.timefmt import time_of_day


@dataclass(frozen=True, slots=True)
class Route:
    """Where an answer is put into practice: a screen by its navigation name
    (:data:`screens.nav.NAV`) and optionally a key on that screen that starts the task."""

    screen: str
    key: str = ""  # a key of that screen, as Textual names it ("j", "o"); "" = just open
    task: str = ""  # N_-marked: what that key does, e.g. "start a joiner"


@dataclass(frozen=True, slots=True)
class HelpEntry:
    faq: str  # the FAQ's own question, verbatim ("" for kiosk's additions); never shown
    question: str  # N_-marked, kiosk's wording
    answer: str  # N_-marked, may hold {placeholders} from FACT_VALUES
    route: Route | None = None


def _hours(at: time) -> str:
    # A time of day, formatted like every other in kiosk (the day does not matter).
    return time_of_day(datetime.combine(date(2026, 1, 5), at, tzinfo=LONDON))


def fact_values() -> dict[str, str]:
    """The facts an answer may name, filled in when it is shown."""
    return {
        "nas_email": facts.NAS_EMAIL,
        "nas_phone": facts.NAS_PHONE,
        "escalation_email": facts.ESCALATION_EMAIL,
        "expert": facts.ESCALATION_ON_CALL,
        "days": str(facts.ACTIVITY_WINDOW_DAYS),
        "opens": _hours(facts.NAS_OPENS),
        "closes": _hours(facts.NAS_CLOSES),
        "minimum": str(facts.MIN_PEOPLE_WITH_ACCESS),
        "portal": facts.NHSMAIL_PORTAL_URL,
    }


ENTRIES: tuple[HelpEntry, ...] = (
    HelpEntry(
        "What is an NHSmail Individual user account?",
        N_("What is a personal NHSmail account?"),
        N_(
            "Each person has an NHSmail account of their own. Nobody else uses it and "
            "nobody shares its password. It stays open only while it is used: sign in, "
            "update the profile or send an email at least once every {days} days. Logins "
            "lists who is due."
        ),
        Route("reminders"),
    ),
    HelpEntry(
        "Why do I need an individual NHSmail account?",
        N_("Why does each person need their own account?"),
        N_(
            "Secure email is sent and received through a personal account, and the site's "
            "shared mailbox can only be opened through one. Without their own account a "
            "person has no way into the shared mailbox."
        ),
        Route("people"),
    ),
    HelpEntry(
        "Do I need a password for my NHSmail Individual user account?",
        N_("How does a new person get a username and password?"),
        N_(
            "Everyone has their own username and password. NAS sends them to the personal "
            "email address and personal mobile given in the joiner request, so check both "
            "before it goes. After the first sign-in the account must be used regularly "
            "or it is switched off."
        ),
        Route("people", "j", N_("start a joiner")),
    ),
    HelpEntry(
        "Why is my mobile phone number needed?",
        N_("Why does NAS need a mobile number?"),
        N_(
            "Temporary passwords arrive by text message, and the mobile proves who someone "
            "is, for example when they reset a password. It must be a UK mobile starting "
            "07; kiosk checks it when you type it."
        ),
        Route("people", "e", N_("edit the highlighted person")),
    ),
    HelpEntry(
        "What if I received my NHSmail Individual account but not the shared account?",
        N_("Someone has their own account but not the shared mailbox"),
        N_(
            "Email NAS at {nas_email} with the person's name and the site's ODS code. "
            "Sites keeps each site's ODS code; if you do not know it, the ODS code search "
            "finds it from the site's post code."
        ),
        Route("people", "x", N_("change the highlighted person's access")),
    ),
    HelpEntry(
        "What is a shared mailbox?",
        N_("What is the shared mailbox?"),
        N_(
            "Every CQC-registered site has one shared mailbox that several members of staff "
            "use. Nobody signs in to it directly: each person opens it through their own "
            "account."
        ),
        Route("sites"),
    ),
    HelpEntry(
        "Who should have access to the shared mailbox?",
        N_("Who should be able to use the shared mailbox?"),
        N_(
            "Everyone who sends or receives sensitive information about the people you care "
            "for, to or from health and social care colleagues. Review checks the list "
            "site by site."
        ),
        Route("review"),
    ),
    HelpEntry(
        "How do I access a shared mailbox?",
        N_("How do I open the shared mailbox in Outlook?"),
        N_(
            "NHSmail publishes guidance for Outlook on the desktop and for Outlook on the "
            "web (OWA); the NHSmail portal at {portal} links to both. Once access is "
            "granted, the shared mailbox appears alongside the person's own mailbox."
        ),
        Route("contacts"),
    ),
    HelpEntry(
        "How many users should the shared mailbox have?",
        N_("How many people should have access?"),
        N_(
            "Enough to cover every hour of every day: at least {minimum}, such as the "
            "registered manager and the administrator. The dashboard warns when a site has "
            "fewer."
        ),
        Route("review"),
    ),
    HelpEntry(
        "How do I add new users?",
        N_("How do I add a new person?"),
        N_(
            "Send a joiner request to {nas_email} from the site's shared mailbox. For "
            "someone new to NHSmail give their full name, personal mobile (07...) and "
            "personal email. For someone who already has NHSmail give their full name, "
            "NHSmail address and the mobile linked to it, and say they are to be added as "
            "a joiner; their previous employer must have marked them as a leaver first. "
            "Either way, say whether they are to be an owner or a member. NAS never needs "
            "more: never send a date of birth or a home address. kiosk writes the email."
        ),
        Route("people", "j", N_("start a joiner")),
    ),
    HelpEntry(
        "What is a shared mailbox owner?",
        N_("What is an owner of the shared mailbox?"),
        N_(
            "An owner decides who can use the shared mailbox. One person can own several "
            "shared mailboxes."
        ),
        Route("review"),
    ),
    HelpEntry(
        "What is the role of a shared mailbox owner?",
        N_("What does an owner have to do?"),
        N_(
            "Ask NAS for accounts for new staff; pass on their usernames and passwords; "
            "help them with their first sign-in; give staff access to the shared mailbox; "
            "make sure everyone follows the Data Security and Protection Toolkit; and take "
            "access away from leavers."
        ),
        Route("people", "l", N_("record a leaver")),
    ),
    HelpEntry(
        "What are the shared mailbox permissions?",
        N_("What can members and owners do?"),
        N_(
            "Members have 'Send As': they send email from the shared mailbox's own address. "
            "Owners can do the same and can also change who has access."
        ),
        Route("people", "x", N_("change the highlighted person's access")),
    ),
    HelpEntry(
        "Can I change my organisation's shared mailbox email address?",
        N_("Can the shared mailbox's address be changed?"),
        N_(
            "No. The address stays as it was created, which is why kiosk asks you to "
            "confirm it carefully when you add a site."
        ),
        Route("sites"),
    ),
    HelpEntry(
        "What do I do if I am unable to access my organisation's shared mailbox?",
        N_("I cannot get into the shared mailbox"),
        N_(
            "Ask an owner of the site's shared mailbox to add you, as for a new person. If "
            "nobody at the site can open it any more, phone NAS on {nas_phone} from the "
            "site's phone number that CQC shows for it. Say that nobody on site can get in "
            "and that a new owner is needed, and give the new owner's name, personal mobile "
            "(07...) and personal email, or their NHSmail address if they have one. Others "
            "can be added on the same call or by the new owner later. The No access "
            "scripts lead you through the call."
        ),
        Route("scripts"),
    ),
    HelpEntry(
        "What if I already have an NHSmail account?",
        N_("A new person already has an NHSmail account"),
        N_(
            "Do not ask for a second account. An owner asks NAS to add the existing account "
            "as a joiner and gives it access to the site's shared mailbox."
        ),
        Route("people", "j", N_("start a joiner")),
    ),
    HelpEntry(
        "How often do I need to log into my NHSmail account?",
        N_("How often must people sign in?"),
        N_(
            "At least once every {days} days, or the account is switched off. Logins shows "
            "who is due and records a sign-in."
        ),
        Route("reminders"),
    ),
    HelpEntry(
        "How do I view and download attachments via the NHSmail portal?",
        N_("Why can't I open attachments in the NHSmail portal?"),
        N_(
            "The portal lets you view and download attachments only on a private computer. "
            "When you sign in at {portal}, tick 'This is a private computer' first. Never "
            "tick it on a shared or public computer."
        ),
        Route("contacts"),
    ),
    HelpEntry(
        "What if my site changes its ODS code?",
        N_("Our site's ODS code is changing"),
        N_(
            "When a site changes owner or registration, its shared mailbox has to be "
            "updated or closed, and a new one registered if needed. Sites records the "
            "change and says what to ask NAS."
        ),
        Route("sites", "o", N_("record an ODS change")),
    ),
    HelpEntry(
        "What is the NHS Directory?",
        N_("How do I find a colleague's NHSmail address?"),
        N_(
            "Look them up in the NHS Directory (People Finder), in the NHSmail portal at "
            "{portal}. It holds contact details for health and social care staff."
        ),
        Route("contacts"),
    ),
    HelpEntry(
        "My application has been rejected because my organisation does not meet the "
        "minimum requirement for the Data Security and Protection Toolkit (DSPT) \u2013 "
        "what should I do?",
        N_("Our application was refused because of the DSPT"),
        N_(
            "NHSmail is only for providers whose Data Security and Protection Toolkit "
            "(DSPT) is published at 'Approaching Standards' or better (Standards Met or "
            "Exceeded). Publish it at that level, then apply again. Sites shows each "
            "site's DSPT status and its deadline."
        ),
        Route("sites", "d", N_("record a new DSPT publication")),
    ),
    HelpEntry(
        "What is the response time when I email the National Administration Service?",
        N_("How quickly does NAS answer?"),
        N_(
            "As soon as it can. NAS works {opens} to {closes}, Monday to Friday, not on "
            "bank holidays. Outside those hours people can reset their own password, or "
            "email the helpdesk. Contacts says whether NAS is open now."
        ),
        Route("contacts"),
    ),
    HelpEntry(
        "I've contacted the NHSmail helpdesk about my account query but it hasn't yet "
        "been resolved, who do I contact?",
        N_("NAS has not sorted out my problem"),
        N_(
            "Start with NAS. If the problem is still open, email {escalation_email} with "
            "the ticket reference and the date and time of your call. On a call, you can "
            "ask for a '{expert}'. Tickets keeps each ticket and writes the escalation."
        ),
        Route("tickets", "e", N_("escalate the highlighted ticket")),
    ),
    HelpEntry(
        "",
        N_("Where are the NHSmail portal and the guides?"),
        N_(
            "Contacts lists the NHSmail portal, the starter guide for social care, the "
            "Digital Care Hub and Digitising Social Care; each address copies with c."
        ),
        Route("contacts"),
    ),
)


def question(entry: HelpEntry) -> str:
    return _(entry.question)


def answer(entry: HelpEntry) -> str:
    return _(entry.answer).format(**fact_values())


def search(
    query: str,
    entries: tuple[HelpEntry, ...] = ENTRIES,
    *,
    route_text: Callable[[Route], str] | None = None,
) -> list[HelpEntry]:
    """Entries holding every word of ``query`` (any case) in what the admin reads: the
    question, the answer and, given ``route_text`` (the Help screen passes
    :func:`screens.nav.route_text`), how the route reads."""
    words = query.casefold().split()
    found: list[HelpEntry] = []
    for entry in entries:
        route = route_text(entry.route) if route_text and entry.route else ""
        text = " ".join([question(entry), answer(entry), route]).casefold()
        if all(word in text for word in words):
            found.append(entry)
    return found
