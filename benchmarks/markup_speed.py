"""HTML and Markdown against plain text: the same visible text, checked as markup and as plain.

    python benchmarks/markup_speed.py [--repeat 7]

The fortunes become documents as a CMS editor stores them: articles of 20 fortunes (a heading,
an image with alt text, a <p> per fortune with line breaks kept, a link every 40 words and
emphasis every 30), short comments of one fortune each with markup every 12th word, and the
whole corpus as one page; `&`, `<` and `>` as references; and the same in Markdown.
Throughput counts the plain text's UTF-8 bytes on both sides, so the ratio says what reading
the markup costs. Each timed run starts from a freshly built moderator (cold caches); plain and
markup take turns, and the ratio is the median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fortunes

from moderation import Moderator

ARTICLE = 20  # fortunes per article


def _marked(words: list[str], every: int, forms: tuple[str, ...]) -> str:
    for i in range(every // 2, len(words), every):
        if words[i].strip():
            words[i] = forms[i % len(forms)].format(words[i])
    return " ".join(words)


def as_html(texts: list[str], every: int, article: bool) -> str:
    forms = ("<em>{}</em>", "<strong>{}</strong>", '<a href="https://example.com/tag/x">{}</a>')
    paragraphs = [f"<p>{_marked(html.escape(t, quote=False).split(' '), every, forms)}</p>" for t in texts]
    if not article:
        return "\n".join(paragraphs)
    head = '<h2>Sayings</h2>\n<img src="/img/cover.jpg" alt="A shelf of old books">\n'
    return f"<article>\n{head}{chr(10).join(paragraphs)}\n</article>"


def as_markdown(texts: list[str], every: int, article: bool) -> str:
    forms = ("*{}*", "**{}**", "[{}](https://example.com/tag/x)")
    paragraphs = [_marked(t.split(" "), every, forms) for t in texts]
    head = "## Sayings\n\n![A shelf of old books](/img/cover.jpg)\n\n" if article else ""
    return head + "\n\n".join(paragraphs)


def rounds(plain: Callable[[Moderator], object], markup: Callable[[Moderator], object],
           repeat: int) -> tuple[float, float, float]:
    """Plain and markup taking turns, `repeat` rounds: the median seconds of each, and the
    median of the rounds' ratios (plain time / markup time), which a noisy machine moves least."""
    plain_s, markup_s = [], []
    for _ in range(repeat):
        for fn, times in ((plain, plain_s), (markup, markup_s)):
            moderator = Moderator.from_config()
            start = time.perf_counter()
            fn(moderator)
            times.append(time.perf_counter() - start)
    ratio = statistics.median(p / m for p, m in zip(plain_s, markup_s, strict=True))
    return statistics.median(plain_s), statistics.median(markup_s), ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    texts = fortunes()
    articles = [texts[i : i + ARTICLE] for i in range(0, len(texts), ARTICLE)]
    shapes = {  # name: (the plain texts, the same as groups of fortunes, markup every n words, article)
        f"articles of {ARTICLE} fortunes": (["\n\n".join(a) for a in articles], articles, 35, True),
        "comments of one fortune, markup every 12 words": (texts, [[t] for t in texts], 12, False),
        "the whole corpus as one page": (["\n\n".join(texts)], [texts], 35, True),
    }
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {len(texts)} fortunes, {mb:.2f} MB of plain text; medians of {args.repeat} runs\n")
    print("| documents | content type | MB of markup | plain text | markup | markup / plain |")
    print("|---|---|---|---|---|---|")
    for shape, (plain, groups, every, article) in shapes.items():
        for content_type, render in (("text/html", as_html), ("text/markdown", as_markdown)):
            docs = [render(g, every, article) for g in groups]
            plain_s, markup_s, ratio = rounds(lambda m, plain=plain: [m.check(t) for t in plain],
                                              lambda m, docs=docs, ct=content_type: [m.check(d, content_type=ct)
                                                                                     for d in docs], args.repeat)
            source_mb = sum(len(d.encode()) for d in docs) / 1e6
            print(f"| {shape} | {content_type} | {source_mb:.2f} | {mb / plain_s:.1f} MB/s | {mb / markup_s:.1f} MB/s "
                  f"| {ratio:.2f} |")


if __name__ == "__main__":
    main()
