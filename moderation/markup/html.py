"""The visible text of HTML, as a browser's tokenizer reads it (WHATWG HTML, section 13.2.5).

Checked: text nodes, the text of <title> and <textarea>, and the attributes people read or hear
(alt, title, aria-label, placeholder), each attribute as a block of its own after the text.
Not checked: tags, other attributes (href, src, class, id...), comments, doctypes, and the
contents of script, style, template, iframe, noembed and noframes. Character references are
decoded; inline tags join the text around them (`f<b>u</b>ck`); block tags, <br> and table
cells separate it. Nothing here raises: a stray `<` is text, a tag cut off by the end of the
input is dropped, an unclosed comment runs to the end, as in a browser.
"""

from __future__ import annotations

import html
import re
from functools import partial
from html.entities import html5

from moderation.markup.visible import Builder, Visible

# Elements that start a new line or box, so their text never runs into the text around them.
BLOCKS = frozenset((
    "address", "article", "aside", "audio", "blockquote", "body", "br", "canvas", "caption",
    "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed",
    "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hgroup", "hr", "html", "input", "legend", "li", "listing", "main",
    "menu", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "picture",
    "pre", "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th",
    "thead", "title", "tr", "ul", "video",
))
HIDDEN = frozenset(["script", "style", "template", "iframe", "noembed", "noframes"])  # contents not shown
TEXT_ONLY = frozenset(("title", "textarea"))  # contents are text, with character references
CODE = frozenset(["pre", "code", "kbd", "samp"])  # skipped when a policy does not check code
SPOKEN = frozenset(("alt", "title", "aria-label", "placeholder"))

