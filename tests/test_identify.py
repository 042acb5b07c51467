"""The language identifier ("auto"): the same answers as py3langid's own classify restricted to
the candidates, for texts one by one and in batches of any mix of lengths, and the same results
from check_many as from check one text at a time."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from moderation import Moderator
from moderation.engine import identify
from tests.golden import files, languages, load

NINE = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru")
TOLERANCE = 1e-4  # float32 sums in another order


@pytest.fixture(scope="module")
def theirs() -> dict[tuple[str, ...], LanguageIdentifier]:
    """py3langid's identifier, restricted, by set of candidates (filled on demand)."""
    return {}


def _reference(theirs: dict[tuple[str, ...], LanguageIdentifier], text: str,
               candidates: tuple[str, ...]) -> tuple[str, float]:
    found = theirs.get(candidates)
    if found is None:
        found = theirs[candidates] = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        found.set_languages(list(candidates))
    language, confidence = found.classify(text[: identify.READ])
    return language, confidence


def _agree(theirs: dict[tuple[str, ...], LanguageIdentifier], texts: list[str],
           candidates: tuple[str, ...] = NINE) -> None:
    ours = identify.classify_many(texts, candidates)
    assert len(ours) == len(texts)
    for text, (language, confidence) in zip(texts, ours, strict=True):
        expected, expected_confidence = _reference(theirs, text, candidates)
        assert confidence == pytest.approx(expected_confidence, abs=TOLERANCE), text[:80]
        if abs(confidence - expected_confidence) < TOLERANCE and confidence > 0.5 + TOLERANCE:
            assert language == expected, text[:80]  # (two languages at 0.5 each may be told apart either way)
    assert identify.identify_many(texts, candidates) == [identify.identify(t, candidates) for t in texts]


def _golden() -> list[str]:
    return [case.text for language in ["", *languages()] for kind in ("positive", "evasion", "negative")
            for name in files(kind, language) for case in load(name)]


ODD = [
    "", "a", "é", "е", "\u0301", "👍", "A", "ß", " ", "\n", "\x00", "\ud800", "ab\udfffcd",
    "Привет, как дела? Всё хорошо.", "Καλημέρα σας, τι κάνετε;", "你好，你今天怎么样？", "مرحبا كيف حالك",
    "こんにちは、元気ですか", "שלום מה שלומך", "THIS IS ALL UPPER CASE ENGLISH TEXT", "ÇA VA TRÈS BIEN MERCI",
    "e\u0301te\u0301 a\u0300 Paris", "cafe\u0301 cre\u0300me", "🤬🤬🤬 what the hell 🤬", "1234567890 !!! ???",
]


def test_golden_cases_one_batch(theirs: dict[tuple[str, ...], LanguageIdentifier]) -> None:
    texts = _golden()
    assert len(texts) > 500
    _agree(theirs, texts)


def test_odd_texts_alone_and_together(theirs: dict[tuple[str, ...], LanguageIdentifier]) -> None:
    for text in ODD:
        _agree(theirs, [text])
    _agree(theirs, ODD)
    _agree(theirs, ODD * 40)  # past SMALL: the numpy walk


def test_an_empty_text_is_uncertain() -> None:
    [(_, confidence)] = identify.classify_many([""], NINE)
    assert confidence == pytest.approx(1 / 9)  # all alike
    assert identify.identify("", NINE) == NINE
    assert identify.identify_many([], NINE) == []
    assert identify.identify("any text", ["es"]) == ("es",)  # one candidate: nothing to identify


def test_only_the_start_of_a_long_text_is_read(theirs: dict[tuple[str, ...], LanguageIdentifier]) -> None:
    english = "The weather was lovely and we walked along the river for hours. " * 40
    german = "Das Wetter war schön und wir sind stundenlang am Fluss entlang gegangen. " * 200
    assert len(english) > identify.READ
    _agree(theirs, [english + german, german + english, german, "ü" * 5000, "я" * 3000])
    assert identify.identify(english + german, NINE) == ("en",)
    assert identify.identify(german + english, NINE) == ("de",)


