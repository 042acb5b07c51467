"""The automata start as an NFA, become a DFA once they have scanned enough, find the same with
either, and are built once per process for the same patterns."""

from __future__ import annotations

from moderation import Moderator
from moderation.engine import automaton as automata
from moderation.engine.automaton import Automaton, automaton, joined
from moderation.engine.matcher import APART_FROM, TERM, OnePass, Triggers, Words, _views
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
    assert len(automata._kept) == 2  # English's triggers and words, built at their first scan
    texts = [case.text for name in files("positive") + files("evasion") + files("negative") for case in load(name)]
    assert len(texts) > 500
    before = [moderator.check(text) for text in texts]
    both = moderator._alone[None][1]._one_pass()._joined  # the two joined, which a check scans
    assert both is not None and both in automata._kept.values() and not both.dfa
    moderator.check("lorem ipsum " * (automata.UPGRADE_AFTER // 12 + 1))  # a long text: each scans it apart
    both.find(b" " * automata.UPGRADE_AFTER)  # as many short texts would
    assert both.dfa and all(a.dfa for a in automata._kept.values() if a._found is not None)
    assert [moderator.check(text) for text in texts] == before
    assert any(r.flagged for r in before) and not all(r.flagged for r in before)


def test_two_joined_find_what_each_finds_with_the_second_s_indexes_after_the_first_s() -> None:
    first, second = automaton(["fuck", "k", "sh"]), automaton(["uck", "fuck", " a"])
    both = joined(first, second)
    assert joined(first, second) is both and joined(second, first) is not both
    text = b" fuck a shit "
    assert sorted(both.find(text)) == sorted([*first.find(text), *((i + 3, s, e) for i, s, e in second.find(text))])


def test_one_pass_finds_what_the_triggers_and_the_words_find_each_in_its_view() -> None:
    matcher = Moderator.from_config()._alone[None][1]
    one = OnePass(matcher.triggers, matcher.words)
    for text in ("what the fuck", "f*ck th1s sh!t", "a s s h o l e", "fu-ck", "clean text, nothing here", "",
                 "sh!t fu-ck " * (APART_FROM // 11 - 1), "sh!t fu-ck " * (APART_FROM // 11 + 1)):  # joined, apart
        views = _views(text)
        assert one.find(views.padded, views.words) == (matcher.triggers.fire(views.padded),
                                                        matcher.words.find(views.words))


def test_patterns_with_the_separator_are_scanned_apart() -> None:
    # The two views are joined by a NUL for one scan: patterns that hold one are scanned alone.
    triggers = Triggers([])
    words = Words()
    words.add({"a\0b": (TERM, 0, 0, 0), "ab": (TERM, 1, 0, 0)})
    words.build()
    one = OnePass(triggers, words)
    assert one._joined is None
    assert one.find(b" ab ", b" a\0b ab ") == (triggers.fire(b" ab "), [(0, 1, 4), (1, 5, 7)])
