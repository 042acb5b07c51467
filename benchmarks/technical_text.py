"""False flags on technical text: this machine's Debian docs and man pages, every flag listed.

    python benchmarks/technical_text.py [--docs-kb 40000] [--cap-kb 64] [--man-pages 1200]
                                        [--verdicts FILE] [--config FILE]

The corpus is assembled at run time and never stored here: text, HTML and Markdown files under
/usr/share/doc (plain or gzipped, sorted by path, every n-th one so that the whole tree is
sampled, each capped at --cap-kb), and man pages rendered to text by groff (sorted by path over
man1, man3, man5, man7 and man8, every n-th one; man1's thousands of generated gcloud pages are
sampled apart, so that they do not crowd out the rest). Each document is checked with its
content type through Moderator.from_config(). It prints flags per MB and every flag with its
context (the file, the 40 characters around it, the term and the evasions), for a person to
judge. A flag a person judged right (a real swear word in a quoted mail, say) goes into the
--verdicts file, one `path<TAB>matched text<TAB>why` a line; every other flag counts as wrong.

Some 36 MB, 3,000 documents, read in 15-50 s on a loaded machine of two cores; --docs-kb 3000
--man-pages 300 reads 6 MB in half the time but misses most of the flags. Needs groff (Debian:
apt-get install groff-base) for the man pages; without it, docs only.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from moderation import Moderator

DOC = Path("/usr/share/doc")
MAN = Path("/usr/share/man")
MAN_SECTIONS = ("man1", "man3", "man5", "man7", "man8")
VERDICTS = Path(__file__).resolve().parent / "technical_text.tsv"
TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "text/html", ".md": "text/markdown",
         ".markdown": "text/markdown", ".txt": "text/plain"}
# Plain text without a suffix: what Debian ships beside a package's docs.
PLAIN_NAMES = ("readme", "copyright", "changelog", "news", "authors", "thanks", "todo", "bugs",
               "notice", "install", "faq", "credits", "history", "changes", "contributors")
CONTEXT = 20  # characters shown on each side of a flag


class Document:
    __slots__ = ("content_type", "name", "text")

    def __init__(self, name: str, text: str, content_type: str) -> None:
        self.name, self.text, self.content_type = name, text, content_type


def content_type(path: Path) -> str | None:
    """The content type a document is checked as, or None when it is not a text document."""
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    if suffix in TYPES:
        return TYPES[suffix]
    stem = name.split(".")[0]
    if stem in PLAIN_NAMES and (not suffix or suffix in (".debian", ".amd64", ".rst", ".news")):
        return "text/plain"
    return None


def capped(raw: bytes, cap: int) -> str | None:
    """The first `cap` bytes of a UTF-8 document, cut at a line break; None if it is not text."""
    if b"\0" in raw[:4096]:
        return None
    if len(raw) > cap:
        cut = raw.rfind(b"\n", 0, cap)
        raw = raw[: cut if cut > 0 else cap]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def docs(budget: int, cap: int) -> list[Document]:
    """Every n-th text document under /usr/share/doc, n such that about `budget` bytes are read."""
    paths = sorted(p for p in DOC.rglob("*") if p.is_file() and not p.is_symlink() and content_type(p))
    sizes = [min(cap, p.stat().st_size * (4 if p.suffix == ".gz" else 1)) for p in paths]
    step = max(1, round(sum(sizes) / budget))
    found = []
    for path in paths[::step]:
        try:
            raw = path.read_bytes()
            if path.suffix == ".gz":
                with gzip.open(path) as f:
                    raw = f.read(cap + 1)
        except (OSError, EOFError):
            continue
        text = capped(raw, cap)
        if text and text.strip():
            found.append(Document(str(path), text, content_type(path) or "text/plain"))
    return found


def man_paths(count: int) -> list[Path]:
    """`count` man pages, every n-th of the sorted sections, a tenth of them gcloud's."""
    pages = sorted(p for s in MAN_SECTIONS if (MAN / s).is_dir() for p in (MAN / s).iterdir()
                   if p.is_file() and not p.is_symlink())
    generated = [p for p in pages if p.name.startswith("gcloud")]
    written = [p for p in pages if not p.name.startswith("gcloud")]
    chosen = []
    for group, n in ((written, count - count // 10), (generated, count // 10)):
        if group and n:
            chosen += group[:: max(1, len(group) // n)][:n]
    return chosen


def render(path: Path) -> str:
    """A man page as groff renders it for a terminal, without bold or underline."""
    source = path.read_bytes()
    if path.suffix == ".gz":
        source = gzip.decompress(source)
    done = subprocess.run(["groff", "-k", "-Tutf8", "-man", "-t", "-P-cbuo"], input=source,
                          capture_output=True, cwd=MAN, env={**os.environ, "LC_ALL": "C.UTF-8"},
                          check=False, timeout=30)
    return done.stdout.decode("utf-8", errors="replace")


def man_pages(count: int) -> list[Document]:
    if shutil.which("groff") is None:
        print("groff is missing: no man pages (apt-get install groff-base)", file=sys.stderr)
        return []
    paths = man_paths(count)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        texts = list(pool.map(render, paths))
    return [Document(str(p), t, "text/plain") for p, t in zip(paths, texts, strict=True) if t.strip()]


def verdicts(path: Path) -> set[tuple[str, str]]:
    """(path, matched text) of every flag a person judged right."""
    if not path.is_file():
        return set()
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, text, *_ = line.split("\t")
            found.add((name, text))
    return found


def shown(text: str, start: int, end: int) -> str:
    """The match in its context, on one line: ...before[match]after..."""
    def flat(s: str) -> str:
        return s.replace("\n", "⏎").replace("\t", " ")
    return f"{flat(text[max(0, start - CONTEXT) : start])}[{flat(text[start:end])}]{flat(text[end : end + CONTEXT])}"


def flags(mod: Moderator, documents: list[Document]) -> Iterator[tuple[Document, int, int, str, tuple[str, ...]]]:
    for doc in documents:
        for m in mod.check(doc.text, content_type=doc.content_type).matches:
            yield doc, m.start, m.end, m.term, m.evasions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs-kb", type=int, default=40000, help="about how much of /usr/share/doc to read")
    parser.add_argument("--cap-kb", type=int, default=64, help="the most read of one document")
    parser.add_argument("--man-pages", type=int, default=1200)
    parser.add_argument("--verdicts", type=Path, default=VERDICTS, help="flags judged right")
    parser.add_argument("--config", type=Path, help="a moderation.toml (more lists, say); default: the bundled lists")
    args = parser.parse_args()

    began = time.perf_counter()
    documents = docs(args.docs_kb * 1000, args.cap_kb * 1000) + man_pages(args.man_pages)
    assembled = time.perf_counter()
    mod = Moderator.from_config(args.config)
    started = time.perf_counter()
    found = list(flags(mod, documents))
    checked = time.perf_counter() - started

    right = verdicts(args.verdicts)
    size = sum(len(d.text.encode("utf-8")) for d in documents) / 1e6
    by_type = collections.Counter(d.content_type for d in documents)
    wrong = 0
    print("| verdict | term | evasions | file | context |")
    print("|---|---|---|---|---|")
    for doc, start, end, term, evasions in found:
        ok = (doc.name, doc.text[start:end]) in right
        wrong += not ok
        print(f"| {'right' if ok else 'WRONG'} | {term} | {','.join(evasions)} | {doc.name} | "
              f"`{shown(doc.text, start, end)}` |")
    print()
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))
    print(f"corpus: {len(documents)} documents ({kinds}), {size:.2f} MB; "
          f"assembled in {assembled - began:.1f} s, checked in {checked:.1f} s")
    print(f"flags: {len(found)} ({len(found) / size:.1f} per MB), wrong: {wrong} ({wrong / size:.1f} per MB)")
    terms = collections.Counter(term for *_, term, _ in found)
    print("by term: " + ", ".join(f"{t} {n}" for t, n in terms.most_common()))


if __name__ == "__main__":
    main()
