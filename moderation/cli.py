"""The command line: a thin face over the engine and the batch runner.

    moderation check article.txt           # report what is flagged, exit 1 if anything is
    echo "what the f**k" | moderation check - --format json
    moderation serve --port 8000           # the HTTP API under gunicorn
    moderation lint moderation.toml        # validate lists and config
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

import click
from tqdm import tqdm

from moderation.batch.documents import FORMATS
from moderation.batch.runner import Options, Output, Summary, run
from moderation.batch.writing import NewFile
from moderation.engine import compiled
from moderation.engine.moderator import CONTENT_TYPES, Moderator
from moderation.engine.policy import ACTION_RANK
from moderation.engine.wordlists import BUNDLED, SECTIONS, load_files, read_regular, walk
from moderation.errors import ConfigError, ModerationError

FAIL_ON = ("flagged", "review", "block", "never")
_THRESHOLD = {"flagged": 1, "review": 2, "block": 3, "never": 4}


class Failure(click.ClickException):
    """A library error on the command line: its message, and exit 2 (usage or configuration)."""

    exit_code = ModerationError.exit_code

    def __init__(self, error: ModerationError) -> None:
        super().__init__(str(error))


COMPILED_ENGINE = "engine compiled by mypyc"  # what --version says of a wheel's engine (the image checks it)


def _load(config: str | None) -> Moderator:
    try:
        return Moderator.from_config(config)
    except ModerationError as e:
        raise Failure(e) from None


@click.group()
@click.version_option(package_name="moderation", message="%(prog)s, version %(version)s, "
                      + (COMPILED_ENGINE if compiled() else "engine as Python (not compiled: see the README)"))
def main() -> None:
    """Find profanity, slurs and their evasions in text, with exact spans."""


def _languages(value: str | None) -> list[str] | str | None:
    """--languages: None, "auto", or the codes it lists."""
    if value is None or value == "auto":
        return value
    codes = [code.strip().lower() for code in value.split(",") if code.strip()]
    if not codes:
        raise click.BadParameter("name languages, as es,en, or auto", param_hint="--languages")
    return codes


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--policy", default=None, help="Policy name from the config (default: its default policy).")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None, help="A moderation.toml.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "parquet"]), default="text",
              show_default=True, help="The report: lines for people, JSON, JSON lines, or Parquet (with --output: "
                                      "a Parquet input's rows and columns, then the results).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (put in place only when the run completes) instead of stdout.")
@click.option("--only-flagged", is_flag=True,
              help="A JSON, JSONL or Parquet report of the flagged items only (the text report shows only those).")
@click.option("--field", default="text", show_default=True,
              help="The JSONL field, CSV column or Parquet column with the text.")
@click.option("--as", "kind", type=click.Choice(FORMATS), default=None,
              help="Read every file, and - (stdin), as this format (default: by extension: .html, .md, .jsonl, "
                   ".csv, .parquet, else text; - as text).")
@click.option("--content-type", type=click.Choice(CONTENT_TYPES), default=None,
              help="Read every text as this (default: .html as text/html, .md as text/markdown, else "
                   "text/plain); e.g. text/html for the items of a JSONL export of HTML bodies.")
@click.option("--include", multiple=True, help="Only files in folders matching this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Leave out files matching this glob (repeatable).")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 256), help="Worker processes.")
@click.option("--write-cleaned", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Mirror the inputs into this folder, cleaned (outside the inputs; see the README).")
@click.option("--in-place", is_flag=True, help="Rewrite changed files, cleaned (atomically, with a backup).")
@click.option("--backup-suffix", default=".bak", show_default=True,
              help="With --in-place: the backup's suffix (files ending with it are skipped in folders).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="flagged", show_default=True,
              help="Exit 1 when any text reaches this level.")
@click.option("--languages", default=None, metavar="CODES|auto",
              help="Check in these of the policy's languages (comma-separated: es,en), or auto: each text in "
                   "the one it is written in (default: all the policy's).")
def check(paths: tuple[str, ...], policy: str | None, config: str | None, fmt: str, output: Path | None,
          only_flagged: bool, field: str, kind: str | None, content_type: str | None, include: tuple[str, ...],
          exclude: tuple[str, ...], jobs: int, write_cleaned: Path | None, in_place: bool, backup_suffix: str,
          fail_on: str, languages: str | None) -> None:
    """Check files, folders (recursive) or - (stdin) and report every flagged span.

    Exit 0 when nothing reaches --fail-on, 1 when something does, 2 on a usage or config
    error or when a file or folder could not be read or a cleaned copy written (it is named
    on stderr; the run goes on); 130 on Ctrl-C, 143 on SIGTERM (files are left old or new,
    no temporary file behind), 141 when the reader of the output goes away (| head).

    \b
    Examples:
      moderation check article.txt site/ --include '*.html'
      moderation check content/ --include '*.md' --format jsonl > report.jsonl
      moderation check comments.jsonl --field body --jobs 4 --write-cleaned cleaned/
      moderation check comments.parquet --field body --format parquet --output flagged.parquet --only-flagged
      echo "what the f**k" | moderation check - --format json
    """
    _check_output(fmt, output, paths)
    if write_cleaned and in_place:
        raise click.UsageError("choose --write-cleaned DIR or --in-place, not both")
    if not backup_suffix or "/" in backup_suffix:
        raise click.BadParameter("give a suffix such as .bak: the backup is the file's name followed by it",
                                 param_hint="--backup-suffix")
    options = Options(policy=policy, field=field, kind=kind, content_type=content_type, include=include,
                      exclude=exclude, jobs=jobs, write_cleaned=write_cleaned, in_place=in_place,
                      backup_suffix=backup_suffix, only_flagged=only_flagged, languages=_languages(languages))
    # A text may hold a lone surrogate (a JSON `\ud800`), which no UTF-8 stream can carry: it is
    # written as that escape, which is also what it means inside a JSON report.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")
    _stopped_by.clear()
    signal.signal(signal.SIGTERM, _interrupted)  # a kill cleans up like Ctrl-C: no temporary file stays
    try:
        moderator = _load(config)
        try:
            moderator.policy_for(policy, languages=options.languages)  # an unknown one fails here, before any work
        except ModerationError as e:
            raise Failure(e) from None
        summary = _run(paths, options, moderator, config, fmt, output)
    except KeyboardInterrupt:
        click.echo("moderation: interrupted; files are as they were or cleaned, no temporary file is left", err=True)
        sys.exit(128 + (_stopped_by[-1] if _stopped_by else signal.SIGINT))  # 130 for Ctrl-C, 143 for SIGTERM
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as cat and grep do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's last flush goes nowhere
        sys.exit(128 + signal.SIGPIPE)
    sys.exit(_exit_code(summary, fail_on))


def _check_output(fmt: str, output: Path | None, paths: tuple[str, ...]) -> None:
    """UsageError (exit 2) for a report that cannot be written as asked, before any work."""
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet writes a file: name it with --output FILE")
        try:
            from moderation.batch import parquet  # noqa: F401
        except ImportError:
            raise click.UsageError("--format parquet needs pyarrow: pip install 'moderation[arrow]'") from None
    if output is None:
        return
    if not output.parent.is_dir():
        raise click.BadParameter(f"{output.parent} is not a folder", param_hint="--output")
    if any(path != "-" and Path(path).exists() and os.path.samefile(path, output) for path in paths
           if output.exists()):
        raise click.BadParameter(f"{output} is an input: name another file", param_hint="--output")


def _run(paths: tuple[str, ...], options: Options, moderator: Moderator, config: str | None, fmt: str,
         output: Path | None) -> Summary:
    """The run, its report written (an --output file put in place if any input was read) and
    its summary on stderr."""
    report = Report(fmt, output)
    started = time.monotonic()
    try:
        summary = run(paths, options, moderator, config, report.emit,
                      lambda m: click.echo(f"moderation: {m}", err=True), sys.stdin.read,
                      fmt=fmt, color=output is None and sys.stdout.isatty(),
                      slot=None if report.table is None else report.table.slot)
        report.close(keep=summary.files > 0)
    except ModerationError as e:
        report.abandon()
        raise Failure(e) from None
    except BaseException:
        report.abandon()  # interrupted: no report file, not even a partial one
        raise
    finally:
        report.progress.close()
    if output is not None and not summary.files:
        click.echo(f"moderation: no input could be read; {output} is not written", err=True)
    skipped = sum(summary.skipped.values())
    unwritten = f", {summary.unwritten} cleaned copies not written" if summary.unwritten else ""
    click.echo(f"{summary.files} files, {summary.items} items, {summary.flagged} flagged, {skipped} skipped "
               f"({', '.join(f'{n} {k}' for k, n in summary.skipped.items() if n) or 'none'}), "
               f"{summary.item_errors} unreadable items{unwritten}, {time.monotonic() - started:.1f} s", err=True)
    return summary


def _exit_code(summary: Summary, fail_on: str) -> int:
    """2 when something could not be read or written (or nothing could be read at all), else 1
    when a text reaches --fail-on."""
    if summary.skipped["unreadable"] or summary.item_errors or summary.unwritten:
        return 2
    if not summary.files and any(summary.skipped[why] for why in ("special", "binary")):
        click.echo("moderation: no input could be read (every file was skipped)", err=True)
        return 2
    return 1 if ACTION_RANK[summary.worst] >= _THRESHOLD[fail_on] else 0


_stopped_by: list[int] = []  # the signal that stopped the run, for its exit code


STOP_GRACE = 10.0  # seconds an interrupted run may take to stop its workers before it is ended


def _interrupted(signum: int, frame: object) -> None:
    _stopped_by.append(signum)
    if len(_stopped_by) == 1:
        # The orderly stop (the pool's terminate) can deadlock in multiprocessing's own locks: it did
        # once in a CI run, under load, and not again in hundreds. Copies are only placed with the
        # interrupts held, and a temporary file is unnamed or removed by the next run, so ending
        # the process here loses nothing; a run that stops in time never gets here.
        watchdog = threading.Timer(STOP_GRACE, _end_now, (128 + signum,))
        watchdog.daemon = True  # a run that stops in time exits without waiting for it
        watchdog.start()
    raise KeyboardInterrupt


def _end_now(code: int) -> None:
    """The interrupted run did not stop within STOP_GRACE: end it (no Python clean-up left to wait on)."""
    sys.stderr.write("moderation: the workers did not stop in time; ended\n")
    sys.stderr.flush()
    os._exit(code)


class Report:
    """Writes the rendered output of each chunk: lines, JSON lines, one streamed JSON array, or
    Parquet row groups; to stdout, or to an --output file put in place only when complete."""

    def __init__(self, fmt: str, output: Path | None = None) -> None:
        self.fmt = fmt
        self.records = 0
        self.progress = tqdm(unit=" items", delay=1.0, disable=not sys.stderr.isatty(), file=sys.stderr)
        self.file = NewFile(output) if output is not None else None
        self.out: TextIO = sys.stdout
        self.table: Any = None  # assembly.Assembly: the parts the workers write, put together
        if self.file is not None and output is not None and fmt == "parquet":
            from moderation.batch.assembly import Assembly

            self.table = Assembly(self.file.file, output)
        elif self.file is not None:
            self.out = io.TextIOWrapper(self.file.file, encoding="utf-8", errors="backslashreplace", newline="\n")
        if fmt == "json":
            self.out.write("[")

    def emit(self, out: Output) -> None:
        self.progress.update(out.items)
        if out.table is not None:
            self.table.add(out.table)
        if not out.lines:
            return
        if self.fmt == "json":
            self.out.write(("," if self.records else "") + "\n" + ",\n".join(out.lines))
        else:
            self.out.write("\n".join(out.lines) + "\n")
        self.records += len(out.lines)

    def close(self, keep: bool = True) -> None:
        """The report ended; an --output file put in place if `keep`, else removed."""
        if self.fmt == "json":
            self.out.write("\n]\n")
        if self.table is not None:
            self.table.close()
        self.out.flush()
        if self.file is not None:
            if keep:
                self.file.commit()
            else:
                self.file.abandon()

    def abandon(self) -> None:
        if self.table is not None:
            self.table.abandon()
        if self.file is not None:
            self.file.abandon()


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=0, type=int, help="Worker processes (default: the CPU count).")
@click.option("--config", "config", type=click.Path(dir_okay=False, exists=True), default=None,
              help="A moderation.toml (also MODERATION_CONFIG).")
def serve(host: str, port: int, workers: int, config: str | None) -> None:
    """Serve the HTTP API with gunicorn (see moderation/service/server.py for its settings).

    \b
    Examples:
      moderation serve --port 8000
      MODERATION_API_KEYS=secret moderation serve --config moderation.toml
    """
    import os

    from moderation.service.settings import read_settings

    if config:
        os.environ["MODERATION_CONFIG"] = str(Path(config).resolve())
    try:  # a bad setting (MODERATION_*) stops here, named, before gunicorn starts workers
        settings = read_settings()
    except ModerationError as e:
        raise Failure(e) from None
    _load(settings.config)  # a bad config stops here with file:line
    os.environ["MODERATION_BIND"] = f"{host}:{port}"
    if workers:
        os.environ["MODERATION_WORKERS"] = str(workers)
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "--config", "python:moderation.service.server"]
    run()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """Validate wordlists and configs: every mistake as file:line: why, exit 1 if any.

    PATHS are config files, list files, or folders of lists; none: the bundled lists. A file is
    read as a config or a list by what it holds, whatever its name. The lists named and found in
    folders are read together, as a config's paths are, so a term defined twice is found; a
    folder's .toml files are read as configs, and a config is checked with the lists it names.

    \b
    Examples:
      moderation lint
      moderation lint moderation.toml my-lists/
    """
    errors: list[ConfigError] = []
    configs: list[Path] = []
    lists: list[Path] = []
    for path in paths or (BUNDLED,):
        if path.is_dir():
            try:
                lists.extend(walk(path)[0])
                configs.extend(walk(path, suffix=".toml")[0])
            except ConfigError as e:
                errors.extend(e.errors)
        elif _is_config(path):
            configs.append(path)
        else:
            lists.append(path)
    once: dict[str, Path] = {}
    for path in lists:
        once.setdefault(os.path.realpath(path), path)  # named twice, or by a folder and itself
    unique = list(once.values())
    # Read with the bundled frames, as they are loaded with a language's lists: an aimed word of
    # your own needs no frames of its own where its language has them (wordlists/<lang>/frames.txt).
    frames = [f for f in sorted(BUNDLED.glob("*/frames.txt")) if os.path.realpath(f) not in once]
    try:
        load_files(unique + frames, BUNDLED)
    except ConfigError as e:
        errors.extend(e.errors)
    for config in configs:
        try:
            Moderator.from_config(config)
        except ConfigError as e:
            errors.extend(e.errors)
    shown = list(dict.fromkeys(e.located() for e in errors))  # a list a config names may be named too
    for line in shown:
        click.echo(line, err=True)
    click.echo(f"checked {len(configs)} config(s) and {len(unique)} list(s): {len(shown)} mistake(s)", err=True)
    sys.exit(1 if shown else 0)


# A config's lines: `key = value`, or a header of its tables. A list's: `[category]` or `term: ...`.
_CONFIG_LINE = re.compile(r"""\s*(\[\[?\s*["']?(wordlists|policies)\b|["']?[\w.-]+["']?\s*=)""")
_LIST_LINE = re.compile(rf"\s*(\[({'|'.join(SECTIONS)})\]|[^=\[\]]+:)")


def _is_config(path: Path) -> bool:
    """A file is a config when more of its lines look like TOML settings than like list entries."""
    try:
        text = read_regular(path).decode("utf-8", errors="replace")
    except OSError:
        return False  # read as a list, whose reading names the error (a FIFO is not waited on)
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    config = sum(1 for line in lines if _CONFIG_LINE.match(line))
    return config > sum(1 for line in lines if _LIST_LINE.match(line))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def feedback(file: Path, fmt: str) -> None:
    """Summarise moderators' decisions (comments:suggestscore) per term: which terms they overrule.

    FILE is the JSONL the service appends to when MODERATION_FEEDBACK_FILE is set. A line that is
    not a feedback record is named on stderr, and the exit is then 2.

    \b
    Examples:
      moderation feedback /var/lib/moderation/feedback.jsonl
      moderation feedback feedback.jsonl --format json | jq '.terms[:10]'
    """
    from moderation.service.feedback import read_lines, summarize

    try:
        summary = summarize(read_lines(file))
    except OSError as e:
        raise click.ClickException(f"{file}: {e.strerror}") from None
    ranked = summary.ranked()
    if fmt == "json":
        click.echo(json.dumps({"records": summary.records, "unmatched_toxic": summary.unmatched_toxic,
                               "terms": [t.to_dict() for t in ranked]}, ensure_ascii=False))
    else:
        click.echo(f"{'term':<24} {'category':<10} {'seen':>6} {'upheld':>7} {'overruled':>9} {'share':>6}")
        for t in ranked:
            click.echo(f"{t.term:<24} {t.category:<10} {t.seen:>6} {t.upheld:>7} {t.overruled:>9} "
                       f"{t.overruled / t.seen:>6.0%}")
        click.echo(f"{summary.records} decisions; {summary.unmatched_toxic} called toxic where no term matched "
                   "(words the lists may lack)")
    for error in summary.errors:
        click.echo(f"{file}: {error}", err=True)
    sys.exit(2 if summary.errors else 0)
