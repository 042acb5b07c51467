"""The visible text of HTML, as a browser's tokenizer reads it (WHATWG HTML, section 13.2.5).

Checked: text nodes and the attributes people read or hear (alt, title, aria-label,
placeholder), each attribute as a block of its own after the text. Not checked: tags, other
attributes (href, src, class, id...), comments, doctypes, and the contents of script, style,
template, iframe, noembed and noframes. Character references are decoded; inline tags join the
text around them (`f<b>u</b>ck`); block tags, <br> and table cells separate it. Nothing here
raises: a stray `<` is text, a tag cut off by the end of the input is dropped, an unclosed
comment or script runs to the end, as in a browser. White space is read as written, as in plain
text. (Unlike a browser, tags inside <title> and <textarea> are read as tags, not as text.)

Speed: the source is split by one regular expression into text and tags (and the texts that
hold `&` around their character references), each token is read once per distinct spelling
(`<p>`, `</a>`, `&amp;` repeat), and the map back to the source is only worked out when
something is found.
"""

from __future__ import annotations

import html
import itertools
import operator
import re
from collections.abc import Callable, Iterator
from functools import partial
from html.entities import html5
from typing import Final

from moderation.markup.visible import SEPARATOR, Pieces, Visible

# Elements that start a new line or box, so their text never runs into the text around them.
BLOCKS: Final = frozenset((
    "address", "article", "aside", "audio", "blockquote", "body", "br", "canvas", "caption",
    "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed",
    "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hgroup", "hr", "html", "input", "legend", "li", "listing", "main",
    "menu", "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "picture",
    "pre", "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th",
    "thead", "title", "tr", "ul", "video",
))
HIDDEN: Final = ("script", "style", "template", "iframe", "noembed", "noframes")  # contents not shown
CODE: Final = ("pre", "code", "kbd", "samp")  # skipped, contents and all, when a policy skips code
SPOKEN: Final = frozenset(("alt", "title", "aria-label", "placeholder"))
# A mask character `&` or `"` written back as a reference
ESCAPE: Final[Callable[[str], str]] = partial(html.escape, quote=True)

# The rest of a tag after its name: quotes count only after `=`, as in the tokenizer. Possessive
# (`++`, `*+`): its branches cannot give back what they took, and a run with no `>` after it
# fails at once instead of trying every way to cut the run (exponential in its length).
_TAG_REST: Final = r"""(?:[^>="']++|=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|(?!["']))|["'])*+>"""


def _any_case(name: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in name)


def _elements(names: tuple[str, ...]) -> str:
    """Elements with their contents, each up to its end tag or the end of the input (less the
    leading `<`)."""
    after_name = r"(?=[\t\n\f\r />])"
    return "|".join(rf"{_any_case(n)}{after_name}{_TAG_REST}.*?(?:</{_any_case(n)}{after_name}[^>]*>?|\Z)"
                    for n in names)


def _token_pattern(elements: tuple[str, ...]) -> re.Pattern[str]:
    """The markup tokens, factored on their first character (what makes Python's `re` fast)."""
    markup = "|".join([
        r"!--(?:-?>|.*?(?:--!?>|\Z))",  # a comment
        _elements(elements),  # script, style... (and code, when a policy skips it)
        r"/?[a-zA-Z][a-zA-Z0-9]*>",  # a tag without attributes: the most common, and quick to match
        rf"/?[a-zA-Z][^\t\n\f\r />]*{_TAG_REST}",  # a start or end tag
        r"/?[a-zA-Z].*\Z",  # a tag cut off by the end of the input: dropped
        r"[!?][^>]*>?|/(?:[^a-zA-Z>][^>]*)?>?",  # a doctype, CDATA, `</3>`...: a bogus comment
    ])
    return re.compile(rf"(<(?:{markup}))", re.S)


_REFERENCE: Final = r"&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)"
TOKEN: Final = _token_pattern(HIDDEN)
_CODE_TOKEN: Final = _token_pattern(HIDDEN + CODE)
_TEXT_TOKEN: Final = re.compile(_REFERENCE)
_REFERENCE_TOKEN: Final = re.compile(f"({_REFERENCE})")
_NAME: Final = re.compile(r"</?([a-zA-Z][^\t\n\f\r />]*)")
_ATTRIBUTE: Final = re.compile(r"""([^\t\n\f\r />"'=][^\t\n\f\r />=]*)(?:[\t\n\f\r ]*=[\t\n\f\r ]*"""
                               r"""(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]+)))?""")
