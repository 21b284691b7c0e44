"""kiosk: keep a care home's NHSmail shared mailbox working.

The package holds the domain (people, sites, requests, tickets, rules, drafts, call scripts,
NAS hours), the command line and the Textual ``App`` shell. Domain modules never import
Textual, so every rule can be tested and reused by the CLI without a terminal.
"""

__version__ = "0.1.0"
