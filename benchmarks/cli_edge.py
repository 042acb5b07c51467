"""The batch CLI on inputs it once took quadratic time on, against the engine alone on the same text.

    python benchmarks/cli_edge.py [--mb 200] [--report-mb 2] [--repeat 3] [--keep DIR]

- a JSONL of one line holding a text of about `--mb` MB (the fortunes, joined), checked with the
  text report: reading a line longer than a block once added each block to the rest;
- a text file of `--report-mb` MB with a match every 14 bytes ("shit and more"), with the text
  report: each match's line number was counted from the start of the text.

The baseline is Moderator.check on the same text, in a process of its own that reads it first
(json.loads of the whole line, or the file read), so that both sides have start-up and reading.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_load import _ratios, timed
from corpus import fortunes

ENGINE = ("import json, sys; from moderation import Moderator; mod = Moderator.from_config(); "
          "data = open(sys.argv[1], encoding='utf-8').read(); "
          "mod.check(json.loads(data)['text'] if sys.argv[1].endswith('.jsonl') else data)")


def one_line(path: Path, megabytes: int) -> None:
    texts, parts, size = fortunes(), [], 0
    while size < megabytes * 1_000_000:
        parts.append(texts[len(parts) % len(texts)])
        size += len(parts[-1].encode()) + 1
    path.write_text(json.dumps({"id": 1, "text": " ".join(parts)}, ensure_ascii=False) + "\n", encoding="utf-8")


def many_matches(path: Path, megabytes: int) -> None:
    path.write_text("shit and more\n" * (megabytes * 1_000_000 // 14), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--report-mb", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the generated files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="moderation-edge-"))
    cases = {f"one-line-{args.mb}mb.jsonl": (one_line, args.mb), f"matches-{args.report_mb}mb.txt":
             (many_matches, args.report_mb)}
    print("| input | CLI seconds | engine seconds | CLI / engine | CLI peak RSS | engine peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, (make, megabytes) in cases.items():
        path = folder / name
        if not path.exists():
            make(path, megabytes)
        cli, engine, peaks = [], [], [0, 0]
        for _ in range(args.repeat):  # round by round: each ratio compares runs of the same minute
            seconds, peak = timed(["check", str(path), "--fail-on", "never"])
            cli.append(seconds)
            peaks[0] = max(peaks[0], peak)
            seconds, peak = timed(["-c", ENGINE, str(path)], command=[sys.executable])
            engine.append(seconds)
            peaks[1] = max(peaks[1], peak)
        print(f"| {name} | {statistics.median(cli):.1f} | {statistics.median(engine):.1f} | "
              f"{_ratios(cli, engine)} | {peaks[0] / 1024:.0f} MB | {peaks[1] / 1024:.0f} MB |")


if __name__ == "__main__":
    main()
