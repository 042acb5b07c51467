"""This tree's speed beside another checkout's, in alternating fresh processes.

    git worktree add /tmp/old <commit>
    python benchmarks/trees.py /tmp/old [--rounds 7] [--nine]

On a shared machine a figure alone means little; two trees measured in turns, each round in a
fresh process of each, and the medians compared, mean more. Each round builds a moderator, then
times the fortunes as one text (cold: its caches empty), one call per fortune (cold, then warm).
With --nine, a moderator of all nine languages instead, checking them all: check_many over the
first 6,000 fortunes, and the build.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NINE = ["en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru"]
ENGLISH = r'''
import sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2])
from corpus import fortunes
from moderation import Moderator
texts = fortunes(); corpus = "\n".join(texts); size = len(corpus.encode()) / 1e6
m = Moderator.from_config(); t = time.perf_counter(); m.check(corpus); whole = time.perf_counter() - t
m = Moderator.from_config(); t = time.perf_counter(); [m.check(x) for x in texts]; each = time.perf_counter() - t
t = time.perf_counter(); [m.check(x) for x in texts]; warm = time.perf_counter() - t
print(size / whole, size / each, size / warm)
'''
NINE_CODE = r'''
import sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2])
from corpus import fortunes
from moderation import Moderator
texts = fortunes()[:6000]; size = sum(len(t.encode()) for t in texts) / 1e6
t = time.perf_counter(); m = Moderator.from_config(sys.argv[3]); build = time.perf_counter() - t
m.check_many(texts[:100])
t = time.perf_counter(); m.check_many(texts); many = time.perf_counter() - t
print(size / many, build * 1000)
'''
COLUMNS = {False: ("whole text, cold MB/s", "one call each, cold MB/s", "one call each, warm MB/s"),
           True: ("nine languages, check_many MB/s", "nine languages, build ms")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="another checkout of the project")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--nine", action="store_true", help="all nine languages instead of English")
    args = parser.parse_args()
    config = Path(tempfile.mkdtemp()) / "nine.toml"
    config.write_text(f"[wordlists]\nlanguages = {NINE}\n[policies.default]\nlanguages = {NINE}\n".replace("'", '"'),
                      encoding="utf-8")
    code = NINE_CODE if args.nine else ENGLISH
    trees = {"old": args.old.resolve(), "this": HERE.parent}
    found: dict[str, list[list[float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            out = subprocess.run([sys.executable, "-c", code, str(tree), str(HERE), str(config)],
                                 capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
            found[name].append([float(x) for x in out.stdout.split()])
    print(f"medians of {args.rounds} alternating rounds\n")
    print("| measure | old | this | this / old |")
    print("|---|---|---|---|")
    for i, column in enumerate(COLUMNS[args.nine]):
        old, new = (statistics.median(row[i] for row in found[name]) for name in trees)
        print(f"| {column} | {old:.1f} | {new:.1f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
