"""Speed, start-up and memory against better-profanity and better-profanity-rs, in one run.

    python benchmarks/speed.py [--repeat 7]

Every figure is a median of --repeat runs on this machine, and every claim is a ratio between
tools measured side by side, so a noisy machine moves both sides together.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fortunes

STARTUP = {
    "moderation": "from moderation import Moderator; m = Moderator.from_config(); m.check('shit')",
    "better-profanity-rs": "from better_profanity_rs import profanity; profanity.censor('shit')",
    "better-profanity": "from better_profanity import profanity; profanity.censor('shit')",
    "python alone": "pass",
}
MEMORY = (
    "import resource; from moderation import Moderator; m = Moderator.from_config(); m.check('shit'); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def median_seconds(fn: Callable[[], object], repeat: int, setup: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(repeat):
        setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(repeat: int) -> dict[str, float]:
    """Each start-up as a deployment starts: with its modules' bytecode written (pip writes it at
    install; PYTHONDONTWRITEBYTECODE, if set here, would make every start compile them again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    found = {}
    for name, code in STARTUP.items():
        def run(code: str = code) -> None:
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
        run()  # writes the bytecode
        found[name] = median_seconds(run, repeat)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--bp-sample", type=int, default=400, help="fortunes better-profanity censors (it is slow)")
    args = parser.parse_args()

    from better_profanity import profanity as bp
    from better_profanity_rs import profanity as rs

    from moderation import Moderator

    texts = fortunes()
    corpus = "\n".join(texts)
    size = len(corpus.encode("utf-8"))
    mods = [Moderator.from_config()]

    def cold() -> None:
        """A fresh moderator for each run: its cache of token readings starts empty."""
        mods[0] = Moderator.from_config()

    bp.censor("warm up")
    rs.censor("warm up")

    whole = {
        "moderation": median_seconds(lambda: mods[0].check(corpus), args.repeat, cold),
        "better-profanity-rs": median_seconds(lambda: rs.censor(corpus), args.repeat),
    }
    per = {
        "moderation": median_seconds(lambda: [mods[0].check(t) for t in texts], args.repeat, cold),
        "better-profanity-rs": median_seconds(lambda: [rs.censor(t) for t in texts], args.repeat),
    }
    sample = texts[: args.bp_sample]
    sample_size = sum(len(t.encode("utf-8")) for t in sample)
    bp_time = median_seconds(lambda: [bp.censor(t) for t in sample], 3)
    ours_sample = median_seconds(lambda: [mods[0].check(t) for t in sample], args.repeat, cold)
    boot = startup(args.repeat)
    rss_kb = int(subprocess.run([sys.executable, "-c", MEMORY], check=True, capture_output=True,
                                text=True).stdout)

    mb = 1e6
    from moderation.engine import compiled

    engine = "compiled by mypyc" if compiled() else "as Python (not compiled)"
    print(f"corpus: {len(texts)} fortunes, {size / mb:.2f} MB (UTF-8); medians of {args.repeat} runs; "
          f"the engine {engine}\n")
    print("| measure | moderation | better-profanity-rs | ratio (ours/rs) |")
    print("|---|---|---|---|")
    w_ours, w_rs = size / whole["moderation"] / mb, size / whole["better-profanity-rs"] / mb
    p_ours, p_rs = size / per["moderation"] / mb, size / per["better-profanity-rs"] / mb
    print(f"| whole corpus as one text | {w_ours:.1f} MB/s | {w_rs:.1f} MB/s | {w_ours / w_rs:.2f} |")
    print(f"| one call per fortune | {p_ours:.1f} MB/s | {p_rs:.1f} MB/s | {p_ours / p_rs:.2f} |")
    s_ours, s_rs = boot["moderation"], boot["better-profanity-rs"]
    print(f"| start-up, whole process | {s_ours * 1000:.0f} ms | {s_rs * 1000:.0f} ms | {s_ours / s_rs:.2f} |")
    print()
    bp_rate = sample_size / bp_time
    ours_rate = sample_size / ours_sample
    print(f"better-profanity, one call per fortune on the first {len(sample)} fortunes: "
          f"{bp_rate / 1e3:.1f} KB/s; moderation on the same: {ours_rate / mb:.1f} MB/s; "
          f"ratio {ours_rate / bp_rate:.0f}x")
    print(f"start-up of better-profanity {boot['better-profanity'] * 1000:.0f} ms, "
          f"of python alone {boot['python alone'] * 1000:.0f} ms")
    print(f"resident memory of a process with a built moderator: {rss_kb / 1024:.0f} MB (peak RSS)")


if __name__ == "__main__":
    main()
