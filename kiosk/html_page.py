"""A tiny HTML builder for the printable pages kiosk writes (the emergency call card, the
assurance report).

Why a builder and not templates or f-strings: the pages carry text from the store (site
names, ODS codes), and text from the store is data, never markup. Here a page is a tree of
:class:`Element` values whose children are elements or plain ``str``; every ``str`` is
neutralised (control characters made visible, :func:`kiosk.validators.neutralise`) and
then escaped (:func:`html.escape`) when rendered, so no caller can forget to. Tag and class
names come from code, never from data, and are checked against a fixed set.

The page is self-contained and inert: a strict Content-Security-Policy (nothing may be
fetched, nothing may run; only the inline style applies), no scripts, no external fonts,
images or links. Its inline CSS reads well on screen and prints cleanly on A4.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.validators import neutralise

CSP = "default-src 'none'; style-src 'unsafe-inline'"

# The only tags a page may use: structure and text, nothing that fetches or runs.
ALLOWED_TAGS = frozenset(
    {
        "section",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "strong",
        "em",
        "blockquote",
        "span",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
# Block tags end with a newline, so a golden file's diff shows which line changed.
_BLOCK_TAGS = frozenset(ALLOWED_TAGS - {"strong", "em", "span", "th", "td"})
_CLASS = re.compile(r"^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$")

STYLE = """
@page { size: A4; margin: 15mm; }
html { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #000;
  background: #fff; font-size: 11pt; line-height: 1.3; }
body { margin: 0 auto; max-width: 48em; padding: 1em; }
h1 { font-size: 18pt; margin: 0 0 0.2em; }
h2 { font-size: 13pt; margin: 0.7em 0 0.2em; border-bottom: 1pt solid #000; }
p { margin: 0.25em 0; }
ul, ol { margin: 0.2em 0; padding-left: 1.5em; }
li { margin: 0.1em 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 1em; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.big { font-size: 15pt; font-weight: bold; }
.say { padding-left: 0.5em; border-left: 3pt solid #000; }
.note { font-size: 9.5pt; }
.card { break-after: page; page-break-after: always; break-inside: avoid; }
.card:last-child { break-after: auto; page-break-after: auto; }
@media screen { .card { border-bottom: 2px dashed #888; padding-bottom: 1em; margin-bottom: 2em; } }
@media print { body { max-width: none; padding: 0; } }
""".strip()


@dataclass(frozen=True, slots=True)
class Element:
    """One element: a tag from :data:`ALLOWED_TAGS`, an optional class, its children."""

    tag: str
    children: tuple[Element | str, ...]
    cls: str = ""

    def __post_init__(self) -> None:
        if self.tag not in ALLOWED_TAGS:
            raise ValueError(f"tag {self.tag!r} is not allowed in a kiosk page")
        if self.cls and not _CLASS.match(self.cls):
            raise ValueError(f"class {self.cls!r} is not a plain class name")


Node = Element | str


def el(tag: str, *children: Node, cls: str = "") -> Element:
    """``el("p", "text", el("strong", "more"))``: the one way to make an element."""
    return Element(tag, tuple(children), cls)


def text(value: str) -> str:
    """``value`` as HTML text: control characters neutralised, then escaped."""
    return html.escape(neutralise(value), quote=True)


def render(node: Node) -> str:
    """The HTML of ``node``; every string child goes through :func:`text`."""
    if isinstance(node, str):
        return text(node)
    inner = "".join(render(child) for child in node.children)
    attr = f' class="{node.cls}"' if node.cls else ""
    end = "\n" if node.tag in _BLOCK_TAGS else ""
    return f"<{node.tag}{attr}>{inner}</{node.tag}>{end}"


def page(title: str, body: Sequence[Element], *, lang: str = "en-GB", extra_style: str = "") -> str:
    """A whole self-contained HTML document: strict CSP, inline style, no scripts.

    ``extra_style`` is more CSS from code (the report's tables), never from data."""
    style = f"{STYLE}\n{extra_style.strip()}" if extra_style else STYLE
    content = "".join(render(node) for node in body)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{text(lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{text(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title)}</title>\n"
        f"<style>\n{style}\n</style>\n"
        "</head>\n"
        f"<body>\n{content}</body>\n"
        "</html>\n"
    )
