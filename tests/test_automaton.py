"""The automata start as an NFA, become a DFA once they have scanned enough, find the same with
either, and are built once per process for the same patterns."""

from __future__ import annotations

from moderation import Moderator
from moderation.engine import automaton as automata
from moderation.engine.automaton import Automaton, automaton
from tests.golden import files, load

PATTERNS = ("fuck", " ass ", "sh it", "fu", "uck", "ss", "a")


def test_an_automaton_becomes_a_dfa_after_scanning_enough_and_finds_the_same() -> None:
    found = Automaton(tuple(p.encode("latin-1") for p in PATTERNS))
    text = b" what the fuck, sh it, kiss my ass a bit. fuckfuck "
    before = found.find(text)
    assert not found.dfa
    assert [PATTERNS[i] for i, _, _ in before].count("fuck") == 3
    filler = b"x" * automata.UPGRADE_AFTER
    found.find(filler)
    assert found.dfa
    assert found.find(text) == before
    assert found.find(filler) == []


def test_patterns_too_large_for_a_dfa_stay_an_nfa() -> None:
    many = tuple(f"{n:07d}".encode("latin-1") for n in range(automata.DFA_LETTERS // 7 + 1))
    found = Automaton(many)
    found.find(b"0" * automata.UPGRADE_AFTER)
    assert not found.dfa
    assert found.find(b"x0000042x") == [(42, 1, 8)]


def test_the_same_patterns_make_one_automaton_per_process() -> None:
    first = automaton(list(PATTERNS))
    assert automaton(list(PATTERNS)) is first
    assert automaton([*PATTERNS, "more"]) is not first
    assert automaton(["ab", "c"]) is not automaton(["a", "bc"])
    assert automaton(["fuck\0", "x"]) is not automaton(["fuck", "\0x"])  # a NUL (a policy's phrase may hold one)


def test_a_moderator_checks_the_same_before_and_after_its_automata_become_dfas() -> None:
    automata._kept.clear()  # built anew: another test's moderator may have upgraded them already
    moderator = Moderator.from_config()
    built = list(automata._kept.values())
    assert len(built) == 2 and not any(a.dfa for a in built)  # English's triggers and words
    texts = [case.text for name in files("positive") + files("evasion") + files("negative") for case in load(name)]
    assert len(texts) > 500
    before = [moderator.check(text) for text in texts]
    moderator.check("lorem ipsum " * (automata.UPGRADE_AFTER // 12 + 1))
    assert all(a.dfa for a in built)
    assert [moderator.check(text) for text in texts] == before
    assert any(r.flagged for r in before) and not all(r.flagged for r in before)
