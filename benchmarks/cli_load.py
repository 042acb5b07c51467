"""The batch CLI on a generated JSONL: --jobs 2 against --jobs 1, single-job throughput against
the engine's own on the same texts, and peak memory on a large input.

    python benchmarks/cli_load.py [--mb 200] [--memory-mb 1024] [--repeat 3] [--keep DIR]

The JSONL is generated from the fortunes corpus (one item per fortune, cycled, with an id). The
engine's own speed is a loop of Moderator.check over the texts already decoded, in this process,
its cache warm; each CLI run is a whole process: start-up, reading, decoding and writing included.
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


def timed(args: list[str], command: list[str] = CLI) -> tuple[float, int]:
    """Seconds of one CLI run (or of another command), and its peak RSS in KB (the largest process of the run)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command, *args], stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return seconds, int(re.findall(r"^PEAK (\d+)$", done.stderr, re.M)[-1])


def engine_seconds(mod: Moderator, texts: list[str]) -> float:
    """The engine's own speed, as a library user gets it: Moderator.check on each text."""
    start = time.perf_counter()
    for t in texts:
        mod.check(t)
    return time.perf_counter() - start


def batch_seconds(mod: Moderator, texts: list[str]) -> float:
    """The engine's batch call over slices about the size of the CLI's 256 KB blocks (for reference)."""
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        mod.check_many(texts[i : i + BATCH])
    return time.perf_counter() - start


RUNS = (("--jobs 1", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"]),
        ("--jobs 1 --format jsonl", ["--jobs", "1", "--format", "jsonl"]),
        ("--jobs 2 --format jsonl", ["--jobs", "2", "--format", "jsonl"]))
ENGINE = "engine alone, Moderator.check per item"
BATCH = 1250
MANY = f"engine alone, Moderator.check_many per {BATCH} items"


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
    texts = [json.loads(line)["text"] for line in data.open(encoding="utf-8")]
    mod = Moderator.from_config()
    engine_seconds(mod, texts[:20_000])  # its cache of token readings warm, as the CLI's is after a cycle
    # Round by round, so that each ratio compares runs of the same minute on a noisy machine.
    times: dict[str, list[float]] = {label: [] for label, _ in RUNS} | {ENGINE: [], MANY: []}
    peaks = dict.fromkeys(times, 0)
    for _ in range(args.repeat):
        for label, extra in RUNS:
            seconds, peak = timed(["check", str(data), "--fail-on", "never", *extra])
            times[label].append(seconds)
            peaks[label] = max(peaks[label], peak)
        times[ENGINE].append(engine_seconds(mod, texts))
        times[MANY].append(batch_seconds(mod, texts))
    print(f"{data.name}: {items} items, {size:.0f} MB; medians of {args.repeat} rounds "
          "(each round runs every row once)\n")
    print("| run | seconds | MB/s | peak RSS |")
    print("|---|---|---|---|")
    for label, seconds in times.items():
        median = statistics.median(seconds)
        peak = f"{peaks[label] / 1024:.0f} MB" if peaks[label] else ""
        name = label if label in (ENGINE, MANY) else f"moderation check {label}"
        print(f"| {name} | {median:.1f} | {size / median:.1f} | {peak} |")
    print(f"\n--jobs 2 / --jobs 1 speed-up: {_ratios(times['--jobs 1'], times['--jobs 2'])} (text report), "
          f"{_ratios(times['--jobs 1 --format jsonl'], times['--jobs 2 --format jsonl'])} (JSONL report)")
    print(f"single job against the engine alone: {_ratios(times[ENGINE], times['--jobs 1'])} (text report), "
          f"{_ratios(times[ENGINE], times['--jobs 1 --format jsonl'])} (JSONL report)")
    print(f"single job against check_many (for reference): {_ratios(times[MANY], times['--jobs 1'])} (text report), "
          f"{_ratios(times[MANY], times['--jobs 1 --format jsonl'])} (JSONL report)")
    if args.memory_mb:
        big = folder / f"items-{args.memory_mb}mb.jsonl"
        if not big.exists():
            generate(big, args.memory_mb)
        for jobs in ("1", "2"):
            seconds, peak = timed(["check", str(big), "--fail-on", "never", "--jobs", jobs])
            print(f"{big.stat().st_size / 1e9:.2f} GB input, --jobs {jobs}: {seconds:.0f} s, "
                  f"peak RSS of the largest process {peak / 1024:.0f} MB")


def _ratios(numerators: list[float], denominators: list[float]) -> str:
    """The median of the rounds' ratios, and their range."""
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True)]
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


if __name__ == "__main__":
    main()
