"""The real article a CMS sends: exactly its four self-censored words, at their offsets."""

from __future__ import annotations

import html

import pytest

from moderation import Moderator
from tests.conftest import SHARED

ARTICLE = SHARED / "samples" / "news-article.txt"


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/samples is not beside this checkout")
def test_news_article_flags_exactly_the_four_self_censored_words(moderator: Moderator) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    result = moderator.check(text)
    expected_texts = ["f**king", "f**k", "f**k", "f***ing"]
    assert [m.text for m in result.matches] == expected_texts
    assert [m.term for m in result.matches] == ["fucking", "fuck", "fuck", "fucking"]
    assert [m.start for m in result.matches] == _in_order(text, expected_texts)
    for m in result.matches:
        assert text[m.start : m.end] == m.text
        assert m.evasions == ("masked",)
    assert len(result.cleaned) == len(text)
    outside = [i for i in range(len(text)) if not any(m.start <= i < m.end for m in result.matches)]
    assert all(result.cleaned[i] == text[i] for i in outside)


TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/fuck.css"><style>.shit {{ color: red }}</style>
<script>window.tags = ["fuck", "shit"];</script></head>
<body class="article shit-free"><header><nav><a href="/">Home</a> <a href="/tags/fuck">World</a></nav></header>
<main><article><h1>{title}</h1>
<img src="/img/f**k.jpg" alt="Kim Jong-un and Vladimir Putin">
{paragraphs}
</article></main>
<!-- ad slot: f**k-free zone -->
<footer><p>&copy; 2024 The Paper &amp; Co.</p></footer></body></html>
"""


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/samples is not beside this checkout")
def test_news_article_in_a_cms_template(moderator: Moderator) -> None:
    """The article as a CMS serves it: escaped into <p>s of a page whose scripts, styles, URLs,
    classes and comments hold words that must not count."""
    title, _, body = ARTICLE.read_text(encoding="utf-8").partition("\n")
    paragraphs = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())
    page = TEMPLATE.format(title=html.escape(title), paragraphs=paragraphs)
    result = moderator.check(page, content_type="text/html")
    assert [(m.text, m.term) for m in result.matches] == [
        ("f**king", "fucking"), ("f**k", "fuck"), ("f**k", "fuck"), ("f***ing", "fucking")]
    assert [m.start for m in result.matches] == _in_order(page, ["f**king", "f**k", "f**k", "f***ing"],
                                                          page.index("<main>"))
    cleaned = result.cleaned
    assert len(cleaned) == len(page)
    changed = [i for i in range(len(page)) if page[i] != cleaned[i]]
    assert all(any(m.start <= i < m.end for m in result.matches) for i in changed)
    assert _count_tags(cleaned) == _count_tags(page)


def _in_order(text: str, words: list[str], at: int = 0) -> list[int]:
    """Where each word occurs in `text`, each after the one before."""
    starts = []
    for word in words:
        at = text.index(word, at)
        starts.append(at)
        at += len(word)
    return starts


def _count_tags(page: str) -> int:
    return page.count("<")
