"""Accuracy on public labelled data (../shared/eval) and the dictionary: the issue's targets.

The figures themselves, side by side with better-profanity, come from benchmarks/accuracy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.accuracy import (
    DICTIONARY,
    UNJUDGED,
    VERDICTS,
    char_scores,
    davidson_neither,
    ours,
    prof,
    read_verdicts,
    recall_of_marked,
    swad,
    toxic_spans,
)
from moderation import Moderator
from tests.conftest import SHARED

EVAL = SHARED / "eval"
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval is not beside this checkout")


@needs_eval
def test_swad_swear_word_recall(moderator: Moderator) -> None:
    assert recall_of_marked(swad(EVAL / "swad_v1.tsv"), ours(moderator)) >= 0.95


@needs_eval
def test_prof_self_censored_english_recall(moderator: Moderator) -> None:
    spellings = prof(EVAL / "prof_table.tsv")
    found = sum(1 for w in spellings if moderator.check(w).flagged)
    assert found / len(spellings) >= 0.95


@needs_eval
def test_toxic_spans_precision(moderator: Moderator) -> None:
    precision, recall = char_scores(toxic_spans([EVAL / "tsd_trial.csv"]), ours(moderator))
    assert precision >= 0.70
    assert recall > 0.10


@needs_eval
def test_davidson_neither_false_flags(moderator: Moderator, tmp_path: Path) -> None:
    """Its 'neither' tweets hold mild insults (stupid, dumb, loser), which the default policy
    reports at severity 1: the share of tweets flagged is bounded for all, and for strong words."""
    tweets = davidson_neither(EVAL / "davidson.csv")
    assert sum(1 for t in tweets if moderator.check(t).flagged) / len(tweets) < 0.08
    config = tmp_path / "strong.toml"
    config.write_text("[policies.default]\nmin_severity = 2\n", encoding="utf-8")
    strong = Moderator.from_config(config)
    assert sum(1 for t in tweets if strong.check(t).flagged) / len(tweets) < 0.05


@pytest.mark.skipif(not DICTIONARY.exists(), reason="apt-get install wamerican-huge")
def test_dictionary_false_flags(moderator: Moderator) -> None:
    words = [w for w in DICTIONARY.read_text(encoding="utf-8", errors="replace").split("\n") if w]
    flagged = []
    for word in words:
        result = moderator.check(word)
        if result.flagged:
            flagged.append(word)
            # The whole word is what is profane, never a piece of an innocent one.
            match = result.matches[0]
            assert (match.start, match.end) == (0, len(word.removesuffix("'s"))), word
    # Every flag was judged by a person, and is profane in the sense its list gives it (a
    # dictionary holds the words this project lists): a change needs a fresh look at its flags.
    verdicts = read_verdicts(VERDICTS)
    assert sorted(verdicts) == sorted(flagged), "rerun benchmarks/accuracy.py and judge benchmarks/dictionary/"
    assert not [w for w, (_, verdict) in verdicts.items() if verdict == UNJUDGED], "judge the new flags"
    wrong = [w for w, (_, verdict) in verdicts.items() if verdict.startswith("wrong")]
    assert len(wrong) / len(words) < 0.001, wrong


# The languages whose dictionary flags have all been judged; a language joins when its are.
JUDGED_LANGUAGES: tuple[str, ...] = ()


def test_every_judged_language_has_its_verdicts() -> None:
    assert set(JUDGED_LANGUAGES) <= {p.name for p in VERDICTS.iterdir() if p.is_dir()}


@pytest.mark.parametrize("language", JUDGED_LANGUAGES)
def test_dictionary_false_flags_of_each_language(language: str) -> None:
    """As for English: every flag of the language's Debian dictionary judged by a person, the
    wrong ones under 0.1% of its words (benchmarks/languages.py writes the verdict files)."""
    from benchmarks.languages import DEBIAN_PACKAGES, DICTIONARIES, dictionary_flags, dictionary_words, moderator_for

    if not all(Path(p).exists() for p in DICTIONARIES[language]):
        pytest.skip(f"apt-get install {DEBIAN_PACKAGES[language]}")
    words = dictionary_words(language)
    flagged = dictionary_flags(moderator_for(language), words)
    verdicts = read_verdicts(VERDICTS / language)
    assert sorted(verdicts) == sorted(flagged), f"rerun benchmarks/languages.py --only {language} and judge its flags"
    assert not [w for w, (_, verdict) in verdicts.items() if verdict == UNJUDGED], "judge the new flags"
    wrong = [w for w, (_, verdict) in verdicts.items() if verdict.startswith("wrong")]
    assert len(wrong) / len(words) < 0.001, wrong
