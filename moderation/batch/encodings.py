"""Which encoding a file is in, as a browser would tell, and decoding and encoding in it.

A byte order mark decides first (UTF-8, UTF-16 and, for files, UTF-32 too); then, for HTML, a
`<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">` in the first
1024 bytes (the HTML Standard's prescan, outside comments); else UTF-8. As in browsers,
ISO-8859-1, Latin-1 and ASCII mean windows-1252, and a declared UTF-16 means UTF-8. A cleaned
copy is written back in the encoding read, with the same byte order mark.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple


class Encoding(NamedTuple):
    name: str  # a Python codec, or WINDOWS_1252
    bom: bytes = b""  # the byte order mark the file starts with


UTF8 = Encoding("utf-8")
WINDOWS_1252 = "windows-1252"  # as the Encoding Standard defines it: its 5 unused bytes are C1 controls
PRESCAN = 1024
# UTF-32 before UTF-16: FF FE 00 00 also starts with the UTF-16 LE mark
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_LATIN = {"iso8859-1", "latin-1", "ascii", "cp1252"}  # labels browsers read as windows-1252
_1252 = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))
_1252_ENCODING = codecs.charmap_build(_1252)


def of_bom(head: bytes) -> Encoding | None:
    """The encoding a byte order mark at the start of `head` gives, if any."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return Encoding(name, bom)
    return None


def sniff(head: bytes, html: bool) -> Encoding:
    """The encoding of a file that starts with `head` (its first PRESCAN bytes at least)."""
    return of_bom(head) or (Encoding(declared) if html and (declared := _prescan(head[:PRESCAN])) else UTF8)


def decode(data: bytes, encoding: Encoding) -> str:
    """The text of a file's bytes, without its byte order mark (UnicodeDecodeError if not in it)."""
    data = data[len(encoding.bom):]
    if encoding.name == WINDOWS_1252:
        return codecs.charmap_decode(data, "strict", _1252)[0]
    return data.decode(encoding.name)


def encode(text: str, encoding: Encoding) -> bytes:
    """The text in the encoding (UnicodeEncodeError if a character has no bytes there). In UTF-8,
    bytes that were not UTF-8 (kept as lone surrogates) go back as they were."""
    if encoding.name == WINDOWS_1252:
        return codecs.charmap_encode(text, "strict", _1252_ENCODING)[0]
    return text.encode(encoding.name, "surrogateescape" if encoding.name == "utf-8" else "strict")


_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"<meta[\t\n\f\r /](.*?)>", re.I | re.S)
_ATTRIBUTE = re.compile(rb"""([^\t\n\f\r /=>]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?""")
_CHARSET = re.compile(rb"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r ;"']+))""", re.I)


def _prescan(head: bytes) -> str | None:
    """The encoding the first <meta> that declares a known one names, outside comments."""
    for meta in _META.finditer(_COMMENT.sub(b"", head)):
        attributes: dict[bytes, bytes] = {}
        for m in _ATTRIBUTE.finditer(meta[1]):
            attributes.setdefault(m[1].lower(), m[2] or m[3] or m[4] or b"")
        label = attributes.get(b"charset")
        if label is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET.search(attributes.get(b"content", b""))
            label = found and (found[1] or found[2] or found[3])
        name = _codec(label.decode("ascii", "replace")) if label else None
        if name:
            return name
    return None


def _codec(label: str) -> str | None:
    """The Python codec of an encoding label, as browsers read it; None for one they do not know."""
    try:
        name = codecs.lookup(label.strip()).name
        "".encode(name)  # a text encoding, not base64 or zlib
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"  # a document that could be read to find its meta is not UTF-16
    if name == "utf-7":
        return None  # no browser reads it: a way to smuggle markup past filters
    return WINDOWS_1252 if name in _LATIN else name
