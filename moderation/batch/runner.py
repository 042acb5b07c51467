"""Running the engine over files and folders: discovery, parallel checking in order, and
cleaned copies written so that nothing is ever lost.

The main process reads the files and writes every output; worker processes only check (but
for the spans of files they read themselves: JSONL blocks, and a Parquet report's row groups,
which they also write as parts for the main process to join). Work goes out in chunks (a text
file, or a few thousand JSONL lines or CSV rows) and comes back in the order it went out, with
a bounded number in flight, so output is deterministic and memory stays bounded whatever the
input size.
"""

from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from moderation.batch.discovery import Found, discover
from moderation.batch.documents import (
    Chunk,
    DocumentError,
    Items,
    blocks_of,
    chunks,
    content_type_of,
    format_of,
    items_of,
    stream_chunks,
)
from moderation.batch.mirror import Mirror
from moderation.batch.report import records, render
from moderation.batch.workers import Workers
from moderation.batch.writing import Copies
from moderation.engine.collector import paused
from moderation.engine.moderator import Languages, Moderator
from moderation.engine.policy import ACTION_RANK
from moderation.engine.result import Result
from moderation.errors import ModerationError


@dataclass
class Options:
    """What `moderation check` was asked to do."""

    policy: str | None = None
    field: str = "text"  # the JSONL field or CSV column holding the text
    kind: str | None = None  # force a format: text, html, markdown, jsonl or csv
    content_type: str | None = None  # force how texts are read (default: by format)
    include: tuple[str, ...] = ()  # globs a file in a folder must match (any)
    exclude: tuple[str, ...] = ()  # globs that leave a file out
    jobs: int = 1
    write_cleaned: Path | None = None  # mirror the inputs there, cleaned
    in_place: bool = False
    backup_suffix: str = ".bak"
    only_flagged: bool = False  # a JSON, JSONL or Parquet report of the flagged items only
    languages: Languages = None  # some of the policy's, "auto", or None for all of them


@dataclass
class Summary:
    files: int = 0
    items: int = 0
    flagged: int = 0
    worst: str = "allow"
    skipped: dict[str, int] = field(default_factory=dict)  # by why: see discovery.Found
    item_errors: int = 0
    unwritten: int = 0  # cleaned copies that could not be written (each named)


# -- checking (in worker processes) --------------------------------------------------------------

_moderator: Moderator | None = None


def _init(config: str | None) -> None:
    global _moderator
    if _moderator is None:
        _moderator = Moderator.from_config(config)


def _init_worker(config: str | None, parent: int) -> None:
    """A worker leaves Ctrl-C to the main process, and stops when the pool stops it: the CLI's
    own SIGTERM handler (clean up, then exit) is for the main process only."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # one sent while it started ends it now
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the main process killed: end quietly, not with a traceback
    _end_with(parent)
    _init(config)


def _end_with(parent: int) -> None:
    """On Linux, a worker gets SIGTERM when the main process ends, even killed by SIGKILL: else
    one waiting for the task pipe's lock, which a worker gone with it held, would wait forever."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before that
        os._exit(1)


PR_SET_PDEATHSIG = 1


@dataclass
class Output:
    """What a chunk gives back: rendered output, counts, item errors, and its cleaned copy."""

    lines: list[str] = field(default_factory=list)
    items: int = 0
    flagged: int = 0
    worst: str = "allow"
    errors: list[str] = field(default_factory=list)  # "path:line: why", for stderr
    cleaned: list[str] = field(default_factory=list)  # the chunk as written back, in pieces
    unreadable: str = ""  # why the chunk could not be read (by a worker): its file's copy is dropped
    table: Any = None  # a Parquet report's rows of the chunk: a pyarrow RecordBatch


@dataclass(frozen=True)
class Task:
    """How every chunk is to be checked and shown."""

    policy: str | None
    fmt: str  # text, json, jsonl or parquet
    color: bool
    cleaned: bool  # build the cleaned copy
    only_flagged: bool = False  # report the flagged items only
    languages: Languages = None  # as for Moderator.check


class OutOfMemory(ModerationError):
    """A chunk could not be checked in the memory the process may use: the run stops."""


def check_chunk(chunk: Chunk, task: Task) -> Output:
    """Check a chunk's items in one scan, render them, and build its cleaned copy. Only the
    flagged items get a result: the others are all alike but for their text."""
    with paused():  # a chunk's thousands of decoded objects hold no cycles
        try:
            return _merged([_check(block, task) for block in blocks_of(chunk)])
        except DocumentError as e:  # a worker reads its span itself: the file may be gone or changed
            return Output(unreadable=str(e))
        except MemoryError:  # pyarrow's too (ArrowMemoryError): named, not a traceback from a worker
            raise OutOfMemory(f"{chunk.path}: out of memory checking it (from its {_UNIT.get(chunk.kind, 'line')} "
                              f"{chunk.first}); the run stopped: give it more memory, or fewer --jobs") from None


_UNIT = {"parquet": "row", "csv": "row"}


