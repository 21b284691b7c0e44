"""The site form's fields, shared by the setup wizard and the Sites screen's form.

The rules are in :mod:`kiosk.site_fields`; this module only lays the fields out (label,
input, error line under each), reads what was typed, and shows each field's message, so
both forms look and behave the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kiosk.dspt import STATUS_LABELS
from kiosk.i18n import _
from kiosk.model import DsptStatus
from kiosk.site_fields import SITE_FIELDS
from screens.widgets.text import Literal, LiteralLabel, LiteralSelect


def placeholder(name: str) -> str:
    return {
        "ods_code": _("e.g. VZZ01"),
        "cqc_location_id": _("e.g. 1-123456789"),
        "site_phone": _("the number CQC shows for the site"),
        "mailbox": _("e.g. name.care@nhs.net"),
        "dspt_published": _("YYYY-MM-DD or DD/MM/YYYY"),
    }.get(name, "")


def site_field_widgets(*, label_classes: str = "", error_classes: str = "") -> Iterator[Widget]:
    """Label, input (a list for the DSPT status) and error line for every site field."""
    for name, label in SITE_FIELDS:
        yield LiteralLabel(_(label), classes=label_classes)
        if name == "dspt_status":
            yield LiteralSelect(
                [(_(text), status.value) for status, text in STATUS_LABELS.items()],
                value=DsptStatus.NOT_PUBLISHED.value,
                allow_blank=False,
                id="site-dspt_status",
            )
        else:
            yield Input(id=f"site-{name}", placeholder=placeholder(name))
        yield Literal("", id=f"site-{name}-error", classes=error_classes)


def read_site_fields(node: DOMNode) -> dict[str, str]:
    """What is typed in every site field under ``node``, by field name."""
    return {
        name: (
            str(node.query_one("#site-dspt_status", Select).value)
            if name == "dspt_status"
            else node.query_one(f"#site-{name}", Input).value
        )
        for name, _label in SITE_FIELDS
    }


def show_site_messages(
    node: DOMNode,
    errors: Mapping[str, str],
    warnings: Mapping[str, str],
    names: tuple[str, ...] = (),
) -> None:
    """Each field's error (or, failing that, its warning, styled as one) under it."""
    for name in [n for n, _label in SITE_FIELDS] + list(names):
        widget = node.query_one(f"#site-{name}-error", Static)
        text = errors.get(name) or warnings.get(name) or ""
        widget.update(text)
        widget.set_class(name not in errors and bool(text), "warning")
