"""Answer text as stored: sanitised HTML.

Parliament's answers arrive as HTML (tables, lists, links); page-text imports
and staff forms give plain paragraphs. Both are stored as HTML that has been
through nh3, so a template may mark it safe.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "h2", "h3", "h4", "blockquote", "sup",
    "sub", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

_BLANK_LINES = re.compile(r"\n\s*\n")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|tr|h[2-4]|blockquote|table)>|<br\s*/?>", re.IGNORECASE)
# Runs to squeeze: a tab or no-break space, or two or more of any. A single
# space is left alone rather than replaced by itself, which costs as much.
_SPACES = re.compile(r"[\t\u00a0][ \t\u00a0]*| [ \t\u00a0]+")


# Built once: nh3.clean() converts the allowed tags and attributes on every
# call, which cost five times the cleaning itself for a typical answer.
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def sanitise_html(value):
    if not value:
        return ""
    return _CLEANER.clean(value).strip()


def paragraphs_to_html(text):
    """Plain text (paragraphs separated by a blank line) as escaped ``<p>`` HTML."""
    if not text:
        return ""
    parts = [p.strip() for p in _BLANK_LINES.split(text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + html.escape(part, quote=False).replace("\n", "<br>") + "</p>" for part in parts
    )


def html_to_text(value):
    """The readable text of stored HTML: paragraphs separated by a blank line."""
    if not value:
        return ""
    marked = _BLOCK_END.sub("\n\n", value)
    # Runs of spaces are squeezed once for the whole text, not per paragraph:
    # CSV exports call this for every answer.
    plain = _SPACES.sub(" ", html.unescape(_TAG.sub("", marked)))
    parts = [p.strip() for p in _BLANK_LINES.split(plain)]
    return "\n\n".join(p for p in parts if p)


def plain_to_html(plain, *, stored_html=""):
    """Plain text from a form as stored HTML, keeping ``stored_html`` when the words are the same.

    Answers imported from Parliament are HTML (tables, lists, links): when a
    form sends their plain text back unchanged, the HTML is kept, so
    correcting the minister does not flatten a table.
    """
    plain = (plain or "").replace("\r\n", "\n").strip()
    converted = paragraphs_to_html(plain)
    if stored_html and html_to_text(stored_html) == html_to_text(converted):
        return stored_html
    return converted