def _merged(outs: list[Output]) -> Output:
    """The outputs of a span's blocks as one."""
    if len(outs) == 1:
        return outs[0]
    return Output(lines=[line for out in outs for line in out.lines], items=sum(out.items for out in outs),
                  flagged=sum(out.flagged for out in outs),
                  worst=max((out.worst for out in outs), key=_ORDER.__getitem__, default="allow"),
                  errors=[error for out in outs for error in out.errors],
                  cleaned=[piece for out in outs for piece in out.cleaned])


def _check(chunk: Chunk, task: Task) -> Output:
    assert _moderator is not None
    if task.fmt == "parquet":
        from moderation.batch import parquet

        try:
            part, count, hits, worst = parquet.write_part(_moderator, chunk, task.policy, task.only_flagged,
                                                          task.languages)
        except DocumentError as e:  # the report takes back the file's parts: it needs to hear of it
            return Output(unreadable=str(e), table=parquet.Written(chunk.path, chunk.units[0].slot))
        return Output(items=count, flagged=hits, worst=worst, table=part)
    items = items_of(chunk, fields=task.fmt != "text")
    found = _moderator.flagged_among(items.texts, policy=task.policy, content_type=chunk.content_type,
                                     languages=task.languages)
    flagged = {i: found[i] for i in sorted(found)}  # in item order, as reported
    out = Output(items=len(items.texts), flagged=len(flagged), errors=items.errors)
    out.worst = max((r.action for r in flagged.values()), key=_ORDER.__getitem__, default="allow")
    if task.fmt == "text":
        out.lines = _text_report(chunk.path, items, flagged, task.color)
    else:  # a record for every item (or the flagged ones): the clean ones differ only by their text
        clean = _moderator.check("", policy=task.policy, content_type=chunk.content_type)
        out.lines = records(chunk.path, items.numbers, items.texts, items.fields, flagged, clean,
                            only_flagged=task.only_flagged, compact=task.fmt == "jsonl",
                            where="row" if chunk.kind == "parquet" else "line")
    if task.cleaned:
        out.cleaned = items.rewrite({i: result.cleaned for i, result in flagged.items()})
    return out


def _text_report(path: str, items: Items, flagged: dict[int, Result], color: bool) -> list[str]:
    lines = []
    for i, result in flagged.items():
        number = None if items.numbers is None else items.numbers[i]
        lines.extend(render("text", path, number, items.texts[i], result, None, color))
    return lines


def ordered_map(work: Iterable[Chunk], jobs: int, config: str | None, task: Task) -> Generator[tuple[Chunk, Output]]:
    """check_chunk over the work, answers in the order the work came, at most 4 per job in flight."""
    if jobs <= 1:
        _init(config)
        for chunk in work:
            yield chunk, check_chunk(chunk, task)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    _init(config)  # forked workers inherit it; spawned ones build their own
    with _workers(context, jobs, config) as workers:
        pending: deque[tuple[int, Chunk]] = deque()
        for n, chunk in enumerate(work):
            workers.send(n, check_chunk, chunk, task)
            pending.append((n, dataclasses.replace(chunk, units=[])))
            if len(pending) >= 4 * jobs:
                done, light = pending.popleft()
                yield light, workers.answer(done)
        while pending:
            done, light = pending.popleft()
            yield light, workers.answer(done)


