"""A search for slow shapes: random units of hostile fragments, repeated, timed at two sizes.

    python benchmarks/fuzz_hostile.py [--trials 300] [--kb 32] [--seed 1]

Each trial joins one to four fragments (bad words, masks, separators, leet, homoglyphs,
invisible characters, HTML and Markdown constructs left open) into a unit, repeats it to --kb
and to twice that, and checks it as one content type. A shape whose time at twice the size is
more than 2.3 times its time (confirmed at four times the size, to rule out noise), or whose time
per byte is more than 20 times prose's, is printed; at the end, the worst shapes of each kind.
Found shapes go into benchmarks/hostile.py, where the counting tests (tests/test_linear.py) see them.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile import CONTENT_TYPES, MAX_DOUBLING, MAX_RATIO, prose, repeated, seconds

from moderation import Moderator

FRAGMENTS = [
    "fuck", "shit", "f**k", "sh*t", "f u c k", "f.u.c.k", "s_h_i_t", "fu ck", "sh1t", "@ss", "5h!t", "fuuuuck",
    "fυсk", "ｆｕｃｋ", "f\u200bu", "\u00ad", "fück", "a", "b c", "*", "**", "_", "__", "~~", "-", "--", ".", " ",
    "\n", "\n\n", "\\", "\\*", "`", "```", "[", "]", "](", "(x)", "![", "<", "<a ", "<a href='", '"', "'", "=",
    ">", "</a>", "<b>", "<!--", "-->", "<script>", "&", "&amp;", "&#", "&#x66;", "http://x.co/", "www.", "#",
    "> ", "- ", "1. ", "|", "| a |", "---", "    ", "\t", "x" * 30,
]


def trial(moderator: Moderator, unit: str, content_type: str, size: int,
          base: dict[int, dict[str, float]]) -> tuple[float, float]:
    t = [seconds(moderator, repeated(unit, n), content_type, 1) for n in (size, 2 * size)]
    doubling = t[1] / t[0] if t[0] else 1.0
    if doubling > MAX_DOUBLING:  # confirm: noise rarely repeats at the next size
        t4 = seconds(moderator, repeated(unit, 4 * size), content_type, 1)
        doubling = min(doubling, t4 / t[1])
    ratio = t[1] / base[2 * size][content_type]
    return ratio, doubling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--kb", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    moderator = Moderator.from_config()
    size = args.kb * 1024
    texts = prose(2 * size)
    base = {2 * size: {ct: seconds(moderator, texts[ct], ct, 3) for ct in CONTENT_TYPES}}
    found: list[tuple[float, float, str, str]] = []
    for _ in range(args.trials):
        unit = "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 4)))
        content_type = rnd.choice(CONTENT_TYPES)
        ratio, doubling = trial(moderator, unit, content_type, size, base)
        found.append((ratio, doubling, unit, content_type))
        if ratio > MAX_RATIO or doubling > MAX_DOUBLING:
            print(f"{content_type} {unit!r}: ratio to prose {ratio:.1f}, doubling {doubling:.2f}", flush=True)
    print(f"\n{args.trials} trials at {args.kb} KB and {2 * args.kb} KB; the worst:")
    for label, index in (("ratio to prose", 0), ("doubling", 1)):
        for row in sorted(found, key=lambda r: -float(r[index]))[:5]:
            print(f"  by {label}: {row[3]} {row[2]!r}: ratio {row[0]:.1f}, doubling {row[1]:.2f}")


if __name__ == "__main__":
    main()
