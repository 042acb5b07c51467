"""Perspective's attributes scored from what matched: a documented, monotone function.

A text's score for an attribute depends only on the matches of the categories that attribute
reads: on the worst severity among them, and on how many matches have that severity.

    score = LOW[s] + (HIGH[s] - LOW[s]) * (1 - 1/n)     s: worst severity, n: matches at s
    no match: 0.0

    severity 1 (mild)    0.55 .. 0.75   below Coral's default threshold (0.8) however many
    severity 2 (strong)  0.85 .. 0.94   above it from the first match
    severity 3 (severe)  0.95 .. 0.99

So a comment with one strong or severe word is held at Coral's default threshold and a comment
with mild words only goes through; a more severe match, or another match as severe as the worst,
never lowers a score. SEVERE_TOXICITY reads every category one severity lower (a severe word
scores as a strong one, a strong word as a mild one, a mild word not at all): at 0.8 it holds
only severe words. Each span's score is the score of its match alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moderation.engine.wordlists import CATEGORIES

LOW = {1: 0.55, 2: 0.85, 3: 0.95}
HIGH = {1: 0.75, 2: 0.94, 3: 0.99}


@dataclass(frozen=True, slots=True)
class Attribute:
    """A Perspective attribute as we answer it: the categories it reads, and how it shifts severity."""

    categories: frozenset[str]
    shift: int = 0  # subtracted from each match's severity


# Clinical anatomy (a policy may report it) is no one's toxicity.
_TOXIC = frozenset(CATEGORIES) - {"anatomy"}

ATTRIBUTES: Mapping[str, Attribute] = {
    "TOXICITY": Attribute(_TOXIC),
    "SEVERE_TOXICITY": Attribute(_TOXIC, shift=1),
    "PROFANITY": Attribute(frozenset({"profanity"})),
    "SEXUALLY_EXPLICIT": Attribute(frozenset({"sexual", "sexual_abuse"})),
    "INSULT": Attribute(frozenset({"insult"})),
    "IDENTITY_ATTACK": Attribute(frozenset({"slur"})),
}

# Perspective's other attributes: each names something a wordlist cannot see, so we refuse them
# (with `dropUnsupportedAttributes`, we leave them out) rather than answer a number we made up.
UNSCORED = {
    "THREAT": "a threat is made of ordinary words; it is not in any wordlist",
    "FLIRTATION": "flirting is made of ordinary words; it is not in any wordlist",
    "SPAM": "spam is judged by links and repetition, not by words",
    "ATTACK_ON_AUTHOR": "whom a comment attacks needs its context, which a wordlist does not read",
    "ATTACK_ON_COMMENTER": "whom a comment attacks needs its context, which a wordlist does not read",
    "INCOHERENT": "coherence is not a matter of words in a list",
    "INFLAMMATORY": "inflammatory intent is not a matter of words in a list",
    "LIKELY_TO_REJECT": "it predicts a moderator's decision, which a wordlist does not model",
    "OBSCENE": "ask for PROFANITY or SEXUALLY_EXPLICIT, which are scored from the lists",
    "UNSUBSTANTIAL": "substance is not a matter of words in a list",
}


def severity_of(match: Mapping[str, Any], attribute: Attribute) -> int:
    """The severity `attribute` reads in a match (as the API answers it); 0 when it does not read it."""
    if match["category"] not in attribute.categories:
        return 0
    return max(int(match["severity"]) - attribute.shift, 0)


def score(severities: Iterable[int]) -> float:
    """The score of a text whose matches (for one attribute) have these severities (0: not read)."""
    worst, count = 0, 0
    for s in severities:
        if s > worst:
            worst, count = s, 1
        elif s == worst and s:
            count += 1
    if worst == 0:
        return 0.0
    worst = min(worst, 3)
    return round(LOW[worst] + (HIGH[worst] - LOW[worst]) * (1 - 1 / count), 4)
