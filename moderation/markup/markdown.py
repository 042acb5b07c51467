"""The visible text of Markdown (CommonMark with GitHub's tables and bare links).

Checked: paragraphs, headings, list items, block quotes, table cells, emphasis, link and image
text, link titles (as blocks of their own, like HTML's title attribute), inline HTML as HTML is
(see markup.html), and code spans and blocks unless the policy skips code. Not checked: link
destinations, autolinks and bare URLs, reference labels, HTML comments, front matter, and the
markers themselves (`#`, `>`, `-`, `1.`, `|`, fences). Headings, list items, table cells and
paragraphs are separate blocks; the lines of one paragraph read as one text.

Emphasis follows CommonMark's delimiter runs with one change that matters for moderation: a
run of `*` inside a word (`f**k`) can close emphasis (`**fu**ck` reads `fuck`) but never opens
it, because writers use it to mask a word, not to embolden half of one.
"""

from __future__ import annotations

import re
from functools import partial
from html import unescape
from html.entities import html5
from typing import Final

from moderation.markup import html
from moderation.markup.visible import SEPARATOR, Builder, Visible

_FRONT_MATTER: Final = re.compile(r"(---|\+\+\+)[ \t]*\r?\n(?:.*?\n)??(?:\1|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# A line that goes on a paragraph and can open nothing else: after the indent, none of a heading,
# quote, setext line, HTML, table, list item, fence or thematic break starts there.
_NO_BLOCK: Final = r"[ \t]*(?![#>=<|]|[-+*](?:[ \t]|$)|-+[ \t]*$|[0-9]{1,9}[.)]|`{3}|~{3}|([-*_])[ \t]*\1[ \t]*\1)\S"
_PROSE_LINE: Final = re.compile(_NO_BLOCK, re.M)
_PROSE_LINES: Final = re.compile(rf"(?:{_NO_BLOCK}[^\n|]*(?:\n|\Z))*", re.M)  # such lines, none with a `|`
_BLANK: Final = re.compile(r"[ \t]*\Z")
_QUOTE: Final = re.compile(r" {0,3}>[ \t]?")
_LIST_ITEM: Final = re.compile(r" {0,3}(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]+|\Z)")
_BREAK: Final = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\Z")
_SETEXT: Final = re.compile(r" {0,3}(?:=+|-+)[ \t]*\Z")
_HEADING: Final = re.compile(r" {0,3}#{1,6}(?:[ \t]+|\Z)")
_CLOSING_HASHES: Final = re.compile(r"(?:[ \t]+#+)?[ \t]*\Z")
_FENCE: Final = re.compile(r" {0,3}(`{3,}(?=[^`]*\Z)|~{3,})")
_DEFINITION: Final = re.compile(r""" {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*(?:<[^>]*>|\S+)"""
                                r"""(?:[ \t]+(?:"([^"]*)"|'([^']*)'|\(([^)]*)\)))?[ \t]*\Z""")
_TABLE_DELIMITER: Final = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\Z")
_CELL_PIPE: Final = re.compile(r"(?<!\\)\|")
_INLINE: Final = re.compile(r"""\\[!-/:-@\[-`{-~]|`+|<|&|\*+|_+|~+|!?\[""")
_CANDIDATE: Final = re.compile(r"[\\`<&*_~!\[]")  # the first characters of _INLINE
_URL: Final = re.compile(r"(?<![\w/.@-])(?:https?://|www\.)[^\s<]*")
_AUTOLINK: Final = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9.-]+)>")
_ENTITY: Final = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINK_TAIL: Final = re.compile(r"""\([ \t]*(?:<[^<>\n]*>|[^\s()<]*(?:\([^\s()]*\)[^\s()]*)*)"""
                               r"""(?:[ \t]+(?:"([^"]*)"|'([^']*)'|\(([^()]*)\)))?[ \t]*\)""")
_NAME_START: Final = re.compile(r"</?[a-zA-Z]")
_CLOSER: Final = re.compile(">")
_BRACKET: Final = re.compile(r"\\.|[\[\]]", re.S)  # an escaped character, or a bracket
_REFERENCE: Final = re.compile(r"\[(?:[^\]\\]|\\.)*\]")
_URL_TAIL: Final = "?!.,:*_~'\""  # stripped from the end of a bare URL
_PUNCTUATION: Final = re.compile(r"([!-/:-@\[-`{-~])")

