"""Hostile input: the time per KB of shapes an attacker may send, against ordinary prose.

    python benchmarks/hostile.py [--repeat 3] [--kb 1024] [--only SUBSTRING,...]

Each shape is a short unit repeated to half the size and to the size (a few are built to that
size another way: nesting, one long word); each is checked as plain text, HTML and Markdown.
Prose is the fortunes corpus as plain text, and as the HTML and Markdown articles of
markup_speed.py, cut to the same size. A row gives µs per KB at both sizes (medians of --repeat
runs), the ratio of its time per byte to that of prose of the same content type, and the doubling
ratio t(size) / t(size / 2). The targets (issue #10): ratio to prose at most 20, doubling at most
2.3; a row that misses one is marked `!`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fortunes
from markup_speed import as_html, as_markdown

from moderation import Moderator
from moderation.engine.automaton import UPGRADE_AFTER

CONTENT_TYPES = ("text/plain", "text/html", "text/markdown")
MAX_RATIO, MAX_DOUBLING = 20.0, 2.3

# Units repeated to size: bad words dense and glued, evasions, separators, markup left open.
UNITS = {
    "one word of fucks": "fuck",
    "fuck, spaced": "fuck ",
    "FuCk, odd case, spaced": "FuCk ",
    "f u c k": "f u c k ",
    "f.u.c.k.": "f.u.c.k.",
    "f_u_c_k_": "f_u_c_k_",
    "lone letters b c d": "b c d ",
    "lone letters in brackets": "(x)",
    "pipes": "|",
    "s_h_i_t and \\*": "s_h_i_t\\*",
    "f**k, spaced": "f**k ",
    "masks glued": "f**k",
    "words glued by stars": "shit**",  # one token of many hits, its masks read again together
    "masked glued to a root": "s****cunt",  # stars between letters join one word
    "sh1t leet": "sh1t ",
    "leet digits glued": "5h1t",
    "fuuuuck repeats": "fuuuuuuuuck ",
    "fu ck split": "fu ck ",
    "f..k dotted, spaced": "f..k ",
    "f..k dotted, glued": "f..k",
    "dotted names": "os.path ",
    "homoglyphs": "fυсk ",
    "fullwidth": "ｆｕｃｋ ",
    "zero-width inside": "f\u200bu\u200bc\u200bk ",
    "soft hyphens": "sh\u00adit ",
    "diacritics": "fück ",
    "camel joints": "aB",
    "camel words": "stupidTrump",
    "respelled": "phukk ",
    "root and tail": "shitface ",
    "one character": "a",
    "one mask character": "*",
    "dashes": "-",
    "--word": "a--",
    "emphasis *a": "*a ",
    "strong **a**": "**a** ",
    "underscores": "_a_ ",
    "unpaired `": "`a ",
    "links [a](b)": "[a](b) ",
    "brackets [": "[",
    "brackets [a": "[a ",
    "images ![": "![",
    "list items": "- a\n",
    "lists nested 40 deep": "".join("  " * depth + "- a\n" for depth in range(40)),
    "block quotes": "> ",
    "table rows": "| a | b |\n",
    "headings": "# a\n",
    "bare URLs": "http://x.com/a ",
    "www. with dots": "www.",
    "unclosed <a": "<a ",
    "unclosed <a title=": '<a title="',
    "tags <b>": "<b>",
    "img alt": '<img alt="x">',
    "img alt bad word": '<img alt="fuck">',
    "entities": "&amp;",
    "bare &": "& ",
    "unclosed comment": "<!-- ",
    "comment closers": "-->",
    "escaped masks": "s\\*\\*t ",
    # English aimed words (wordlists/en/frames.txt): framed and ending their phrase, framed and
    # going on (a compound: the next word is read), alone, and blanks up to the next word
    "masked word of a phrase": "porch m*nkey ",  # read with the words around it (readings.read_in_phrase)
    "aimed word in a frame": "you're a total clown ",
    "aimed word going on": "you're a pig farmer ",
    "aimed word alone": "pig ",
    "aimed word, blanks after": "you pig         ",
}


def _nested_links(size: int) -> str:
    depth = size // 8
    return "[" * depth + "fuck" + "](u)" * depth


def _nested_quotes(size: int) -> str:
    return ">" * (size - 5) + " fuck"


# Read by a moderator of all nine languages that identifies each text's (--languages): Cyrillic,
# mixed scripts, every language's evasions at once.
LANGUAGE_UNITS = {
    "Cyrillic word": "хуй ",
    "Cyrillic masked": "б**дь ",
    "Cyrillic spaced": "с у к а ",
    "Cyrillic dotted": "с..ка ",
    "Cyrillic dotted, glued": "х.й",
    "Cyrillic cut by a space": "дро чить иди от ",  # a word cut, and two words that stand alone
    "Cyrillic stress mark": "пизда\u0301 ",  # a combining mark after a word's last letter
    "mixed scripts in a word": "xyй",
    "letters read by their look or sound in a word": "муdак nидор ",  # normalize._one_script
    "a Latin letter read by its look or its sound": "трахnуть ХУЙNЯ застраxuй половые гuбы ",  # normalize.READ_TWO_WAYS
    "a Latin letter read two ways, glued": "аn",
    "a listed word read two ways, first of a phrase": "анальnый секс ",  # readings.read_word tries the phrase
    "the euro sign for я": "бл€ть ",  # a token read both ways: normalize.signs_read_two_ways
    "the euro sign glued": "а€",
    "й decomposed in a phrase": "убеи\u0306 себя ",  # normalize._composed, readings.read_in_phrase
    "a product in a formula": "(a*d + b*c)*i ",  # context.is_product
    "a product starting a line": "b*c = 5\n",  # context.is_product, at a line's start
    "mixed scripts spaced": "xyй fuсk ",
    "every language's swearing": "puta merde Scheiße cazzo kut kurwa хуй fuck ",
    "accents and ß": "coño Scheiße ",
    # aimed words and the frames looked for around each (wordlists/es/frames.txt): a frame with
    # no word, a word in its frame with an intensifier, a word alone, frames on both sides
    "frames without a word": "eres un ",
    "aimed word in a frame": "eres un puto capullo ",
    "aimed word alone": "capullo ",
    "aimed words between frames": "burro de mierda seu grande burro ",
    # Dutch frames, whose word must end its phrase (wordlists/nl/frames.txt): a follower after it,
    # and a word that goes on with it
    "Dutch aimed words, ended and not": "je bent een vuile pot hoor wat een pot koffie ",
    # Spanish and Portuguese sounds respelled (languages.SPANISH_SOUNDS, PORTUGUESE_SOUNDS): read
    # as words, as a respelled aimed word in its frame, and glued into one long run
    "respelled sounds": "kulo xupapijas kuzão chereca ",
    "respelled aimed word in a frame": "eres un kapullo ",
    "respelled sounds glued": "kulo",
    "two respellings in a word": "mamawebo mamaguebo ",  # matcher._respelled_windows' pairs
}
NINE = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru")


def nine_languages() -> Moderator:
    """A moderator of all nine languages, each text checked in the one it is written in."""
    folder = Path(tempfile.mkdtemp())
    config = folder / "nine.toml"
    config.write_text(f"[wordlists]\nlanguages = {list(NINE)!r}\n[policies.default]\nlanguages = {list(NINE)!r}\n"
                      "identify = true\n".replace("'", '"'), encoding="utf-8")
    return Moderator.from_config(config)


def _blanks_before_a_wrap(size: int) -> str:
    """A word that an allowed phrase holds, then one run of blanks to a line break (the phrase's
    wrap is looked for where the run starts, not at each of its blanks)."""
    return "dumb " + " " * max(0, size - 14) + "\nservers"


BUILT: dict[str, Callable[[int], str]] = {
    "links nested deep": _nested_links, "quotes nested deep": _nested_quotes,
    "blanks before a wrap": _blanks_before_a_wrap,
}


def repeated(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def prose(size: int) -> dict[str, str]:
    texts = fortunes()
    return {"text/plain": repeated("\n".join(texts), size), "text/html": repeated(as_html(texts, 35, True), size),
            "text/markdown": repeated(as_markdown(texts, 35, True), size)}


def seconds(moderator: Moderator, document: str, content_type: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        moderator.check(document, content_type=content_type)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kb", type=int, default=1024, help="the larger size; the smaller is half")
    parser.add_argument("--only", default="", help="only the shapes whose name holds one of these (comma-separated)")
    parser.add_argument("--languages", action="store_true",
                        help="the shapes of other languages, read by a moderator of all nine (prose: the fortunes)")
    args = parser.parse_args()
    big = args.kb * 1024
    moderator = nine_languages() if args.languages else Moderator.from_config()
    units = LANGUAGE_UNITS if args.languages else UNITS
    shapes: dict[str, Callable[[int], str]] = {name: (lambda n, u=unit: repeated(u, n)) for name, unit in units.items()}
    if not args.languages:
        shapes.update(BUILT)
    wanted = args.only.split(",")
    shapes = {"prose": lambda n: "", **{k: v for k, v in shapes.items() if any(w in k for w in wanted)}}
    base = {size: prose(size) for size in (big // 2, big)}
    for ct in CONTENT_TYPES:  # warm: the HTML reader's cache of tags starts empty
        moderator.check(base[big][ct], content_type=ct)
    # and the automata become DFAs after UPGRADE_AFTER bytes: their build must not land in prose's timing
    for _ in range(UPGRADE_AFTER // len(base[big]["text/plain"]) + 1):
        moderator.check(base[big]["text/plain"])
    per_kb = {ct: seconds(moderator, base[big][ct], ct, args.repeat) * 1e6 / args.kb for ct in CONTENT_TYPES}
    print(f"µs per KB at {args.kb // 2} KB and {args.kb} KB, medians of {args.repeat} runs; ratio: time per byte "
          f"at {args.kb} KB / prose's; doubling: t({args.kb} KB) / t({args.kb // 2} KB)\n")
    print("| shape | content type | µs/KB half | µs/KB full | ratio to prose | doubling |")
    print("|---|---|---|---|---|---|")
    for name, build in shapes.items():
        for ct in CONTENT_TYPES:
            t = [seconds(moderator, base[size][ct] if name == "prose" else build(size), ct, args.repeat)
                 for size in (big // 2, big)]
            ratio, doubling = t[1] * 1e6 / args.kb / per_kb[ct], t[1] / t[0]
            flag = " !" if ratio > MAX_RATIO or doubling > MAX_DOUBLING else ""
            print(f"| {name} | {ct} | {t[0] * 1e6 / (args.kb / 2):.0f} | {t[1] * 1e6 / args.kb:.0f} | {ratio:.1f} "
                  f"| {doubling:.2f}{flag} |", flush=True)


if __name__ == "__main__":
    main()
