"""Policies from TOML: actions, thresholds, masks, extra terms, and load errors with lines."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import ConfigError, Moderator, UnknownPolicyError, UnsupportedContentTypeError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "moderation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy_actions(moderator: Moderator) -> None:
    assert moderator.check("a lovely day").action == "allow"
    assert moderator.check("damn").action == "mask"
    assert moderator.check("what the fuck").action == "review"


def test_result_dict_matches_the_contract(moderator: Moderator) -> None:
    body = moderator.check("I'm f***ing telling you").to_dict()
    assert body["flagged"] is True
    assert body["policy"] == "default"
    assert body["cleaned"] == "I'm f****** telling you"
    assert len(body["version"]) == 16
    assert body["matches"] == [{"start": 4, "end": 11, "text": "f***ing", "term": "fucking",
                                "category": "profanity", "severity": 3, "evasions": ["masked"],
                                "list": "en/profanity", "language": "en"}]


def test_policy_thresholds_categories_and_masks(tmp_path: Path) -> None:
    mod = Moderator.from_config(write(tmp_path, """
[policies.titles]
categories = ["slur", "profanity"]
min_severity = 2
review_at = 2
block_at = 3
mask = "full"
mask_char = "#"
[policies.titles.masks]
slur = "replace"
"""))
    assert mod.check("damn idiot").action == "allow"  # severity 1 and an ignored category
    shit = mod.check("shit")
    assert (shit.action, shit.cleaned) == ("review", "####")
    slur = mod.check("you faggot")
    assert (slur.action, slur.cleaned) == ("block", "you [removed]")


def test_extra_allow_and_block_terms(tmp_path: Path) -> None:
    mod = Moderator.from_config(write(tmp_path, """
[policies.default]
allow = ["Dick Van Dyke", "hell's kitchen"]
block = ["frak", {term = "smeg", category = "insult", severity = 3, scope = "inside"}]
"""))
    assert not mod.check("Hell's Kitchen opens").flagged
    assert [m.term for m in mod.check("frak off, smeghead").matches] == ["frak", "smeg"]
    assert mod.check("frak off, smeghead").matches[1].evasions == ("compound",)
    assert mod.check("smeg").action == "review"


def test_an_inside_term_with_a_mark_spans_the_words_it_joins(tmp_path: Path) -> None:
    """An inside-word term of letters lies in one word; one with a hyphen (no list holds one) may
    start in one word and end in the next: each end takes its own word, and a word's terms are
    read once, as for terms of letters."""
    mod = Moderator.from_config(write(tmp_path, """
[policies.default]
block = [{term = "g-spot", category = "sexual", severity = 2, scope = "inside"},
         {term = "smeg", category = "insult", severity = 2, scope = "inside"}]
"""))
    assert [(m.text, m.term) for m in mod.check("the big-spots, smegsmeg and g-spotless").matches] == [
        ("big-spots", "g-spot"), ("smegsmeg", "smeg"), ("g-spotless", "g-spot")]
    assert [m.text for m in mod.check("the g-spot").matches] == ["g-spot"]


def test_policies_share_the_lists_matcher_and_their_own_terms_win(tmp_path: Path) -> None:
    """Each policy's own terms and phrases sit on top of the lists' matcher, built once: a block
    term replaces its listed twin, is read through evasions, and the lists' allow phrases and the
    policy's own hold for both."""
    mod = Moderator.from_config(write(tmp_path, """
[policies.default]
block = [{term = "damn", category = "insult", severity = 3}, "frak"]
[policies.other]
allow = ["damn fine"]
"""))
    shared = mod._matchers["default", "en"].base
    assert shared is not None and shared is mod._matchers["other", "en"].base
    assert [(m.term, m.category, m.severity) for m in mod.check("damn it").matches] == [("damn", "insult", 3)]
    assert [(m.text, m.evasions) for m in mod.check("fr@k off").matches] == [("fr@k", ("leet",))]
    assert not mod.check("frak", policy="other").flagged  # another policy's term
    assert not mod.check("Scunthorpe United").flagged  # the lists' allow phrase, under a policy of its own
    assert not mod.check("a damn fine coffee", policy="other").flagged
    assert mod.check("damn it", policy="other").matches[0].category != "insult"


def test_sexual_abuse_goes_to_review_and_anatomy_is_reported_only_when_chosen(tmp_path: Path) -> None:
    terms = """block = [{term = "grooom", category = "sexual_abuse", severity = 1},
         {term = "pennis", category = "anatomy", severity = 1}]"""
    mod = Moderator.from_config(write(tmp_path, f"""
[policies.default]
{terms}
[policies.lenient]
review_categories = []
{terms}
[policies.health]
categories = ["anatomy", "profanity"]
{terms}
"""))
    assert mod.check("grooom").action == "review"  # mild, but its category sends it to review
    assert mod.check("grooom", policy="lenient").action == "mask"
    assert not mod.check("pennis").flagged and mod.check("pennis", policy="health").action == "mask"
    assert not mod.check("grooom", policy="health").flagged  # not among its categories


