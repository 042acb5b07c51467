"""Accuracy side by side with better-profanity, on public labelled data nobody here wrote.

    python benchmarks/accuracy.py [--eval ../shared/eval] [--verdicts benchmarks/dictionary]

- SWAD v1: recall of the swear word each tweet marks with <b>...</b>.
- PrOf: recall of the self-censored English spellings (a*s, f**k).
- SemEval-2021 toxic spans (train and trial): character precision and recall, and per post
  (a post is toxic when it has a toxic span; a flag is right where it touches one).
- Davidson: share of the "neither" tweets flagged at all (false flags).
- /usr/share/dict/american-english-huge: share of dictionary words flagged, each listed with a
  person's verdict (profane, or wrong and why) in benchmarks/dictionary/<category>.tsv.

better-profanity has no spans: it is scored by censoring each whitespace token on its own
(cached, since it manages some 8 KB/s), a token counting as flagged when censoring changes it.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from better_profanity import profanity as bp

from moderation import Match, Moderator

ROOT = Path(__file__).resolve().parent.parent
DICTIONARY = Path("/usr/share/dict/american-english-huge")
Spans = Callable[[str], set[int]]  # the character offsets a tool flags in a text


def ours(mod: Moderator) -> Spans:
    def spans(text: str) -> set[int]:
        return {i for m in mod.check(text).matches for i in range(m.start, m.end)}
    return spans


@functools.cache
def _bp_flags(token: str) -> bool:
    return bool(bp.contains_profanity(token))


def better_profanity(text: str) -> set[int]:
    return {i for m in re.finditer(r"\S+", text) if _bp_flags(m[0]) for i in range(m.start(), m.end())}


def swad(path: Path) -> list[tuple[str, set[int]]]:
    """(tweet, offsets of its marked swear word)."""
    cases = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            raw = row["Tweets"]
            m = re.search(r"<b>(.*?)</b>", raw)
            if not m:
                continue
            text = raw[: m.start()] + m[1] + raw[m.end() :]
            text = text.replace("<b>", "").replace("</b>", "")
            cases.append((text, set(range(m.start(), m.start() + len(m[1])))))
    return cases


def prof(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [r["obfuscation"] for r in rows if (r["language"] or "").strip().upper() == "EN"]


def toxic_spans(paths: Iterable[Path]) -> list[tuple[str, set[int]]]:
    cases = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            cases += [(r["text"], set(json.loads(r["spans"]))) for r in csv.DictReader(f)]
    return cases


def davidson_neither(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r["tweet"] for r in csv.DictReader(f) if r["class"] == "2"]


def recall_of_marked(cases: list[tuple[str, set[int]]], tool: Spans) -> float:
    return sum(1 for text, gold in cases if tool(text) & gold) / len(cases)


def post_scores(cases: list[tuple[str, set[int]]], tool: Spans) -> tuple[float, float]:
    """Per post: precision (flagged posts where what is flagged touches a toxic span) and recall
    (posts with a toxic span where what is flagged touches it)."""
    flagged = right = toxic = 0
    for text, gold in cases:
        found = tool(text)
        flagged += bool(found)
        toxic += bool(gold)
        right += bool(found & gold)
    return right / max(flagged, 1), right / max(toxic, 1)


def char_scores(cases: list[tuple[str, set[int]]], tool: Spans) -> tuple[float, float]:
    hit = flagged = gold_total = 0
    for text, gold in cases:
        found = tool(text)
        hit += len(found & gold)
        flagged += len(found)
        gold_total += len(gold)
    return hit / max(flagged, 1), hit / max(gold_total, 1)


VERDICTS = ROOT / "benchmarks" / "dictionary"
UNJUDGED = "unjudged"


def read_verdicts(folder: Path) -> dict[str, tuple[str, str]]:
    """word -> (category file, verdict) from every file of the folder."""
    found = {}
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, _term, verdict = line.split("\t", 2)
                found[word] = (path.stem, verdict)
    return found


def write_verdicts(folder: Path, flagged: dict[str, Match], source: str = "american-english-huge") -> dict[str, str]:
    """Rewrite the verdict files for today's flags: a verdict given before is kept, a new flag is
    `unjudged` (to be judged by a person: `profane`, or `wrong: why`), a word no longer flagged goes."""
    before = read_verdicts(folder)
    by_category: dict[str, list[str]] = {}
    judged = {}
    for word, match in flagged.items():
        verdict = before.get(word, ("", UNJUDGED))[1]
        judged[word] = verdict
        by_category.setdefault(match.category, []).append(f"{word}\t{match.term}\t{verdict}\n")
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.tsv"):
        if path.stem not in by_category:
            path.unlink()
    for category, lines in by_category.items():
        (folder / f"{category}.tsv").write_text(
            f"# Words of {source} flagged as {category} (benchmarks/accuracy.py rewrites this\n"
            "# file; a person judges each flag: profane, or wrong: why).\n" + "".join(lines), encoding="utf-8")
    return judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--verdicts", type=Path, default=VERDICTS,
                        help="folder of the dictionary flags' verdicts, one file per category (rewritten)")
    args = parser.parse_args()
    if not args.eval.is_dir():
        sys.exit(f"{args.eval} not found: pass --eval DIR")
    mod = Moderator.from_config()
    tools: dict[str, Spans] = {"moderation": ours(mod), "better-profanity": better_profanity}

    rows: list[tuple[str, ...]] = []
    swad_cases = swad(args.eval / "swad_v1.tsv")
    rows.append((f"SWAD v1 swear-word recall ({len(swad_cases)} tweets)",
                 *(f"{recall_of_marked(swad_cases, t):.1%}" for t in tools.values())))
    prof_cases = prof(args.eval / "prof_table.tsv")
    rows.append((f"PrOf self-censored EN recall ({len(prof_cases)} spellings)",
                 *(f"{sum(1 for w in prof_cases if t(w)) / len(prof_cases):.1%}" for t in tools.values())))
    for name in ("tsd_train.csv", "tsd_trial.csv"):
        cases = toxic_spans([args.eval / name])
        scores = [char_scores(cases, t) for t in tools.values()]
        rows.append((f"SemEval toxic spans {name} ({len(cases)} posts): char precision",
                     *(f"{p:.1%}" for p, _ in scores)))
        rows.append((f"SemEval toxic spans {name}: char recall", *(f"{r:.1%}" for _, r in scores)))
        scores = [post_scores(cases, t) for t in tools.values()]
        rows.append((f"SemEval toxic spans {name}: post precision", *(f"{p:.1%}" for p, _ in scores)))
        rows.append((f"SemEval toxic spans {name}: post recall", *(f"{r:.1%}" for _, r in scores)))
    neither = davidson_neither(args.eval / "davidson.csv")
    rows.append((f"Davidson 'neither' tweets flagged ({len(neither)} tweets; lower is better)",
                 *(f"{sum(1 for x in neither if t(x)) / len(neither):.1%}" for t in tools.values())))
    if DICTIONARY.exists():
        words = [w for w in DICTIONARY.read_text(encoding="utf-8", errors="replace").split("\n") if w]
        flagged = [w for w in words if mod.check(w).flagged]
        bp_flagged = sum(1 for w in words if _bp_flags(w))
        rows.append((f"dictionary words flagged ({len(words)} words)",
                     f"{len(flagged) / len(words):.3%} ({len(flagged)})",
                     f"{bp_flagged / len(words):.3%} ({bp_flagged})"))
        judged = write_verdicts(args.verdicts, {w: mod.check(w).matches[0] for w in flagged})
        wrong = sum(1 for verdict in judged.values() if verdict.startswith("wrong"))
        unjudged = [w for w, verdict in judged.items() if verdict == UNJUDGED]
        rows.append((f"dictionary words flagged wrongly ({len(words)} words; lower is better)",
                     f"{wrong / len(words):.3%} ({wrong}; {len(unjudged)} not judged yet)", ""))

    print("| measure | moderation | better-profanity |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