# Contexts of pieces (markup.visible): how a mask character is written back.
PROSE: Final = 0
CODE: Final = 1
HTML: Final = 2
ESCAPES: Final = (partial(_PUNCTUATION.sub, r"\\\1"), str, html.ESCAPE)  # `*` as `\*`; as is; `&` as `&amp;`


def extract(source: str, skip_code: bool = False) -> Visible:
    """What a reader of the rendered Markdown `source` sees, mapped back to it."""
    reader = _Reader(source, skip_code)
    reader.blocks()
    return reader.finish()


class _Reader:
    """Reads line by line for blocks; a block's inline content is gathered as operations and
    written out once its emphasis is paired (see _Inline.flush)."""

    def __init__(self, source: str, skip_code: bool) -> None:
        self.source = source
        self.skip_code = skip_code
        self.b = Builder(source, ESCAPES)
        self.inline = _Inline(self.b, skip_code)
        self.fence = ""  # the open code fence, if any
        self.in_comment = self.in_paragraph = self.in_list = self.in_table = False

    def finish(self) -> Visible:
        self.inline.flush()
        b = self.b
        for first, last, context in self.inline.spoken:
            b.boundary()
            b.context = context
            for a, z, shown in html.text_parts(self.source, first, last, attribute=True):
                if shown is None:
                    b.literal_span(a, z)
                else:
                    b.replaced(a, z, shown)
        return b.build()

    def blocks(self) -> None:
        source = self.source
        m = _FRONT_MATTER.match(source)
        pos = m.end() if m else 0
        while pos < len(source):
            newline = source.find("\n", pos)
            end = len(source) if newline < 0 else newline
            stop = end - 1 if end > pos and source[end - 1] == "\r" else end
            pos = self._line(pos, stop, end + 1)

    def _line(self, pos: int, stop: int, nxt: int) -> int:
        """Reads the line source[pos:stop]; returns where the next line to read starts."""
        line = self.source[pos:stop]
        if self.fence:
            if re.match(rf" {{0,3}}{self.fence[0]}{{{len(self.fence)},}}[ \t]*\Z", line):
                self.fence = ""
                self.inline.flush()
            elif not self.skip_code:
                self.inline.code(pos, stop)
        elif self.in_comment:
            close = self.source.find("-->", pos, stop)
            if close >= 0:
                self.in_comment = False
                return self._text_line(pos, close + 3, stop, nxt)
        elif self._is_prose(line):  # most lines
            more = _PROSE_LINES.match(self.source, min(nxt, len(self.source)))
            if more is not None and more.end() > nxt:  # lines of plain prose after it: read in one go
                stop, nxt = _before_line_end(self.source, more.end()), more.end()
            self.in_list = self.in_list and (self.in_paragraph or line[:1] in " \t")
            return self._text_line(pos, pos, stop, nxt)
        elif _BLANK.match(line):
            self.inline.flush()
            self.in_paragraph = self.in_table = False
        elif not self.in_paragraph and not self.in_list and _indent(line) >= 4:
            if not self.skip_code:  # an indented code block
                self.inline.code(pos, stop)
        else:
            return self._marked_line(pos, stop, nxt)
        return nxt

    def _is_prose(self, line: str) -> bool:
        """A line of paragraph text that can open no other block (nor, to start a paragraph,
        a reference definition or an indented code block)."""
        if self.in_table or "|" in line or _PROSE_LINE.match(line) is None:
            return False
        if self.in_paragraph:
            return True
        indent = len(line) - len(line.lstrip(" \t"))
        return line[indent] != "[" and (self.in_list or _indent(line) < 4)

    def _marked_line(self, pos: int, stop: int, nxt: int) -> int:
        """A line that may open a block: quote markers, a list item, a heading, a fence..."""
        source, inline = self.source, self.inline
        at = pos
        while (q := _QUOTE.match(source, at, stop)) is not None:
            at = q.end()
        if _BREAK.match(source, at, stop) or (self.in_paragraph and _SETEXT.match(source, at, stop)):
            inline.flush()
            self.in_paragraph = False
        elif (item := _LIST_ITEM.match(source, at, stop)) is not None:
            inline.flush()
            self.in_list = self.in_paragraph = True
            return self._paragraph_line(item.end(), stop, nxt)
        elif (h := _HEADING.match(source, at, stop)) is not None:
            inline.flush()
            closing = _CLOSING_HASHES.search(source, h.end(), stop)
            nxt = self._paragraph_line(h.end(), closing.start() if closing else stop, nxt)
            inline.flush()
            self.in_paragraph = False
        elif (f := _FENCE.match(source, at, stop)) is not None:
            inline.flush()
            self.fence, self.in_paragraph = f[1], False
        elif source.startswith("<!--", at) and source.find("-->", at, stop) < 0:
            self.in_comment = True
        elif not self.in_paragraph and (d := _DEFINITION.match(source, at, stop)) is not None:
            if d.lastindex:
                inline.spoken.append((*d.span(d.lastindex), PROSE))
        elif self.in_table or (not self.in_paragraph and self._table_starts(at, stop, nxt)):
            self.in_table = True
            self._table_row(at, stop)
        else:
            self.in_list = self.in_list and (self.in_paragraph or _indent(source[pos:stop]) > 0)
            return self._text_line(pos, at, stop, nxt)
        return nxt

    def _text_line(self, pos: int, at: int, stop: int, nxt: int) -> int:
        """A paragraph's line (or lines), its text from `at`: a new paragraph, or the next line
        of the open one."""
        if not self.in_paragraph:
            self.inline.flush()
            self.in_paragraph = True
        else:
            self.inline.line_break(pos - 1)
        return self._paragraph_line(at, stop, nxt)

    def _paragraph_line(self, first: int, last: int, nxt: int) -> int:
        """Reads a line's inline content; where the next line starts (later when an HTML
        comment or a <script> opened on this line runs on)."""
        reached = self.inline.read(first, last)
        if reached <= last:
            return nxt
        following = self.source.find("\n", reached)
        self.inline.read(reached, len(self.source) if following < 0 else following)
        return len(self.source) if following < 0 else following + 1

    def _table_starts(self, at: int, stop: int, nxt: int) -> bool:
        if "|" not in self.source[at:stop]:
            return False
        newline = self.source.find("\n", nxt)
        following = self.source[nxt : len(self.source) if newline < 0 else newline].rstrip("\r")
        return "-" in following and _TABLE_DELIMITER.match(following) is not None

    def _table_row(self, at: int, stop: int) -> None:
        if _TABLE_DELIMITER.match(self.source, at, stop):
            return
        cell = at
        for pipe in _CELL_PIPE.finditer(self.source, at, stop):
            self.inline.flush()
            self.inline.read(cell, pipe.start())
            cell = pipe.end()
        self.inline.flush()
        self.inline.read(cell, stop)
        self.inline.flush()