def test_a_policy_can_leave_code_unchecked(tmp_path: Path) -> None:
    mod = Moderator.from_config(write(tmp_path, "[policies.docs]\ncheck_code = false\n[policies.default]\n"))
    page, notes = "<p>fine</p><pre>shit</pre>", "`fuck` and\n\n    shit = 1\n"
    assert [m.text for m in mod.check(page, content_type="text/html").matches] == ["shit"]
    assert not mod.check(page, policy="docs", content_type="text/html").flagged
    assert not mod.check(notes, policy="docs", content_type="text/markdown").flagged
    assert mod.check("`fuck`", policy="docs").flagged  # plain text has no code


def test_version_changes_with_the_config(tmp_path: Path, moderator: Moderator) -> None:
    a = Moderator.from_config(write(tmp_path, "[policies.default]\nmin_severity = 1\n"))
    b = Moderator.from_config(write(tmp_path, "[policies.default]\nmin_severity = 2\n"))
    assert len({a.version, b.version, moderator.version}) == 3


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        ("[policies.default]\nmin_severity = 7\n", 2, "min_severity must be between 1 and 3"),
        ("[policies.default]\n\nmask = \"blur\"\n", 3, "mask rule 'blur' is not one of"),
        ("[policies.default]\ncategories = [\"rude\"]\n", 2, "unknown category 'rude'"),
        ("[policies.default]\n\nreview_categories = [\"vile\"]\n", 3, "unknown category 'vile'"),
        ("[policies.default]\nmask_char = \"**\"\n", 2, "mask_char must be one character"),
        ("[policies.default]\nreview_at = \"high\"\n", 2, "review_at must be a whole number"),
        ("[wordlist]\npaths = []\n", 1, "unknown key 'wordlist'"),
        ("[wordlists]\npaths = [\"nowhere\"]\n", 2, "does not exist"),
        ("[policies.default]\nmin_severity = \n", 2, "invalid TOML"),
        ("default_policy = \"strict\"\n[policies.default]\n", 1, "default_policy 'strict' is not among"),
        ("[policies.default]\nblock = [\"f*ck\"]\n", 2, "may hold only letters"),
        ("[policies.default]\nallow = [\" \"]\n", 2, "allow phrase ' ' may hold only letters"),  # allows nothing
        ("[policies.default]\nallow = [\"shit\\u0000\"]\n", 2, "allow phrase 'shit\\x00' may hold only letters"),
        ("[policies.default]\ncheck_code = \"no\"\n", 2, "check_code must be true or false, not 'no'"),
        ("[policies]\ndefault = 3\n", 2, "default must be a table, not 3"),
        ("[policies.default]\nallow = [\"x\",\n", 2, "invalid TOML: Invalid value"),  # at the end of the file
    ],
)
def test_bad_config_names_file_and_line(tmp_path: Path, toml: str, line: int, message: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError) as err:
        Moderator.from_config(path)
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert message in str(err.value)


def test_unknown_policy_and_content_type(moderator: Moderator) -> None:
    with pytest.raises(UnknownPolicyError, match="known policies: default"):
        moderator.check("x", policy="strict")
    with pytest.raises(UnsupportedContentTypeError, match=r"application/pdf.*text/plain, text/html, text/markdown"):
        moderator.check("x", content_type="application/pdf")


def test_check_many_reads_a_generator_once_and_refuses_one_str(moderator: Moderator) -> None:
    texts = ["what the fuck", "clean", "sh1t"]
    assert [r.to_dict() for r in moderator.check_many(t for t in texts)] == [moderator.check(t).to_dict()
                                                                            for t in texts]
    assert sorted(moderator.flagged_among(iter(texts))) == [0, 2]
    # None is no text, in both: check_many's result for it is None, and flagged_among passes it by
    with_none = [None, *texts, None]
    assert moderator.check_many(with_none)[0] is None
    assert {i: r.to_dict() for i, r in moderator.flagged_among(with_none).items()} == \
        {i + 1: moderator.check(t).to_dict() for i, t in enumerate(texts) if moderator.check(t).flagged}
    with pytest.raises(TypeError, match="not one str"):
        moderator.check_many("what the fuck")
    # languages given as an iterator are its languages, not none
    assert moderator.check("fuck", languages=iter(["en"])).flagged


def test_better_profanity_list_is_an_extra_source(tmp_path: Path, moderator: Moderator) -> None:
    word = "xxx"  # in better-profanity's list, not in ours
    assert not moderator.check(f"{word} rated").flagged
    mod = Moderator.from_config(write(tmp_path, "[wordlists]\nbetter_profanity = true\n"))
    match = mod.check(f"{word} rated").matches[0]
    assert (match.term, match.list) == (word, "better-profanity")