_NEXT = re.compile(r"[<&]|[ \t\n\r\f]{2,}|[\t\n\r\f]")
_TEXT_NEXT = re.compile(r"&|[ \t\n\r\f]{2,}|[\t\n\r\f]")
START_TAG = re.compile(r"""<([a-zA-Z][^\t\n\f\r />]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
END_TAG = re.compile(r"""</([a-zA-Z][^\t\n\f\r />]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTRIBUTE = re.compile(r"""([^\t\n\f\r />"'=][^\t\n\f\r />=]*)(?:[\t\n\f\r ]*=[\t\n\f\r ]*"""
                        r"""(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]+)))?""")
_MAY_SPEAK = re.compile(r"(?i)(?:alt|title|aria-label|placeholder)[\t\n\f\r ]*=")
COMMENT = re.compile(r"<!--(?:-?>|.*?(?:--!?>|\Z))", re.S)
_CHARREF = re.compile(r"&(?:#[xX]([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z][A-Za-z0-9]*))(;?)")
_LEGACY_LONGEST = max(len(name) for name in html5 if not name.endswith(";"))
_closers: dict[str, re.Pattern[str]] = {}
ESCAPE = partial(html.escape, quote=True)  # a mask character `&` or `"` written back as a reference


def extract(source: str, skip_code: bool = False) -> Visible:
    """What a reader of the HTML `source` sees, mapped back to it."""
    b = Builder(source, (ESCAPE,))
    spoken: list[tuple[int, int]] = []
    pos, n = 0, len(source)
    while (m := _NEXT.search(source, pos)) is not None:
        at = m.start()
        b.literal_span(pos, at)
        c = source[at]
        if c == "<":
            pos = read_markup(b, at, skip_code, spoken)
        elif c == "&":
            pos = _charref(b, at, n, False)
        else:
            b.space(at, m.end())
            pos = m.end()
    b.literal_span(pos, n)
    for first, last in spoken:  # after the text, so an attribute never splits a word in two
        b.boundary()
        text(b, first, last, attribute=True)
    return b.build()


def text(b: Builder, first: int, last: int, attribute: bool = False) -> None:
    """source[first:last] as text: references decoded, white space shown as one space."""
    source = b.source
    pos = first
    for m in _TEXT_NEXT.finditer(source, first, last):
        at = m.start()
        if at < pos:  # inside a reference already read
            continue
        b.literal_span(pos, at)
        if source[at] == "&":
            pos = _charref(b, at, last, attribute)
        else:
            b.space(at, m.end())
            pos = m.end()
    b.literal_span(pos, last)


def read_markup(b: Builder, at: int, skip_code: bool, spoken: list[tuple[int, int]]) -> int:
    """Reads what starts with the `<` at `at` into b, the spans of its spoken attributes into
    `spoken`; returns where reading goes on."""
    source = b.source
    follower = source[at + 1 : at + 2]
    if follower.isascii() and follower.isalpha():
        return _start_tag(b, at, skip_code, spoken)
    if follower == "/":
        return _end_tag(b, at)
    if source.startswith("<!--", at):
        m = COMMENT.match(source, at)
        return m.end() if m else len(source)
    if follower in ("!", "?"):  # a doctype, CDATA or processing instruction: a bogus comment
        return _past(source, ">", at)
    b.literal_span(at, at + 1)  # `a < b`, `<3`: a browser shows the `<`
    return at + 1


def _start_tag(b: Builder, at: int, skip_code: bool, spoken: list[tuple[int, int]]) -> int:
    source = b.source
    m = START_TAG.match(source, at)
    if m is None:  # cut off by the end of the input: a browser drops it
        return len(source)
    name = m[1].lower()
    if name in BLOCKS:
        b.boundary()
    first, last = m.span(2)
    if first < last and _MAY_SPEAK.search(source, first, last):
        for attr in _ATTRIBUTE.finditer(source, first, last):
            if attr[1].lower() in SPOKEN and attr.lastindex and attr.lastindex > 1:
                spoken.append(attr.span(attr.lastindex))
    if name in HIDDEN or (skip_code and name in CODE):
        return _closing_tag(source, name, m.end())
    if name in TEXT_ONLY:
        close = _closing_tag(source, name, m.end())
        text(b, m.end(), close)
        return close
    return m.end()


def _end_tag(b: Builder, at: int) -> int:
    source = b.source
    m = END_TAG.match(source, at)
    if m is not None:
        if m[1].lower() in BLOCKS:
            b.boundary()
        return m.end()
    follower = source[at + 2 : at + 3]
    if follower == ">":  # `</>` is ignored
        return at + 3
    if follower.isascii() and follower.isalpha():  # an end tag cut off by the end of the input
        return len(source)
    return _past(source, ">", at)  # `</3`: a bogus comment


def _closing_tag(source: str, name: str, start: int) -> int:
    """Where `</name` closes the element whose contents start at `start` (or the end)."""
    closer = _closers.get(name)
    if closer is None:
        closer = _closers[name] = re.compile(rf"</{re.escape(name)}[\t\n\f\r />]", re.I)
    m = closer.search(source, start)
    return m.start() if m else len(source)


def _past(source: str, char: str, at: int) -> int:
    found = source.find(char, at)
    return len(source) if found < 0 else found + 1


def _charref(b: Builder, at: int, limit: int, attribute: bool) -> int:
    """Reads the character reference at `at` into b (or a plain `&`); returns where it ends."""
    source = b.source
    m = _CHARREF.match(source, at, limit)
    if m is None:
        b.literal_span(at, at + 1)
        return at + 1
    name = m[3]
    if name is None:  # numeric: html.unescape knows the table of what browsers substitute
        b.replaced(at, m.end(), html.unescape(m[0]))
        return m.end()
    if m[4] and name + ";" in html5:
        b.replaced(at, m.end(), html5[name + ";"])
        return m.end()
    for length in range(min(len(name), _LEGACY_LONGEST), 1, -1):  # `&copy` without its `;`
        if name[:length] in html5:
            end = at + 1 + length
            follower = source[end : end + 1]
            if attribute and (follower.isalnum() or follower == "="):
                break  # in an attribute, `&copy=1` is left as written (a URL query, say)
            b.replaced(at, end, html5[name[:length]])
            return end
    b.literal_span(at, at + 1)
    return at + 1