_LEGACY_LONGEST: Final = max(len(name) for name in html5 if not name.endswith(";"))
CACHE_SIZE = 50_000  # distinct tags and references remembered
CACHED_LENGTH: Final = 512  # the longest one remembered: a longer tag (a data: URL) is one of a kind
_shown_cache: dict[str, str] = {}
_spoken_cache: dict[str, list[tuple[int, int]]] = {}  # tag: spans of its spoken attribute values
_speaking: set[str] = set()  # the tags in _spoken_cache


def extract(source: str, skip_code: bool = False) -> Visible:
    """What a reader of the HTML `source` sees, mapped back to it."""
    if "<" not in source and "&" not in source:
        return Visible(source, source, (ESCAPE,), Pieces([0], [len(source)], [0], [len(source)], [True], [0]))
    parts = (_CODE_TOKEN if skip_code else TOKEN).split(source)  # text, tag, text, tag ... text
    seen, unknown = _shown_parts(parts)
    body = "".join(seen)
    references = "&" in body
    if references:  # decoded in each text apart (NUL keeps them apart), or one by one
        if "\x00" in source:
            body = "".join(_shown_parts(_with_references(parts))[0])
        else:
            body = _REFERENCE_TOKEN.sub(_decoded, "\x00".join(seen)).replace("\x00", "")
    segments: list[tuple[int, list[str], list[str] | None]] = [(0, parts, None if references else seen)]
    speaking = _speaking.intersection(parts[1::2])  # in C, for the tags kept by _cached
    if unknown:  # and those it could not keep
        speaking.update(t for t in unknown if _may_speak(t))
    if speaking:  # the spoken attributes, each a block after the body
        attributes = list(_spoken(source, parts, speaking))
        segments.extend(attributes)
        body = SEPARATOR.join([body, *("".join(value) for _, _, value in attributes)])
    return Visible(source, body, (ESCAPE,), partial(_pieces, segments))


def _shown_parts(parts: list[str]) -> tuple[list[str], list[str]]:
    """What a reader sees of each part (the texts as they are, each token as `shown` says), and
    the tokens that are not in the cache even now."""
    found = parts[:]
    try:
        found[1::2] = map(_shown_cache.__getitem__, parts[1::2])  # in C: most tokens are known
    except KeyError:
        found[1::2] = [_cached(t) for t in parts[1::2]]
        return found, [t for t in parts[1::2] if t not in _shown_cache]
    return found, []


def _with_references(parts: list[str]) -> list[str]:
    """`parts` with each text that holds character references split around them, so that they
    are tokens too. (Apart from the tags because a pattern that starts with one literal `<`
    is what Python's `re` scans fastest.)"""
    out: list[str] = []
    done = 0
    for i in [i for i in range(0, len(parts), 2) if "&" in parts[i]]:
        out.extend(parts[done:i])
        out.extend(_REFERENCE_TOKEN.split(parts[i]))
        done = i + 1
    out.extend(parts[done:])
    return out


def shown(token: str) -> str:
    """What a reader sees for one markup token: nothing, a block boundary or a decoded reference."""
    if token[0] == "<":
        name = _NAME.match(token)
        return SEPARATOR if name and name[1].lower() in BLOCKS and token.endswith(">") else ""
    decoded, length = _reference(token, attribute=False)
    return decoded + token[length:] if length else token


def _decoded(m: re.Match[str]) -> str:
    token = m[0]
    found = _shown_cache.get(token)
    return found if found is not None else _cached(token)


def is_cut_off(token: str) -> bool:
    """Whether `token` is a tag cut off by the end of the input (not a comment or element)."""
    if token.endswith(">") or token.startswith("<!--"):
        return False
    name = _NAME.match(token)
    return name is not None and name[1].lower() not in HIDDEN and name[1].lower() not in CODE


def _cached(token: str) -> str:
    """shown(token), kept with the spans of its spoken attributes while there is room (tags that
    never repeat, such as links, would fill it without end) and the token is not too long."""
    found = _shown_cache.get(token)
    if found is not None:
        return found
    found = shown(token)
    if len(_shown_cache) < CACHE_SIZE and len(token) <= CACHED_LENGTH:
        spans = list(_spoken_in(token))
        if spans:
            _spoken_cache[token] = spans
            _speaking.add(token)
        _shown_cache[token] = found
    return found


def spoken_spans(token: str, at: int) -> list[tuple[int, int]]:
    """The source spans of the spoken attribute values of the tag `token`, which starts at `at`."""
    return [(at + first, at + last) for first, last in _spoken_in(token)]


