"""The batch CLI on a generated JSONL: --jobs 2 against --jobs 1, single-job throughput against
the engine's own on the same texts, and peak memory on a large input.

    python benchmarks/cli_load.py [--mb 200] [--memory-mb 1024] [--keep DIR]

The JSONL is generated from the fortunes corpus (one item per fortune, cycled, with an id).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fortunes

from moderation import Moderator

CLI = [sys.executable, "-c", "from moderation.cli import main; main()"]


def generate(path: Path, megabytes: int) -> int:
    """Write about `megabytes` of JSONL; return the number of items."""
    texts = fortunes()
    target = megabytes * 1_000_000
    written = n = 0
    with path.open("w", encoding="utf-8") as f:
        while written < target:
            line = json.dumps({"id": n, "text": texts[n % len(texts)]}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode())
            n += 1
    return n


# Runs the CLI and prints the peak RSS of the largest process of its tree (workers included:
# each is waited for by its parent, so it counts in the wrapper's RUSAGE_CHILDREN).
WRAPPER = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)"
           ".returncode; print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
           "sys.exit(code)")


def timed(args: list[str], repeat: int) -> tuple[float, int]:
    """Median seconds of the CLI run, and its peak RSS in KB (the largest process of the run)."""
    times = []
    peak = 0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", WRAPPER, *CLI, *args], stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr)
        peak = max(peak, int(re.findall(r"^PEAK (\d+)$", done.stderr, re.M)[-1]))
    return statistics.median(times), peak


def engine_seconds(path: Path, repeat: int) -> float:
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    mod = Moderator.from_config()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            mod.check(t)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the generated files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="moderation-cli-"))
    data = folder / f"items-{args.mb}mb.jsonl"
    items = generate(data, args.mb) if not data.exists() else sum(1 for _ in data.open())
    size = data.stat().st_size / 1e6
    print(f"{data.name}: {items} items, {size:.0f} MB; medians of {args.repeat} runs\n")
    print("| run | seconds | MB/s | peak RSS |")
    print("|---|---|---|---|")
    results = {}
    for label, extra in (("--jobs 1", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"]),
                         ("--jobs 1 --format jsonl", ["--jobs", "1", "--format", "jsonl"]),
                         ("--jobs 2 --format jsonl", ["--jobs", "2", "--format", "jsonl"])):
        seconds, peak = timed(["check", str(data), "--fail-on", "never", *extra], args.repeat)
        results[label] = seconds
        print(f"| moderation check {label} | {seconds:.1f} | {size / seconds:.1f} | {peak / 1024:.0f} MB |")
    engine = engine_seconds(data, args.repeat)
    print(f"| engine alone, Moderator.check per item | {engine:.1f} | {size / engine:.1f} | |")
    print(f"\n--jobs 2 / --jobs 1 speed-up: {results['--jobs 1'] / results['--jobs 2']:.2f}x (text report), "
          f"{results['--jobs 1 --format jsonl'] / results['--jobs 2 --format jsonl']:.2f}x (JSONL report)")
    print(f"single job against the engine alone: {engine / results['--jobs 1']:.2f} (text report), "
          f"{engine / results['--jobs 1 --format jsonl']:.2f} (JSONL report)")
    if args.memory_mb:
        big = folder / f"items-{args.memory_mb}mb.jsonl"
        if not big.exists():
            generate(big, args.memory_mb)
        for jobs in ("1", "2"):
            seconds, peak = timed(["check", str(big), "--fail-on", "never", "--jobs", jobs], 1)
            print(f"{big.stat().st_size / 1e9:.2f} GB input, --jobs {jobs}: {seconds:.0f} s, "
                  f"peak RSS of the largest process {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
