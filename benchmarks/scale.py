"""Rows at scale (issue 14): check_many against check_arrow on the same comments, and what a
pickled Moderator costs to ship and to build again.

    python benchmarks/scale.py [--rows 300000] [--repeat 3]   # rows/s of check_many and check_arrow
    python benchmarks/scale.py --pickle [--repeat 5]          # pickled size, unpickle-and-build time

The comments are synthetic and seeded (every run checks the same ones): 5 to 30 ordinary words,
about 2% of them with one of a few bundled words (plain, leet or self-censored) put in. check_many
gets a list of str, check_arrow the same texts as a pyarrow string array made before the clock
starts (what a data frame holds); the runs alternate, each after a garbage collection, and the
figures are medians. --pickle pickles the bundled lists' Moderator and unpickles it in fresh
processes, against Moderator.from_config in fresh processes (what a worker would do without it).
"""

from __future__ import annotations

import argparse
import gc
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

PROSE = ("the council said on Tuesday that new bus routes would open next month after a long review of "
            "traffic in the city centre and people who live near the station asked for more trains at night "
            "while shops reported better sales this summer than last year because of the weather and a new "
            "market I think this article is great thanks for writing it what about parking though")
ORDINARY = PROSE.split()  # the words of the clean comments
PROFANE = ("fuck", "shit", "f**king", "sh1t", "bullshit", "asshole", "crap", "bastard")
PROFANE_SHARE = 0.02
UNPICKLE = """
import pickle, sys, time
import moderation.engine.moderator
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
mod = pickle.loads(data)
built = time.perf_counter() - start
start = time.perf_counter()
again = pickle.loads(data)
cached = time.perf_counter() - start
assert again is mod and mod.check("what the f**k").flagged
print(built, cached)
"""
FROM_CONFIG = """
import sys, time
from moderation import Moderator
start = time.perf_counter()
Moderator.from_config()
print(time.perf_counter() - start)
"""


def comments(rows: int, seed: int = 14) -> list[str]:
    """`rows` synthetic comments, about PROFANE_SHARE of them with a profane word (module docstring)."""
    rng = random.Random(seed)
    texts = []
    for _ in range(rows):
        words = rng.choices(ORDINARY, k=rng.randint(5, 30))
        if rng.random() < PROFANE_SHARE:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PROFANE))
        texts.append(" ".join(words).capitalize() + ".")
    return texts


def seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rows_per_second(rows: int, repeat: int) -> None:
    import pyarrow as pa

    from moderation import Moderator
    from moderation.batch import check_arrow

    mod = Moderator.from_config()
    texts = comments(rows)
    strings = pa.array(texts, pa.string())
    runs: dict[str, Callable[[], object]] = {
        "check_many": lambda: mod.check_many(texts),
        "check_arrow": lambda: check_arrow(mod, strings),
        "flagged_among (no columns)": lambda: mod.flagged_among(texts),
    }
    for run in runs.values():  # warm the readings' and masks' caches alike for all
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(seconds(run))
    flagged = sum(check_arrow(mod, strings).column("flagged").to_pylist())
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{rows:,} comments, {mb:.1f} MB, {flagged:,} flagged ({flagged / rows:.1%}); medians of {repeat}\n")
    print("| call | rows/s | seconds |")
    print("|---|---|---|")
    speed = {name: rows / statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"| {name} | {speed[name]:,.0f} | {statistics.median(t):.2f} |")
    print(f"\ncheck_arrow / check_many: {speed['check_arrow'] / speed['check_many']:.2f}")


def pickling(repeat: int) -> None:
    from moderation import Moderator

    data = pickle.dumps(Moderator.from_config(), protocol=pickle.HIGHEST_PROTOCOL)
    with tempfile.NamedTemporaryFile(suffix=".pickle") as file:
        file.write(data)
        file.flush()
        runs = [_python(UNPICKLE, file.name) for _ in range(repeat)]
    fresh = [_python(FROM_CONFIG)[0] for _ in range(repeat)]
    print(f"pickled Moderator (bundled lists): {len(data):,} bytes; fresh processes, medians of {repeat}\n")
    print("| in a fresh process (moderation imported) | ms |")
    print("|---|---|")
    print(f"| pickle.loads, building the moderator | {statistics.median(r[0] for r in runs) * 1000:.1f} |")
    print(f"| pickle.loads again (the cached one) | {statistics.median(r[1] for r in runs) * 1000:.3f} |")
    print(f"| Moderator.from_config(), for comparison | {statistics.median(fresh) * 1000:.1f} |")


def _python(code: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=None, help="runs to take the median of (3; 5 with --pickle)")
    parser.add_argument("--pickle", action="store_true", help="the pickled size and unpickle time instead")
    args = parser.parse_args()
    if args.pickle:
        pickling(args.repeat or 5)
    else:
        rows_per_second(args.rows, args.repeat or 3)


if __name__ == "__main__":
    main()