def _workers(context: multiprocessing.context.BaseContext, jobs: int, config: str | None) -> Workers:
    """The workers, started with SIGTERM blocked until each has set it to end the process. Workers
    stopped at once (a small input) are signalled before they may have run: the handler they
    inherit from the CLI would take the signal and drop it, and they would wait for work forever."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        return Workers(context, jobs, _init_worker, (config, os.getpid()))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def run(paths: Sequence[str], options: Options, moderator: Moderator, config: str | None,
        emit: Callable[[Output], None], warn: Callable[[str], None], read_stdin: Callable[[], str],
        fmt: str = "text", color: bool = False, slot: Callable[[], str] | None = None) -> Summary:
    """Check every file with `moderator` (worker processes started by spawn rebuild it from
    `config`); `emit` gets each chunk's output in order, `warn` each file that is skipped. A
    Parquet report's parts are written by the workers, each into a scratch file `slot()` gives
    (assembly.Assembly.slot), and `emit` puts them together."""
    global _moderator
    if fmt == "parquet" and slot is None:
        raise ValueError("a Parquet report is written from parts: give slot= (assembly.Assembly.slot)")
    _moderator = moderator
    found = Found(warn, options.include, options.exclude, options.backup_suffix)
    summary = Summary(skipped=found.skipped)
    copies = Copies(warn)
    mirror = Mirror(options.write_cleaned, paths) if options.write_cleaned else None  # refused before any work
    task = Task(options.policy, fmt, color, cleaned=bool(options.write_cleaned or options.in_place),
                only_flagged=options.only_flagged, languages=options.languages)
    results = ordered_map(_work(paths, options, found, copies, mirror, read_stdin, fmt, slot), options.jobs,
                          config, task)
    left_out: set[str] = set()  # inputs a Parquet report could not take whole, so takes none of
    try:
        for chunk, out in results:
            if out.unreadable and fmt == "parquet":
                if chunk.path not in left_out:
                    left_out.add(chunk.path)
                    summary.skipped["unreadable"] += 1
                    warn(f"{chunk.path}: {out.unreadable}; the file is left out of the report")
            elif out.unreadable:
                summary.skipped["unreadable"] += 1
                warn(f"{chunk.path}:{chunk.first}: {out.unreadable}; the rest of the file is checked, not copied")
                copies.drop(chunk.path)
            _count(summary, chunk, out, chunk.path not in left_out)
            for error in out.errors:
                warn(f"{error}; skipped")
            emit(out)
            copies.write(chunk.path, out.cleaned)
            if chunk.last:
                copies.commit(chunk.path, only_if_changed=options.in_place)
    finally:
        results.close()  # the workers stop
        copies.drop_all()  # interrupted: no temporary file stays behind
    summary.unwritten = copies.failed
    return summary


def _work(paths: Sequence[str], options: Options, found: Found, copies: Copies, mirror: Mirror | None,
          read_stdin: Callable[[], str], fmt: str = "text", slot: Callable[[], str] | None = None,
          stdin: Callable[[], BinaryIO] = lambda: sys.stdin.buffer) -> Iterator[Chunk]:
    """The chunks of every input in order, a cleaned copy started for each file that has one; for
    a Parquet report, spans of row groups that the workers read themselves."""
    tables = Tables(fmt, bool(options.in_place or mirror))
    for path in discover(paths, found):
        if str(path) == "-":
            if fmt == "parquet" or options.kind == "parquet":
                found.skipped["unreadable"] += 1
                found.warn("-: Parquet is not read from standard input (a Parquet file is read from its end): "
                           "name the file; skipped" if options.kind == "parquet" else
                           "-: a Parquet report holds the rows of Parquet files, and standard input is read as "
                           "text; report it with --format jsonl; skipped")
                continue
            if options.kind in ("jsonl", "csv"):  # items, streamed, as a file's
                try:
                    yield from stream_chunks(options.kind, options.field,
                                             content_type_of(options.kind, options.content_type), stdin())
                except DocumentError as e:
                    found.skipped["unreadable"] += 1
                    found.warn(f"-: {e}; skipped")
                continue
            kind = options.kind if options.kind in ("html", "markdown") else "text"
            yield Chunk("-", kind, 1, [read_stdin()], options.field, last=True,
                        content_type=content_type_of(kind, options.content_type))
            continue
        kind = format_of(path, options.kind)
        try:
            tables.admit(path, kind, options.field)
            content_type = content_type_of(kind, options.content_type)
            if fmt == "parquet" and slot is not None:  # a Parquet report: run() has a slot for each part
                from moderation.batch import parquet

                yield from parquet.spans(path, options.field, content_type, slot)
                continue
            for n, chunk in enumerate(chunks(path, kind, options.field, content_type, spans=options.jobs > 1)):
                if n == 0 and (options.in_place or mirror):
                    target = mirror.target(path) if mirror else path
                    copies.start(path, target, _backup(options), chunk.encoding)
                yield chunk
        except DocumentError as e:
            found.skipped["unreadable"] += 1
            found.warn(f"{path}: {e}; skipped")
            copies.drop(str(path))


class Tables:
    """Which inputs a run of this report can take: a Parquet report holds the rows of Parquet
    files of one schema; no cleaned copy of a Parquet file is written (its report's `cleaned`
    column holds the cleaned texts)."""

    def __init__(self, fmt: str, copies: bool) -> None:
        self.fmt, self.copies = fmt, copies
        self.first: tuple[Path, Any] | None = None  # the first Parquet input and its schema

    def admit(self, path: Path, kind: str, field_name: str) -> None:
        """DocumentError, saying what to do, for an input this run cannot report."""
        if kind == "parquet" and self.copies:
            raise DocumentError("no cleaned copy of a Parquet file is written; its Parquet report "
                                "(--format parquet --output FILE) holds the cleaned texts in its column 'cleaned'")
        if self.fmt != "parquet":
            return
        if kind != "parquet":
            raise DocumentError("a Parquet report holds the rows of Parquet files; report this one with "
                                "--format jsonl")
        from moderation.batch import parquet

        schema = parquet.schema_of(path)
        if self.first is None:
            self.first = (path, schema)
        elif not schema.equals(self.first[1]):
            raise DocumentError(f"its columns differ from those of {self.first[0]}, and a Parquet report is one "
                                "table; check it in a run of its own")


def _count(summary: Summary, chunk: Chunk, out: Output, whole: bool = True) -> None:
    summary.files += chunk.last and whole
    summary.items += out.items
    summary.flagged += out.flagged
    summary.item_errors += len(out.errors)
    if _ORDER[out.worst] > _ORDER[summary.worst]:
        summary.worst = out.worst


_ORDER = ACTION_RANK


def _backup(options: Options) -> str | None:
    return options.backup_suffix if options.in_place else None