def _spoken_in(token: str) -> Iterator[tuple[int, int]]:
    """The spans of the spoken attribute values in the tag `token`."""
    if token[0] == "<" and token[1:2].isalpha() and token.endswith(">") and _may_speak(token):
        for attr in _ATTRIBUTE.finditer(token, _NAME.match(token).end()):  # type: ignore[union-attr]
            if attr[1].lower() in SPOKEN and attr.lastindex and attr.lastindex > 1:
                yield attr.span(attr.lastindex)


def text_parts(source: str, first: int, last: int, attribute: bool) -> Iterator[tuple[int, int, str | None]]:
    """source[first:last] read as text, in parts (first, last, shown): `shown` is None where the
    source is shown as is, else what a character reference shows."""
    pos = first
    for m in _TEXT_TOKEN.finditer(source, first, last):
        decoded, length = _reference(m[0], attribute, source[m.end() : m.end() + 1])
        if length:  # else the `&` is text
            if pos < m.start():
                yield pos, m.start(), None
            yield m.start(), m.start() + length, decoded
            pos = m.start() + length
    if pos < last:
        yield pos, last, None


def _spoken(source: str, parts: list[str], speaking: set[str]) -> Iterator[tuple[int, list[str], list[str]]]:
    """Each spoken attribute value in the tags among `parts` (`speaking`: those of them that
    have some), as a segment (start, parts, shown)."""
    tags = parts[1::2]
    at = done = 0  # where parts[done] starts: summed on from the last tag, once (a page may hold 10,000 <img alt>)
    for k in sorted(_indexes(tags, speaking)):
        i = 2 * k + 1
        at += sum(map(len, parts[done:i]))
        done = i
        spans = _spoken_cache.get(parts[i])
        for first, last in list(_spoken_in(parts[i])) if spans is None else spans:
            first, last = at + first, at + last
            if "&" not in source[first:last]:
                yield first, [source[first:last]], [source[first:last]]
                continue
            pieces = list(text_parts(source, first, last, attribute=True))
            seg_parts = [source[a:b] for a, b, _ in pieces]
            yield first, seg_parts, [p if s is None else s for p, (_, _, s) in zip(seg_parts, pieces, strict=True)]


def _indexes(items: list[str], wanted: set[str]) -> Iterator[int]:
    """Where each of `wanted` occurs in `items` (list.index looks in C)."""
    for item in wanted:
        at = items.index(item)
        while True:
            yield at
            try:
                at = items.index(item, at + 1)
            except ValueError:
                break


def _may_speak(tag: str) -> bool:
    """A quick look for a spoken attribute's name (a regular expression costs more)."""
    tag = tag.lower()
    return "alt" in tag or "title" in tag or "aria-label" in tag or "placeholder" in tag


def _pieces(segments: list[tuple[int, list[str], list[str] | None]]) -> Pieces:
    """The piece map of the visible text (see markup.visible), from the segments that make it:
    (where it starts in the source, its parts, what each shows: None for a body whose character
    references are worked out here)."""
    map_ = Pieces([], [], [], [], [], [])
    at = 0
    for origin, parts, seg_shown in segments:
        if seg_shown is None:
            parts = _with_references(parts)
            seg_shown = _shown_parts(parts)[0]
        shown_at = list(itertools.accumulate(map(len, seg_shown), initial=at))
        source_at = list(itertools.accumulate(map(len, parts), initial=origin))
        map_.starts.extend(shown_at[:-1])
        map_.stops.extend(shown_at[1:])
        map_.sources.extend(source_at[:-1])
        map_.ends.extend(source_at[1:])
        map_.literal.extend(map(operator.eq, parts, seg_shown))
        at = shown_at[-1] + len(SEPARATOR)
    map_.contexts.extend([0] * len(map_.starts))
    return map_


def _reference(token: str, attribute: bool, follower: str = "") -> tuple[str, int]:
    """The text a character reference shows and how much of `token` it takes (0: none, the
    `&` is text). `follower` is the character after the token, for the attribute rule."""
    name = token[1:].rstrip(";")
    if name.startswith("#"):
        return html.unescape(token), len(token)  # it knows what browsers substitute
    if token.endswith(";") and name + ";" in html5:
        return html5[name + ";"], len(token)
    for length in range(min(len(name), _LEGACY_LONGEST), 1, -1):  # `&copy` without its `;`
        if name[:length] in html5:
            after = token[1 + length : 2 + length] or follower
            if attribute and (after.isalnum() or after == "="):
                break  # in an attribute, `&copy=1` is left as written (a URL query, say)
            return html5[name[:length]], 1 + length
    return token, 0
