"""The eight languages beside English: accuracy on labelled data, dictionary and clean-prose flags,
speed, memory, start-up and language identification.

    python benchmarks/languages.py [--only es,pt] [--eval ../shared/eval] [--skip-speed] [--identification]

Per language (the policy checks that language alone):
- labelled data of ../shared/eval/<lang> (its README says what each label means): the share of
  profane items flagged (recall) and of clean ones flagged, beside better-profanity (English
  words only: it runs, and finds what English swearing the text holds);
- the language's Debian dictionary: words flagged, each with a person's verdict in
  benchmarks/dictionary/<lang>/<category>.tsv (rewritten here: a new flag is `unjudged`);
- clean prose, the language's man pages of this machine (/usr/share/man/<lang>: Debian's
  manpages-de, -fr, -es, -it, -nl, -pl, -pt-br, -ru and the pages other packages translate): flags per MB,
  every flag listed in benchmarks/clean_prose/<lang>.tsv with a verdict;
- throughput on that prose against English prose of the same kind (the English man pages of
  section 1), the two checked in turns, five rounds, the median of the rounds' ratios; a moderator
  with all nine languages (resident memory, start-up against English alone) and "auto"'s
  identification in MB/s on comment-length texts (`--identification`: that alone, with check_many
  under "auto" against English alone and the identifier's load time).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import UNJUDGED, better_profanity, write_verdicts
from corpus import fortunes

from moderation import Match, Moderator

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
LANGUAGES = ("es", "pt", "fr", "de", "it", "nl", "pl", "ru")
DICTIONARIES = {
    "es": ["/usr/share/dict/spanish"], "pt": ["/usr/share/dict/portuguese", "/usr/share/dict/brazilian"],
    "fr": ["/usr/share/dict/french"], "de": ["/usr/share/dict/ngerman"], "it": ["/usr/share/dict/italian"],
    "nl": ["/usr/share/dict/dutch"], "pl": ["/usr/share/dict/polish"], "ru": ["/usr/share/hunspell/ru_RU.dic"],
}
DEBIAN_PACKAGES = {"es": "wspanish", "pt": "wportuguese wbrazilian", "fr": "wfrench", "de": "wngerman",
                   "it": "witalian", "nl": "wdutch", "pl": "wpolish", "ru": "hunspell-ru"}
MAN_FOLDERS = {"pt": ["pt_BR", "pt"]}  # Debian's manpages-pt-br, and the few pages in Portugal's Portuguese
VERDICTS = ROOT / "benchmarks" / "dictionary"
PROSE_VERDICTS = ROOT / "benchmarks" / "clean_prose"
csv.field_size_limit(1 << 24)


def moderator_for(language: str) -> Moderator:
    """The bundled lists of `language` (and English's, as loaded by default), checked in it alone."""
    folder = Path(tempfile.mkdtemp())
    config = folder / "moderation.toml"
    config.write_text(f'[wordlists]\nlanguages = ["en", "{language}"]\n'
                      f'[policies.default]\nlanguages = ["{language}"]\n', encoding="utf-8")
    return Moderator.from_config(config)


def dictionary_words(language: str) -> list[str]:
    """The language's Debian word list; hunspell's Russian dictionary gives its stems (a word a line,
    its affix flags cut)."""
    words: dict[str, None] = {}
    for name in DICTIONARIES[language]:
        path = Path(name)
        if not path.exists():
            raise SystemExit(f"{path} is missing: apt-get install {DEBIAN_PACKAGES[language]}")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if path.suffix == ".dic":
            lines = [line.split("/", 1)[0] for line in lines[1:]]
        words.update((w.strip(), None) for w in lines if w.strip())
    return list(words)


def dictionary_flags(moderator: Moderator, words: list[str]) -> dict[str, Match]:
    """Each dictionary word flagged, with its first match (one scan of them all)."""
    return {words[i]: result.matches[0] for i, result in moderator.flagged_among(words).items()}


# -- labelled data: (text, profane?) per set; None where a row says neither --------------------------


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield {k: (v or "").replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
                   for k, v in row.items()}


def labelled(language: str, folder: Path) -> dict[str, list[tuple[str, bool]]]:
    """The language's labelled sets as (text, whether it holds profanity or a slur)."""
    sets: dict[str, list[tuple[str, bool]]] = {}
    mhc = folder / language / "mhc.tsv"
    if mhc.exists():  # profanity and slurs, against identity words used neutrally
        rows = list(_rows(mhc))
        profane = [r for r in rows if r["functionality"].startswith("profanity") or r["functionality"] == "slur_h"]
        sets["MHC profanity and slurs"] = [(r["text"], True) for r in profane]
        sets["MHC identity words, neutral"] = [(r["text"], False) for r in rows
                                               if r["functionality"] in ("ident_neutral_nh", "ident_pos_nh")]
    extra: dict[str, tuple[str, Callable[[dict[str, str]], bool | None]]] = {
        "de": ("germeval2018.tsv", lambda r: {"PROFANITY": True, "OTHER": False}.get(r["label"])),
        # ToLD-Br's non-toxic tweets swear casually (porra, caralho): a share flagged, not false flags
        "pt": ("toldbr.tsv", lambda r: True if int(r["obscene"] or 0) >= 2 else False if r["label"] == "0" else None),
        "it": ("pejorativity.tsv", lambda r: r["label"] == "1"),
        "pl": ("poleval2019_task6.tsv", lambda r: None if r["label"] == "0" else True),
        "ru": ("distorted_toxicity.tsv", lambda r: True if r["label"] in ("1", "toxic", "True") else None),
    }
    if language in extra:
        name, label = extra[language]
        path = folder / language / name
        if path.exists():
            for row in _rows(path):
                verdict = label(row)
                if verdict is not None:
                    kind = "profane" if verdict else "not labelled profane"
                    sets.setdefault(f"{name} {kind}", []).append((row["text"], verdict))
    return sets


def flagged_share(texts: list[str], flags: Callable[[str], bool]) -> float:
    return sum(1 for t in texts if flags(t)) / len(texts) if texts else float("nan")


# -- clean prose: the man pages translated into the language ---------------------------------------

def man_prose(language: str) -> str:
    """The text of this machine's man pages in `language`, as man renders them (one long line a
    paragraph, no hyphenation, no tabs of a title line)."""
    env = {"MANWIDTH": "100000", "MAN_KEEP_FORMATTING": "0", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}

    def render(path: Path) -> str:
        shown = subprocess.run(["man", "--nh", "--nj", "-l", str(path)], env=env, capture_output=True,
                               text=True, errors="replace").stdout
        return re.sub(r".\x08", "", shown).replace("\t", " ")

    pages = sorted(p for folder in MAN_FOLDERS.get(language, [language])
                   for p in Path("/usr/share/man", folder).rglob("*.gz"))[:3000]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:  # man and groff run in processes of their own
        return "\n\n".join(pool.map(render, pages))


def prose_flags(moderator: Moderator, language: str, prose: str) -> list[tuple[str, str, str, str]]:
    """Every flag in the prose: (written, term, category, the line it is on), with the verdicts
    file's verdict kept (a new one `unjudged`)."""
    path = PROSE_VERDICTS / f"{language}.tsv"
    before = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                written, term, _category, context, verdict = line.split("\t", 4)
                before[(written, term, context)] = verdict
    rows = []
    for m in moderator.check(prose).matches:
        start = prose.rfind("\n", 0, m.start) + 1
        end = prose.find("\n", m.end)
        context = " ".join(prose[start : end if end >= 0 else len(prose)].split())[:160]
        rows.append((m.text, m.term, m.category, context, before.get((m.text, m.term, context), UNJUDGED)))
    PROSE_VERDICTS.mkdir(exist_ok=True)
    path.write_text(f"# Flags in this machine's {language} man pages (benchmarks/languages.py rewrites this file;\n"
                    "# a person judges each: right, or wrong: why). written, term, category, line, verdict\n"
                    + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return [(r[0], r[1], r[2], r[4]) for r in rows]


def median_seconds(fn: Callable[[], object], repeat: int = 5,
                   clock: Callable[[], float] = time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(LANGUAGES))
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--identification", action="store_true", help="only identification's speed")
    args = parser.parse_args()
    if args.identification:
        identification(args.eval)
        return
    chosen = [lang for lang in args.only.split(",") if lang]
    # English prose of the same kind as the others': this machine's English man pages
    english_prose = man_prose("man1")[:2_000_000]
    english = Moderator.from_config()

    print("| language | set | items | moderation flags | better-profanity flags |")
    print("|---|---|---|---|---|")
    summary = []
    for language in chosen:
        moderator = moderator_for(language)
        for name, cases in labelled(language, args.eval).items():
            texts = [t for t, _ in cases]
            ours = flagged_share(texts, lambda t, moderator=moderator: moderator.check(t).flagged)
            theirs = flagged_share(texts, lambda t: bool(better_profanity(t)))  # token by token, cached
            print(f"| {language} | {name} | {len(texts)} | {ours:.1%} | {theirs:.1%} |", flush=True)
        words = dictionary_words(language)
        flagged = dictionary_flags(moderator, words)
        judged = write_verdicts(VERDICTS / language, flagged, f"the {language} dictionary")
        wrong = sum(1 for v in judged.values() if v.startswith("wrong"))
        unjudged = sum(1 for v in judged.values() if v == UNJUDGED)
        prose = man_prose(language)
        flags = prose_flags(moderator, language, prose)
        mb = len(prose.encode("utf-8")) / 1e6
        prose_wrong = sum(1 for f in flags if f[3].startswith("wrong"))
        prose_unjudged = sum(1 for f in flags if f[3] == UNJUDGED)
        row = [language, f"{len(flagged)} of {len(words)} ({len(flagged) / len(words):.3%}); wrong {wrong} "
               f"({wrong / len(words):.3%}); unjudged {unjudged}",
               f"{mb:.2f} MB: {len(flags)} flags ({len(flags) / mb:.1f}/MB), wrong {prose_wrong}, "
               f"unjudged {prose_unjudged}"]
        if not args.skip_speed and prose:
            sample = (prose * (len(english_prose) // max(1, len(prose)) + 1))[: len(english_prose)]
            ratios = []  # English and this language in turns, a ratio a round: the machine is shared
            for _ in range(5):
                english_time = median_seconds(lambda: english.check(english_prose), 1)
                ours_time = median_seconds(lambda sample=sample, moderator=moderator: moderator.check(sample), 1)
                ratios.append(english_time / ours_time)
            row.append(f"{statistics.median(ratios):.2f}")
        summary.append(row)
    print("\n| language | dictionary flags (default categories) | clean prose (man pages) | throughput / English's |")
    print("|---|---|---|---|")
    for row in summary:
        print("| " + " | ".join(row + [""] * (4 - len(row))) + " |")
    if not args.skip_speed:
        every_language(args.eval)


def every_language(eval_folder: Path) -> None:
    """A moderator with all nine languages: resident memory, start-up against English alone, and
    identification speed on comment-length texts."""
    folder = Path(tempfile.mkdtemp())
    config = folder / "all.toml"
    every = ["en", *LANGUAGES]
    config.write_text(f"[wordlists]\nlanguages = {every!r}\n[policies.default]\nlanguages = {every!r}\n"
                      "identify = true\n".replace("'", '"'), encoding="utf-8")
    # VmHWM, not ru_maxrss: a child may report its parent's peak (this one read a 4 M-word dictionary)
    code = ("import re, sys; from moderation import Moderator; "
            "m = Moderator.from_config(sys.argv[1]) if len(sys.argv) > 1 else Moderator.from_config(); "
            "m.check('shit'); print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1])")
    # A cache of its own (moderation.engine.cache): the first start of all nine unpacks the language
    # model into it, the others read it there, as every start after a machine's first does.
    # With bytecode, as a deployment starts (pip writes it at install): the first start writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["MODERATION_CACHE_DIR"] = str(folder / "cache")

    def start(*extra: str) -> tuple[list[float], int]:
        times, rss = [], 0
        for _ in range(6):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, *extra], check=True, capture_output=True, text=True,
                                 env=env)
            times.append(time.perf_counter() - t)
            rss = int(out.stdout)
        return times, rss
    en_times, en_rss = start()
    all_times, all_rss = start(str(config))
    en_time, all_time = statistics.median(en_times[1:]), statistics.median(all_times[1:])
    print(f"\nstart-up: English alone {en_time * 1000:.0f} ms ({en_rss / 1024:.0f} MB); "
          f"all nine {all_time * 1000:.0f} ms ({all_rss / 1024:.0f} MB): {all_time / en_time:.2f}x "
          f"(medians of 5; the first start of all nine, which unpacked the language model into an empty "
          f"cache and wrote the bytecode, {all_times[0] * 1000:.0f} ms)")
    moderator, english = identification(eval_folder, config)
    words = [w for w in Path("/usr/share/dict/american-english-huge").read_text(encoding="utf-8").split("\n") if w]
    print(f"English dictionary flagged: English alone {len(english.flagged_among(words))}, all nine with auto "
          f"{len(moderator.flagged_among(words))} (a single word's language is uncertain: it is read in all nine)")


def identification(eval_folder: Path, config: Path | None = None) -> tuple[Moderator, Moderator]:
    """"auto"'s identification of comment-length texts (the labelled sets' and fortunes): one
    identify_many call of them all (what check_many does), beside py3langid's own classify of each;
    check_many with "auto" and all nine languages against English alone; the identifier's load
    time in a new process. Returns the two moderators."""
    every = ["en", *LANGUAGES]
    if config is None:
        config = Path(tempfile.mkdtemp()) / "all.toml"
        config.write_text(f"[wordlists]\nlanguages = {every!r}\n[policies.default]\nlanguages = {every!r}\n"
                          "identify = true\n".replace("'", '"'), encoding="utf-8")
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from moderation.engine.identify import READ, identify_many, load

    load()
    comments = [t for lang in LANGUAGES for t, _ in next(iter(labelled(lang, eval_folder).values()), [])][:5000]
    comments += fortunes()[:2000]
    size = sum(len(c.encode("utf-8")) for c in comments)
    took = median_seconds(lambda: identify_many(comments, every), 9)
    # CPU time too: on a shared machine, wall time is partly other processes'
    cpu = median_seconds(lambda: identify_many(comments, every), 9, time.process_time)
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    theirs.set_languages(every)
    their_time = median_seconds(lambda: [theirs.classify(c[:READ]) for c in comments], 3)
    print(f"identification: {len(comments)} texts, {size / len(comments):.0f} bytes each: {size / took / 1e6:.2f} MB/s "
          f"({size / cpu / 1e6:.2f} MB/s of CPU time; py3langid's classify of each: "
          f"{size / their_time / 1e6:.2f} MB/s, {their_time / took:.1f}x slower)")
    code = "import time; {}; t = time.perf_counter(); {}; print(time.perf_counter() - t)"
    ours_code = code.format("from moderation.engine.identify import load", "load()")
    their_code = code.format("from py3langid.langid import MODEL_FILE, LanguageIdentifier",
                             "LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)")
    env = dict(os.environ, MODERATION_CACHE_DIR=tempfile.mkdtemp())  # empty: the first load unpacks into it

    def loads(c: str) -> list[float]:
        return [float(subprocess.run([sys.executable, "-c", c], check=True, capture_output=True, text=True,
                                     env=env).stdout) for _ in range(6)]
    ours, theirs_loads = loads(ours_code), loads(their_code)
    print(f"identifier load (a new process, after its imports): {statistics.median(ours[1:]) * 1000:.0f} ms "
          f"from the cache, {ours[0] * 1000:.0f} ms the first time (unpacked into it); "
          f"py3langid's own: {statistics.median(theirs_loads[1:]) * 1000:.0f} ms")
    moderator = Moderator.from_config(config)
    english = Moderator.from_config()
    took = median_seconds(lambda: moderator.check_many(comments, languages="auto"), 5)
    scan = median_seconds(lambda: moderator.check_many(comments, languages=every), 5)
    alone = median_seconds(lambda: english.check_many(comments), 5)
    print(f"check_many with \"auto\" (identifies only texts with a hit): {size / took / 1e6:.2f} MB/s; "
          f"all nine without identifying: {size / scan / 1e6:.2f} MB/s; English alone on the same: "
          f"{size / alone / 1e6:.2f} MB/s (auto: {took / alone:.2f}x its time)")
    return moderator, english


if __name__ == "__main__":
    main()