def test_every_mistake_of_a_config_is_found_each_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """default_policy = "default"
[wordlists]
languages = ["en", "xx"]
[policies.default]
mask = "blur"
min_severity = 7
[policies.titles]
colour = "red"
mask = "smudge"
[policies.titles.masks]
slur = "wipe"
""")
    with pytest.raises(ConfigError) as err:
        Moderator.from_config(path)
    assert [(e.line, e.message.split(";")[0]) for e in err.value.errors] == [
        (3, "no bundled wordlists for 'xx'"),
        (5, "mask rule 'blur' is not one of full, first, first_last, grawlix, replace"),
        (6, "min_severity must be between 1 and 3, not 7"),
        (8, "unknown key 'colour' in [policies.titles]"),
        (9, "mask rule 'smudge' is not one of full, first, first_last, grawlix, replace"),  # not line 5's mask
        (11, "mask rule 'wipe' is not one of full, first, first_last, grawlix, replace"),
    ]
    assert str(err.value).startswith(f"{path}:3: no bundled wordlists for 'xx'")


def test_a_key_in_an_inline_table_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, '[policies]\n\ntitles = {mask = "blur"}\n')
    with pytest.raises(ConfigError, match=r"moderation\.toml:3: mask rule 'blur'"):
        Moderator.from_config(path)


@pytest.mark.parametrize("deep", ["x = " + "[" * 3000 + "]" * 3000, "x = " + "{a = " * 3000 + "1" + "}" * 3000])
def test_nesting_too_deep_for_the_toml_reader_is_a_config_error(tmp_path: Path, deep: str) -> None:
    path = write(tmp_path, f"# a config\n\n{deep}\n")
    with pytest.raises(ConfigError) as err:
        Moderator.from_config(path)
    assert str(err.value) == f"{path}:3: invalid TOML: arrays or inline tables nested too deeply"


def test_undecodable_config_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "moderation.toml"
    path.write_bytes(b"[policies.default]\nmask = \"caf\xe9\"\n")
    with pytest.raises(ConfigError, match=r"moderation\.toml:2: not UTF-8"):
        Moderator.from_config(path)


def test_tomllib_is_imported_only_to_read_a_config(tmp_path: Path) -> None:
    """A start with the bundled lists reads no TOML, and skips its import (~5 ms of a start)."""
    config = tmp_path / "moderation.toml"
    config.write_text("[policies.default]\nmin_severity = 2\n", encoding="utf-8")
    probe = ("import sys; from moderation import Moderator; Moderator.from_config().check('shit'); "
             "assert 'tomllib' not in sys.modules; Moderator.from_config(sys.argv[1]); "
             "assert 'tomllib' in sys.modules")
    subprocess.run([sys.executable, "-c", probe, str(config)], check=True, timeout=60)


PIECES = ["shit", "f**k", "FuCk", "Dick", "dick", "hello", "idiot", "you're a", "waste of space", "s h i t",
          "cocktail", "sh1t", "**", " ", "  ", "\n", ".", "!"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_the_short_way_of_check_answers_as_the_long_one(moderator: Moderator, text: str) -> None:
    """check's short way (plain text, a policy of one language) gives what the full way gives:
    the policy named or not, the languages given or not."""
    long_way = moderator.check(text, languages=["en"])
    assert moderator.check(text) == long_way
    assert moderator.check(text, "default") == long_way
    assert moderator.check_many([text]) == [long_way]


def test_the_short_way_follows_the_policy_named(tmp_path: Path) -> None:
    mod = Moderator.from_config(write(tmp_path, """
default_policy = "comments"
[policies.comments]
mask = "full"
[policies.titles]
min_severity = 3
mask_char = "#"
"""))
    assert mod.check("damn shit").cleaned == "**** ****"
    assert mod.check("damn shit", "comments").cleaned == "**** ****"
    assert mod.check("damn shit", "titles").cleaned == "damn shit"  # both below severity 3
    assert mod.check("fuck", "titles").cleaned == "f###"
    with pytest.raises(UnknownPolicyError):
        mod.check("fuck", "default")


def test_matches_and_results_are_values(moderator: Moderator) -> None:
    """Equal when their fields are, hashable, and copied with a change by dataclasses.replace."""
    first, again = moderator.check("what the fuck"), moderator.check("what the fuck")
    assert first == again and hash(first) == hash(again) and first is not again
    assert {first.matches[0], again.matches[0]} == {first.matches[0]}
    masked = dataclasses.replace(first, cleaned="what the ****")
    assert masked.cleaned == "what the ****" and masked.matches == first.matches
