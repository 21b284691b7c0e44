"""NHSmail facts as named data, in one module, so that a rule change is one edit.

Sources: ``shared/reference/nhsmail-social-care-faq.txt`` (the procedures) and
``shared/reference/nhsmail-facts.md`` (account lifecycle, limits, identifiers, DSPT).
Nothing here is translated: these are numbers, addresses and names that NAS uses.
Rules that combine them (the lifecycle, NAS hours, DSPT) live in their own modules and
read their numbers from here.
"""

from __future__ import annotations

from datetime import time

# National Administration Service (NAS)
NAS_PHONE = "0333 200 1133"
NAS_PHONE_OPTIONS = ("1", "1")  # option 1, then 1 again, for a social care agent
NAS_EMAIL = "Helpdesk@nhs.net"
ESCALATION_EMAIL = "feedback@nhs.net"
ESCALATION_ON_CALL = "Subject Matter Expert"  # who to ask for on the call
NHSMAIL_PORTAL_URL = "https://portal.nhs.net"  # sign-in and self-service password reset
# The FAQ's "Contacts & Useful Links"
STARTER_GUIDE_URL = "https://support.nhs.net/knowledge-base/starter-guide-for-social-care-providers"
DIGITAL_CARE_HUB_URL = "https://www.digitalcarehub.co.uk"  # tech, data protection, cyber
DIGITISING_SOCIAL_CARE_URL = "https://www.digitisingsocialcare.co.uk"  # digitising a service
ODS_SEARCH_URL = "https://www.odsdatasearchandexport.nhs.uk"  # ODS code search (by post code)
NAS_OPENS = time(9, 0)
NAS_CLOSES = time(17, 0)
NAS_TIMEZONE = "Europe/London"
NAS_HOLIDAY_COUNTRY = "GB"
NAS_HOLIDAY_SUBDIVISION = "ENG"

# Personal account lifecycle (since 1 December 2022)
ACTIVITY_WINDOW_DAYS = 30  # day 30 after the last activity is the last day to act
INACTIVE_TO_DELETED_DAYS = 30  # deleted after 60 days without activity
RESTORABLE_DAYS = 30  # NAS can restore a deleted account for 30 more days (to day 90)
NEW_ACCOUNT_FIRST_LOGIN_DAYS = 30  # a never-used new account goes inactive after this
DISABLED_KEEP_MONTHS = 18  # long-term leave: kept up to 18 months without activity
DUE_SOON_DAYS = 7  # reminders flag anyone within this many days of going inactive
LEAVER_ACTIVE_DAYS = 30  # "Active (Leaver)" for 30 days, then deleted unless joined elsewhere
SHARED_MAILBOX_SILENT_MONTHS = 6  # NHSmail flags a shared mailbox that sent nothing for this
SHARED_MAILBOX_WARN_MONTHS = 5  # the kiosk warns a month before that flag

# Shared mailboxes
MIN_PEOPLE_WITH_ACCESS = 2  # 24/7 cover: at least two people, e.g. manager and administrator
MIN_OWNERS_RECOMMENDED = 2
MAX_OWNERS = 100
MAX_MEMBERS = 250
REVIEW_MONTHS_DEFAULT = 3  # guidance: review membership every 2 to 6 months
REQUEST_ESCALATE_WORKING_DAYS = 5  # an open request older than this is flagged

# Identifiers
NHSMAIL_DOMAIN = "nhs.net"
SOCIAL_CARE_ODS_PREFIX = "V"
SOCIAL_CARE_ODS_LENGTH = 5
CQC_LOCATION_PREFIX = "1-"
CQC_LOCATION_DIGITS = (9, 11)
MOBILE_PREFIX = "07"
MOBILE_DIGITS = 11

# DSPT (Data Security and Protection Toolkit)
DSPT_DEADLINE_MONTH_DAY = (6, 30)  # annual deadline, 30 June in recent years
DSPT_WARN_DAYS = 60

# Kiosk's own defaults
IDLE_LOCK_MINUTES_DEFAULT = 5
RETENTION_MONTHS_DEFAULT = 12
MIN_PASSPHRASE_LENGTH = 12
