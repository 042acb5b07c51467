"""The real article a CMS sends: exactly its four self-censored words, at their offsets."""

from __future__ import annotations

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
    starts = []
    at = 0
    for word in expected_texts:  # each occurrence in document order
        at = text.index(word, at)
        starts.append(at)
        at += len(word)
    assert [m.start for m in result.matches] == starts
    for m in result.matches:
        assert text[m.start : m.end] == m.text
        assert m.evasions == ("masked",)
    assert len(result.cleaned) == len(text)
    outside = [i for i in range(len(text)) if not any(m.start <= i < m.end for m in result.matches)]
    assert all(result.cleaned[i] == text[i] for i in outside)