def _before_line_end(source: str, end: int) -> int:
    """Where the text of the line that ends at `end` (after its line break, if any) stops."""
    if source[end - 1] == "\n":
        end -= 1
    return end - 1 if end and source[end - 1] == "\r" else end


def _indent(line: str) -> int:
    width = 0
    for c in line:
        if c == " ":
            width += 1
        elif c == "\t":
            width += 4 - width % 4
        else:
            break
    return width


class _Inline:
    """Inline content of one block, as operations on the builder, written by `flush`."""

    def __init__(self, b: Builder, skip_code: bool) -> None:
        self.b = b
        self.source = b.source
        self.skip_code = skip_code
        self.ops: list[tuple[int, int, str | None, int]] = []  # (first, last, shown, context); None: literal
        self.delimiters: list[tuple[int, str, int, bool, bool]] = []  # (op, char, length, opens, closes)
        self.spoken: list[tuple[int, int, int]] = []  # (first, last, context): titles, read after the text
        # Found once per range, so that a text of many `[` or backticks costs linear time:
        self._brackets: tuple[int, int, dict[int, int]] = (0, -1, {})  # (first, last, each `[` with its `]`)
        self._unclosed: dict[int, tuple[int, int]] = {}  # backtick run length: a range without its closer
        self._closer = (len(self.source) + 1, -1)  # (from where, the first `>` after it or -1): see _closer_after

    def line_break(self, at: int) -> None:
        """The line break at `at` inside a block: read as written, as in plain text."""
        self.ops.append((at, at + 1, None, PROSE))

    def code(self, first: int, last: int) -> None:
        """A line of a code block, read as written."""
        if self.ops:
            self._literal(first - 1, first, CODE)
        self._literal(first, last, CODE)

    def read(self, first: int, last: int) -> int:
        """Reads source[first:last]; returns where it stopped (past `last` when a comment or a
        hidden HTML element opened here runs on). A link's text is read where the link stands,
        within the same loop (a stack, not recursion: links may nest deeper than Python does)."""
        source = self.source
        text = source[first:last]
        end = last  # of the whole text: the next bare URL is looked for up to there
        url = _URL.search(source, first, last) if "://" in text or "www." in text else None
        around: list[tuple[int, int, int]] = []  # for each link being read: (first, last) around it, where to go on
        pos, at = first, first - 1  # `at`: where the next character that may start a construct sits (or `last`)
        while True:
            if pos >= last:
                if not around:
                    return pos
                first, last, pos = around.pop()  # a comment that ran on in a link's text ends with it
                continue
            if at < pos:  # found once, not again after a URL (a text of URLs would be quadratic)
                candidate = _CANDIDATE.search(source, pos, last)
                at = candidate.start() if candidate else last
            if url is not None and url.start() < pos:  # passed: the next one (each stretch searched once)
                url = _URL.search(source, pos, end)
            if url is not None and url.start() <= at and url.start() < last:  # a bare URL is not read
                pos = self._url(pos, url.start(), min(url.end(), last))
                continue
            m = _INLINE.match(source, at, last) if at < last else None
            if m is None:
                self._literal(pos, min(at + 1, last))
                pos = min(at + 1, last)
                continue
            self._literal(pos, at)
            went = self._construct(m, first, last)
            if isinstance(went, tuple):  # a link: its text now, then on after it
                around.append((first, last, went[2]))
                first, last, _ = went
                pos = first
            elif went > last and not around:
                return went
            else:
                pos = went

    def _url(self, pos: int, start: int, end: int) -> int:
        """A bare URL at source[start:end] after text from `pos`: the punctuation that ends the
        sentence around it is text, the URL is not read."""
        self._literal(pos, start)
        self._literal(start + len(self.source[start:end].rstrip(_URL_TAIL)), end)
        return end

    def _construct(self, m: re.Match[str], first: int, last: int) -> int | tuple[int, int, int]:
        source = self.source
        at, end = m.span()
        c = source[at]
        if c == "\\":
            self.ops.append((at, end, source[at + 1], PROSE))
        elif c == "`":
            return self._code_span(at, end, last)
        elif c == "<":
            return self._angle(at, last)
        elif c == "&":
            entity = _ENTITY.match(source, at, last)
            if entity is None or (entity[0][1] != "#" and entity[0][1:] not in html5):
                self._literal(at, at + 1)
                return at + 1
            self.ops.append((at, entity.end(), unescape(entity[0]), PROSE))
            return entity.end()
        elif c in "*_~":
            self._delimiter(at, end, first, last)
        elif c in "![":
            return self._link(at, end, last)
        return end

    def _code_span(self, at: int, end: int, last: int) -> int:
        ticks = end - at
        unclosed = self._unclosed.get(ticks)
        close = None
        if unclosed is None or not (unclosed[0] <= end and unclosed[1] == last):
            close = re.compile(rf"(?<!`)`{{{ticks}}}(?!`)").search(self.source, end, last)
        if close is None:
            self._unclosed[ticks] = (end, last)
            self._literal(at, end)
            return end
        if not self.skip_code:
            self._literal(end, close.start(), CODE)
        return close.end()

    def _angle(self, at: int, last: int) -> int:
        source = self.source
        auto = _AUTOLINK.match(source, at, last)
        if auto is not None:
            return auto.end()
        is_html = source.startswith("<!--", at) or (_NAME_START.match(source, at) and self._closer_after(at))
        token = html.TOKEN.match(source, at) if is_html else None
        if token is None or html.is_cut_off(token[0]):
            self._literal(at, at + 1)  # not HTML (or a tag never closed): Markdown shows the `<`
            return at + 1
        # Inline HTML: a comment, a tag, or a hidden element with its contents.
        shown = html.shown(token[0])
        if shown:
            self.ops.append((at, at, SEPARATOR, PROSE))
        self.spoken.extend((first, last, HTML) for first, last in html.spoken_spans(token[0], at))
        return token.end()

    def _closer_after(self, at: int) -> bool:
        """Whether a `>` follows `at` in the source; remembered, so that a text of many `<a`
        without one looks once, not once for each."""
        looked_from, found = self._closer
        if not (looked_from <= at and (found < 0 or found >= at)):
            closer = _CLOSER.search(self.source, at)
            self._closer = (at, closer.start() if closer else -1)
        return self._closer[1] >= 0

    def _delimiter(self, at: int, end: int, first: int, last: int) -> None:
        source = self.source
        char = source[at]
        before = source[at - 1] if at > first else " "
        after = source[end] if end < last else " "
        left = not after.isspace() and (after.isalnum() or before.isspace() or not before.isalnum())
        right = not before.isspace() and (before.isalnum() or after.isspace() or not after.isalnum())
        inside_word = before.isalnum() and after.isalnum()
        if char == "_":
            opens = left and not inside_word and (not right or not before.isalnum())
            closes = right and not inside_word and (not left or not after.isalnum())
        else:
            opens, closes = left and not inside_word, right
        self.delimiters.append((len(self.ops), char, end - at, opens, closes))
        self.ops.append((at, end, None, PROSE))

    def _link(self, at: int, end: int, last: int) -> int | tuple[int, int, int]:
        close = self._closing_bracket(end - 1, last)
        if close < 0:
            self._literal(at, end)
            return end
        tail = _LINK_TAIL.match(self.source, close + 1, last)
        if tail is None and self.source.startswith("[", close + 1):
            tail = _REFERENCE.match(self.source, close + 1, last)
        if tail is None:
            self._literal(at, end)
            return end
        if tail.lastindex:
            self.spoken.append((*tail.span(tail.lastindex), PROSE))
        return end, close, tail.end()  # its text is read next, see read

    def _closing_bracket(self, at: int, last: int) -> int:
        """Where the `]` that closes the `[` at `at` sits, before `last`; or -1."""
        first, stop, pairs = self._brackets
        if not first <= at < stop or last > stop:
            pairs, open_ = {}, []
            for m in _BRACKET.finditer(self.source, at, last):
                if m[0] == "[":
                    open_.append(m.start())
                elif m[0] == "]" and open_:
                    pairs[open_.pop()] = m.start()
            self._brackets = (at, last, pairs)
        close = pairs.get(at, -1)
        return close if close < last else -1

    def _literal(self, first: int, last: int, context: int = PROSE) -> None:
        if first < last:
            self.ops.append((first, last, None, context))

    def flush(self) -> None:
        """Pairs the block's emphasis, writes its text, and ends the block."""
        if not self.ops:  # the last block has been ended already
            return
        dropped = _paired(self.delimiters) if self.delimiters else set()
        b = self.b
        for n, (first, last, shown, context) in enumerate(self.ops):
            if n in dropped:
                continue
            b.context = context
            if shown is None:
                b.literal_span(first, last)
            elif shown is SEPARATOR:
                b.boundary()
            else:
                b.replaced(first, last, shown)
        b.boundary()
        self.ops.clear()
        self.delimiters.clear()


def _paired(delimiters: list[tuple[int, str, int, bool, bool]]) -> set[int]:
    """The operations of delimiter runs that pair up as emphasis (CommonMark's stack, each
    closer taking the nearest opener of its kind: its character, and for `~` its length).
    As in CommonMark, a closer that found no opener marks how far down the next of its kind
    need look, which keeps a long text of unpaired runs linear."""
    dropped: set[int] = set()
    openers: list[tuple[int, tuple[str, int]]] = []
    bottom: dict[tuple[str, int], int] = {}  # kind: no opener of it below this height
    for op, char, length, opens, closes in delimiters:
        kind = (char, length if char == "~" else 0)
        found = -1
        if closes:
            found = next((k for k in range(len(openers) - 1, bottom.get(kind, 0) - 1, -1) if openers[k][1] == kind),
                         -1)
            if found < 0:
                bottom[kind] = len(openers)
        if found >= 0:
            dropped.update((openers[found][0], op))
            del openers[found:]
            bottom = {k: min(height, found) for k, height in bottom.items()}
        elif opens:
            openers.append((op, kind))
    return dropped
