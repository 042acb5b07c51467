"""The Perspective scores: a monotone function of what matched, placed around Coral's threshold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moderation.engine.wordlists import CATEGORIES
from moderation.service.scores import ATTRIBUTES, score, severity_of

CORAL_THRESHOLD = 0.8  # Coral holds a comment whose score is above this (its default, 80%)
matches = st.lists(st.fixed_dictionaries({"category": st.sampled_from(CATEGORIES),
                                          "severity": st.integers(1, 3)}), max_size=12)


def scores(found: list[dict[str, object]]) -> dict[str, float]:
    return {name: score(severity_of(m, a) for m in found) for name, a in ATTRIBUTES.items()}


@given(matches, st.fixed_dictionaries({"category": st.sampled_from(CATEGORIES), "severity": st.integers(1, 3)}))
def test_another_match_never_lowers_a_score(found: list[dict[str, object]], more: dict[str, object]) -> None:
    before, after = scores(found), scores([*found, more])
    assert all(after[name] >= before[name] for name in ATTRIBUTES)


@given(matches)
def test_a_more_severe_match_never_lowers_a_score(found: list[dict[str, object]]) -> None:
    worse = [{**m, "severity": min(int(m["severity"]) + 1, 3)} for m in found]  # type: ignore[call-overload]
    before, after = scores(found), scores(worse)
    assert all(after[name] >= before[name] for name in ATTRIBUTES)


@given(st.lists(st.sampled_from(CATEGORIES), max_size=50))
def test_mild_words_alone_pass_coral_however_many(categories: list[str]) -> None:
    found = [{"category": c, "severity": 1} for c in categories]
    assert all(value <= CORAL_THRESHOLD for value in scores(found).values())


TOXIC = [c for c in CATEGORIES if c != "anatomy"]


@given(st.sampled_from(TOXIC), st.integers(2, 3))
def test_one_strong_or_severe_word_is_held_by_coral(category: str, severity: int) -> None:
    assert scores([{"category": category, "severity": severity}])["TOXICITY"] > CORAL_THRESHOLD


@given(st.sampled_from(TOXIC), st.integers(1, 3), st.integers(1, 20))
def test_severe_toxicity_holds_only_severe_words(category: str, severity: int, count: int) -> None:
    value = scores([{"category": category, "severity": severity}] * count)["SEVERE_TOXICITY"]
    assert (value > CORAL_THRESHOLD) == (severity == 3)


def test_each_attribute_reads_its_categories() -> None:
    slur = scores([{"category": "slur", "severity": 2}])
    assert slur["IDENTITY_ATTACK"] > CORAL_THRESHOLD and slur["TOXICITY"] > CORAL_THRESHOLD
    assert slur["PROFANITY"] == slur["INSULT"] == slur["SEXUALLY_EXPLICIT"] == 0.0
    assert scores([]) == dict.fromkeys(ATTRIBUTES, 0.0)
    abuse = scores([{"category": "sexual_abuse", "severity": 3}])
    assert abuse["SEXUALLY_EXPLICIT"] > CORAL_THRESHOLD and abuse["SEVERE_TOXICITY"] > CORAL_THRESHOLD
    assert scores([{"category": "anatomy", "severity": 3}] * 5) == dict.fromkeys(ATTRIBUTES, 0.0)  # clinical words


def test_severity_bands_do_not_overlap() -> None:
    many = 10_000
    assert score([1] * many) < score([2]) and score([2] * many) < score([3]) and score([3] * many) < 1
