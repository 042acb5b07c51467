"""How the build grows with the list: synthetic lists of 5k to 50k terms, each loaded in a fresh process.

    python benchmarks/big_lists.py [--sizes 5000,10000,20000,50000] [--repeat 3]

A synthetic term is 4 to 10 random letters (seeded: every run builds the same lists), one in ten
an inside-word term, one in twenty a two-word phrase, in the bundled list's categories. Each size
is written as a list file beside a config that names it; a fresh process loads it with
`Moderator.from_config` and reports the seconds that took, its automata's patterns and its peak
RSS, against a process that loads the bundled lists alone (the baseline, in the same run).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import subprocess
import sys
import tempfile
from pathlib import Path

CATEGORIES = ("profanity", "insult", "slur", "sexual")
PROBE = """
import json, resource, sys, time
from moderation import Moderator
start = time.perf_counter()
m = Moderator.from_config(sys.argv[1] if len(sys.argv) > 1 else None)
built = time.perf_counter() - start
m.check("warm up the readings")
matcher = m._matchers[m.config.default_policy, "en"]
print(json.dumps({"seconds": built, "patterns": matcher.patterns,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def synthetic(n: int, taken: set[str], seed: int = 7) -> str:
    """A list file of n distinct terms, none of them in `taken` (see the module docstring)."""
    rng = random.Random(seed)
    terms: set[str] = set()
    lines = {c: [] for c in CATEGORIES}
    while len(terms) < n:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10)))
        roll = rng.random()
        if roll < 0.05:
            word += " " + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 7)))
        if word in terms or word in taken:
            continue
        terms.add(word)
        scope = "inside" if 0.05 <= roll < 0.15 else "word"
        lines[rng.choice(CATEGORIES)].append(f"{word}: {rng.randint(1, 3)} {scope}")
    return "".join(f"[{c}]\n" + "\n".join(lines[c]) + "\n" for c in CATEGORIES)


def probe(config: Path | None) -> dict[str, float]:
    args = [sys.executable, "-c", PROBE] + ([str(config)] if config else [])
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def medians(config: Path | None, repeat: int) -> dict[str, float]:
    runs = [probe(config) for _ in range(repeat)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from moderation import Moderator

    taken = {e.term for e in Moderator.from_config().lists.entries}
    base = medians(None, args.repeat)
    print(f"medians of {args.repeat} fresh processes; extra: beyond the bundled lists' process in the same run\n")
    print("| synthetic terms | build s | extra build s | patterns | peak RSS MB | extra RSS MB |")
    print("|---|---|---|---|---|---|")
    print(f"| 0 (bundled only) | {base['seconds']:.2f} | 0 | {base['patterns']:,.0f} | {base['rss_mb']:.0f} | 0 |")
    with tempfile.TemporaryDirectory() as folder:
        for n in map(int, args.sizes.split(",")):
            lists = Path(folder) / f"synthetic-{n}.txt"
            lists.write_text(synthetic(n, taken), encoding="utf-8")
            config = Path(folder) / f"moderation-{n}.toml"
            config.write_text(f'[wordlists]\npaths = ["{lists.name}"]\n', encoding="utf-8")
            got = medians(config, args.repeat)
            print(f"| {n:,} | {got['seconds']:.2f} | {got['seconds'] - base['seconds']:.2f} | "
                  f"{got['patterns']:,.0f} | {got['rss_mb']:.0f} | {got['rss_mb'] - base['rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