def test_batches_of_very_different_lengths(theirs: dict[tuple[str, ...], LanguageIdentifier]) -> None:
    rng = random.Random(12)
    golden = _golden()
    texts = []
    for _ in range(400):
        n = rng.choice([0, 1, 2, 5, 30, 200, 1000, 3000])
        text = " ".join(rng.choice(golden) for _ in range(1 + n // 40))[:n]
        texts.append(text)
    _agree(theirs, texts)
    rng.shuffle(texts)
    _agree(theirs, texts)


def test_batches_are_cut_by_size(theirs: dict[tuple[str, ...], LanguageIdentifier],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [t for t in _golden() if t][:300]
    whole = identify.classify_many(texts, NINE)
    monkeypatch.setattr(identify, "BATCH", 2000)
    cut = identify.classify_many(texts, NINE)  # the same, however cut
    assert [language for language, _ in cut] == [language for language, _ in whole]
    # float32 sums: how a batch is cut moves a probability's last bits (~10 ulps), nothing more
    assert [confidence for _, confidence in cut] == pytest.approx([confidence for _, confidence in whole], rel=1e-5)
    _agree(theirs, texts[:50])


@pytest.mark.parametrize("candidates", [("en", "es"), ("fr", "de", "it"), ("pl", "ru"), NINE, ("ru", "en", "pt")])
def test_other_sets_of_candidates(theirs: dict[tuple[str, ...], LanguageIdentifier],
                                  candidates: tuple[str, ...]) -> None:
    _agree(theirs, _golden()[::3], candidates)


def test_an_uncertain_text_is_checked_in_every_candidate() -> None:
    # the candidates in the caller's order, as given
    assert identify.identify("ok", ["ru", "en", "de"]) == ("ru", "en", "de")
    with pytest.raises(ValueError, match="xx"):
        identify.identify("text", ["en", "xx"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("abcdeéèñßäöüłąęжыйхуё漢字 .,!?'-AEЖ\u0301\u00a0"),
                        max_size=300), min_size=1, max_size=30))
def test_agrees_with_py3langid_on_any_text(texts: list[str]) -> None:
    _agree(_theirs_once, texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=150), min_size=1, max_size=12), st.integers(min_value=0, max_value=20))
def test_agrees_with_py3langid_on_any_unicode(texts: list[str], repeat: int) -> None:
    _agree(_theirs_once, texts * repeat or texts)  # past SMALL too


_theirs_once: dict[tuple[str, ...], LanguageIdentifier] = {}


def test_a_state_is_the_last_bytes_read() -> None:
    """What makes cutting a text into rows exact: the model's automaton is Aho-Corasick's over n-grams
    of at most DEPTH bytes, so that its state after DEPTH bytes does not depend on what came before.
    Checked on every move, level by level of the n-gram trie: a byte leads from a state to its
    child in the trie (a state first reached there), else where the state's longest known proper
    suffix (its fail) leads, and from the root, to the root."""
    model = identify._loaded()
    states = len(model.rowbase)

    def moves(of: np.ndarray) -> np.ndarray:
        return model.nextmove[model.rowbase[of][:, None] + np.arange(256)].astype(np.intp)

    depth = np.full(states, -1)
    depth[0] = 0
    fail = np.zeros(states, dtype=np.intp)
    level, d = np.array([0]), 0
    while len(level):
        found = []
        for part in np.array_split(level, -(-len(level) // 2048)):  # (256 moves a state)
            to = moves(part)
            child = depth[to] == -1
            new = to[child]
            assert len(np.unique(new)) == len(new), "a state first reached from two states"
            depth[new] = d + 1
            parent = np.broadcast_to(part[:, None], to.shape)[child]
            byte = np.broadcast_to(np.arange(256), to.shape)[child]
            # a child's fail: where its parent's fail goes by its byte (from the root's children, the root)
            fail[new] = np.where(parent == 0, 0, model.nextmove[model.rowbase[fail[parent]] + byte])
            assert (depth[to[~child]] <= d).all()  # no other way deeper
            expected = np.zeros_like(to) if d == 0 else moves(fail[part])
            assert (to[~child] == expected[~child]).all()
            found.append(new)
        level, d = np.concatenate(found), d + 1
    assert (depth >= 0).all()
    assert depth.max() <= identify.DEPTH


def test_check_many_with_auto_is_check_one_by_one(tmp_path: Path) -> None:
    every = ", ".join(f'"{language}"' for language in NINE)
    config = tmp_path / "moderation.toml"
    config.write_text(f"[wordlists]\nlanguages = [{every}]\n[policies.default]\nlanguages = [{every}]\n"
                      "identify = true\n", encoding="utf-8")
    moderator = Moderator.from_config(config)
    texts = _golden()
    for languages_asked in ("auto", None):
        many = moderator.check_many(texts, languages=languages_asked)
        assert many == [moderator.check(t, languages=languages_asked) for t in texts]
        flagged = moderator.flagged_among(texts, languages=languages_asked)
        assert flagged == {i: r for i, r in enumerate(many) if r is not None and r.matches}


def test_the_engine_loads_numpy_only_when_a_text_is_identified() -> None:
    """numpy doubles the engine's start-up: it comes with the model, at the first "auto", and so
    does the cache the model is read from (its imports cost the engine's start ~10 ms)."""
    probe = ("import sys; from moderation import Moderator; m = Moderator.from_config(); m.check('shit'); "
             "assert 'numpy' not in sys.modules and 'moderation.engine.cache' not in sys.modules; "
             "from moderation.engine.identify import identify; identify('the text', ['en', 'es']); "
             "assert 'numpy' in sys.modules and 'moderation.engine.cache' in sys.modules")
    subprocess.run([sys.executable, "-c", probe], check=True)
