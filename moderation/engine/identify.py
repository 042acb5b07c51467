"""Which of a policy's languages a text is written in, for a check that asks ("auto").

py3langid's model (BSD-3, inside its wheel, no download): among the nine languages it was the
most accurate on comments and tweets, 99.3% overall and 98.8% under 60 characters, against
lingua's 98.5% and 97.6% (at three times the memory and a third of the speed), fastText's lid.176
(97.6%), CLD2 (93.6%) and CLD3 (91.3%), on 2,700 labelled posts of ../shared/eval; and its
confidence separates its errors from its right answers: at 0.9, every error it made fell below,
with 5.6% of the texts. Below that, a text is checked in every language asked for.

The model is py3langid's, read from its wheel at run time; the classifier is ours and gives
py3langid's `classify` answers restricted to the candidates: the same language, the same
confidence to float32 rounding (within 2e-6 on 3,641 comments; tests/test_identify.py compares
them on the golden cases, odd and long texts, mixed batches and random text). py3langid walks a
text's bytes one by one in Python (~2.8 MB/s of comments); here a batch of texts is walked at once
with numpy, one step per byte position across all of them, and each text's features' rows of the
candidates' columns are summed at once: 6-19x py3langid's speed in the same runs (median ~10x),
19-22 MB/s of CPU time on 150-byte comments with the machine shared (BENCHMARKS.md). check_many
identifies all its texts with a hit in one call.

The model: a byte automaton whose states are the byte n-grams it knows, each naming at most one
feature; a text's score for a language is the sum of log(1 + count) of each feature times the
feature's log-probability in it, plus the language's prior, divided by the square root of the
text's length in bytes, then normalised (a softmax). The automaton is Aho-Corasick's over n-grams
of at most DEPTH bytes (a test checks every move): its state is the longest known suffix of what
was read, so it depends on the last DEPTH bytes only. A text is therefore cut into rows of a few
dozen bytes, each walked from DEPTH bytes before it, and the rows of all the texts are walked side
by side: a batch costs width + DEPTH numpy steps however long its texts. A few hundred bytes are
walked in Python instead (fewer calls).

Unpacking the model costs ~0.4 s, most of it decompressing its xz (one block: it cannot be split
across cores), and ~70 MB: it is unpacked once into the cache (see cache) and read from there by
every process after (~15 ms; its 28 MB of features mapped, shared by the workers of a server), and
loaded once per process, when first needed; the candidates' columns are sliced once per set of
languages.
"""

from __future__ import annotations

import math
import os
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# numpy (and what reads the model) is imported in the functions that use it: it is loaded with the
# model, when a check first asks for "auto", not with the engine (it would double its start-up).

CONFIDENT = 0.9  # below this, a text's language is uncertain: it is checked in all of them
# A text's language shows in its first paragraphs: an article is not read whole to name it.
READ = 2000
DEPTH = 6  # the longest n-gram of the model, in bytes (tests/test_identify.py checks it)
SMALL = 1000  # fewer bytes than this are walked in Python (see _counted_one_by_one)
# Bytes walked at once: arrays of ~10x this, however many texts are given. At 1 MB those arrays
# came from fresh pages at each call (3,000 page faults, a quarter of the time); at 128 KB, none.
BATCH = 1 << 17
MODEL_ARRAYS = ("classes", "ptc", "pc", "nextmove", "nextmove_row", "out_feat")  # what we read of the model
CACHED_FORMAT = 1  # of the unpacked copy in the cache: a new one, if ever it changes, names a new entry
_lock = threading.Lock()
_model: list[_Model] = []
_columns: dict[tuple[str, ...], _Columns] = {}


@dataclass(frozen=True)
class _Model:
    classes: list[str]
    ptc: Any  # features x classes, float16: log P(feature | language)
    pc: Any  # classes, float32: log P(language)
    nextmove: Any  # distinct rows of 256 next states, flat
    rowbase: Any  # by state: where its row starts in nextmove
    output: Any  # by state: the feature it counts, or -1


@dataclass(frozen=True)
class _Columns:
    """The model restricted to some languages, in the model's order (as py3langid's set_languages)."""
    classes: tuple[str, ...]
    ptc: Any  # features x these languages, float32
    pc: Any
    aliases: tuple[tuple[int, int], ...]  # (first, later) columns of one label: summed into the first


def identify(text: str, candidates: Sequence[str]) -> tuple[str, ...]:
    """The one language among `candidates` that `text` is written in, or all of them when that
    is uncertain (a short, mixed or empty text)."""
    return identify_many([text], candidates)[0]


def identify_many(texts: Sequence[str], candidates: Sequence[str]) -> list[tuple[str, ...]]:
    """`identify` of each text, the texts walked together: many short texts cost about as much as
    one long text of the same size."""
    every = tuple(candidates)
    if len(every) < 2 or not texts:
        return [every] * len(texts)
    columns = _columns_for(every)
    best, confidence = _scored(texts, columns)
    one = [(language,) for language in columns.classes]
    return [one[b] if sure else every
            for b, sure in zip(best.tolist(), (confidence >= CONFIDENT).tolist(), strict=True)]


def classify_many(texts: Sequence[str], candidates: Sequence[str]) -> list[tuple[str, float]]:
    """The likeliest of `candidates` for the start (READ characters) of each text, and its
    probability among them: py3langid's classify restricted to them."""
    columns = _columns_for(tuple(candidates))
    best, confidence = _scored(texts, columns)
    return [(columns.classes[b], c) for b, c in zip(best.tolist(), confidence.tolist(), strict=True)]


def _scored(texts: Sequence[str], columns: _Columns) -> tuple[Any, Any]:
    """Each text's likeliest column and its probability, in batches of about BATCH bytes."""
    import numpy as np

    encoded = [_encoded(text[:READ]) for text in texts]
    found: list[tuple[Any, Any]] = []
    start, size = 0, 0
    for end, data in enumerate(encoded, 1):
        size += len(data)
        if size >= BATCH or end == len(encoded):
            found.append(_classified(encoded[start:end], columns))
            start, size = end, 0
    if len(found) == 1:
        return found[0]
    return (np.concatenate([best for best, _ in found] or [np.zeros(0, dtype=np.intp)]),
            np.concatenate([confidence for _, confidence in found] or [np.zeros(0, dtype=np.float32)]))


def load() -> None:
    """Load the model now, rather than on the first text that needs it (a server's worker
    loads it before it answers)."""
    _loaded()


def _encoded(text: str) -> bytes:
    """The bytes py3langid reads of a text: lowercased if all upper, NFC, UTF-8 (a lone
    surrogate as its three bytes)."""
    if text.isupper():
        text = text.lower()
    if text.isascii():  # (its own NFC)
        return text.encode("ascii")
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def _classified(encoded: list[bytes], columns: _Columns) -> tuple[Any, Any]:
    """py3langid's scores of each text, normalised: the likeliest column and its probability."""
    import numpy as np

    model = _loaded()
    lengths = np.fromiter(map(len, encoded), dtype=np.intp, count=len(encoded))
    scores = np.zeros((len(encoded), len(columns.classes)), dtype=np.float32)  # no feature: all alike
    texts, features, counts = _counted(model, b"".join(encoded), lengths)
    if len(texts):
        # each text's log(1 + count) of each feature times its columns, summed by text
        terms = np.take(columns.ptc, features, axis=0)  # (several times faster than ptc[features])
        terms *= np.log1p(counts.astype(np.float32))[:, None]
        first = np.empty(len(texts), dtype=bool)
        first[:1] = True
        np.not_equal(texts[1:], texts[:-1], out=first[1:])
        first = np.flatnonzero(first)
        scores[texts[first]] = np.add.reduceat(terms, first, axis=0) + columns.pc
    # the temperature sqrt(bytes) keeps the softmax calibrated across lengths
    scores *= (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)[:, None]
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for first_column, later in columns.aliases:
        scores[:, first_column] += scores[:, later]
        scores[:, later] = 0.0
    best = scores.argmax(axis=1)
    return best, scores[np.arange(len(encoded)), best]


def _counted(model: _Model, data: bytes, lengths: Any) -> tuple[Any, Any, Any]:
    """The features of the texts whose bytes `data` joins, counted: (text, feature, count), each
    text's together."""
    import numpy as np

    if len(data) < SMALL:
        return _counted_one_by_one(model, data, lengths)
    width = _width(len(data))
    # The texts in order of their number of rows (of `width` bytes): the features of those of k
    # rows are then one block of k * width features a text.
    order = np.argsort(-(-lengths // width), kind="stable")
    rows_of = -(-lengths[order] // width)  # a text of no byte has no row
    text_of_row = np.repeat(order, rows_of)
    first_row = np.cumsum(rows_of) - rows_of
    nth = np.arange(len(text_of_row)) - np.repeat(first_row, rows_of)  # a row's place in its text
    found = _walked(model, data, lengths, width, text_of_row, nth).ravel()
    # Counting needs each text's features sorted: each block is sorted a text at a time (many short
    # sorts are several times faster than one of them all), then equal neighbours are counted.
    for k, first, n in zip(*np.unique(rows_of, return_index=True, return_counts=True), strict=True):
        start = first_row[first] * width
        found[start : start + n * k * width].reshape(n, k * width).sort(axis=1)
    new = np.empty(len(found), dtype=bool)
    new[:1] = True
    np.not_equal(found[1:], found[:-1], out=new[1:])
    new[first_row[rows_of > 0] * width] = True  # a text's first
    starts = np.flatnonzero(new)
    counts = np.diff(starts, append=len(found))
    features = found[starts]
    kept = features >= 0
    return text_of_row[starts[kept] // width], features[kept], counts[kept]


def _counted_one_by_one(model: _Model, data: bytes, lengths: Any) -> tuple[Any, Any, Any]:
    """_counted for a few hundred bytes, walked in Python: each numpy step costs more than that."""
    import numpy as np

    nextmove, rowbase, output = (memoryview(a).cast("B").cast(a.dtype.char)  # Python ints, fast
                                 for a in (model.nextmove, model.rowbase, model.output))
    texts: list[int] = []
    features: list[int] = []
    counts: list[int] = []
    start = 0
    for text, length in enumerate(lengths.tolist()):
        state, found = 0, []
        for byte in data[start : start + length]:
            state = nextmove[rowbase[state] + byte]
            found.append(output[state])
        start += length
        counted = Counter(found)
        counted.pop(-1, None)
        texts += [text] * len(counted)
        features += counted.keys()
        counts += counted.values()
    return np.array(texts, dtype=np.intp), np.array(features, dtype=np.intp), np.array(counts, dtype=np.intp)


def _walked(model: _Model, data: bytes, lengths: Any, width: int, text_of_row: Any, nth: Any) -> Any:
    """The feature each byte counts (-1: none), by row: (rows, width), row r the nth[r] `width` bytes of
    text text_of_row[r], -1 past its text's end.

    A row is walked from DEPTH bytes before it (a text's first, from its start), all rows side by
    side; what it counts starts at its start."""
    import numpy as np

    ends = np.cumsum(lengths)
    row_start = ends[text_of_row] - lengths[text_of_row] + nth * width
    row_length = np.minimum(ends[text_of_row] - row_start, width)
    # DEPTH bytes before the data and `width` after it, so that no row reads outside
    padded = np.frombuffer(bytes(DEPTH) + data + bytes(width), dtype=np.uint8)
    grid = padded[row_start[None, :] + DEPTH + np.arange(-DEPTH, width)[:, None]]  # (step, row): the byte read
    state = np.zeros(len(row_start), dtype=model.nextmove.dtype)
    at = np.empty(len(row_start), dtype=np.intp)
    reached = np.empty((width, len(row_start)), dtype=model.nextmove.dtype)
    first = nth == 0
    for step in range(DEPTH + width):  # each step into arrays made once (a tenth faster than new ones)
        if step == DEPTH:
            state[first] = 0  # a text's first row has no context: it starts here
        np.take(model.rowbase, state, out=at)
        at += grid[step]
        state = np.take(model.nextmove, at, out=reached[step - DEPTH] if step >= DEPTH else state)
    features = np.take(model.output, reached.T)
    features[np.arange(width)[None, :] >= row_length[:, None]] = -1
    return features


def _width(size: int) -> int:
    """Bytes a row for a batch of `size` bytes: a step costs a few numpy calls however many rows, and a
    row DEPTH bytes walked twice; their sum is least about sqrt(size / 100), as a power of two, 8 to 256."""
    return 1 << max(3, min(8, round(math.log2(max(size, 1) / 100) / 2)))


def _columns_for(candidates: tuple[str, ...]) -> _Columns:
    import numpy as np

    languages = tuple(sorted(set(candidates)))
    found = _columns.get(languages)
    if found is not None:
        return found
    model = _loaded()
    unknown = set(languages).difference(model.classes)
    if unknown:
        raise ValueError(f"no language identification for {sorted(unknown)}")
    indices = [i for i, c in enumerate(model.classes) if c in languages]
    classes = tuple(model.classes[i] for i in indices)
    first: dict[str, int] = {}
    aliases = []
    for i, c in enumerate(classes):
        if c in first:
            aliases.append((first[c], i))
        first.setdefault(c, i)
    # contiguous: take() of a row of a Fortran-ordered slice copies the whole table
    ptc = np.ascontiguousarray(model.ptc[:, indices], dtype=np.float32)
    columns = _Columns(classes, ptc, model.pc[indices], tuple(aliases))
    with _lock:
        _columns[languages] = columns
    return columns


def _loaded() -> _Model:
    if _model:
        return _model[0]
    with _lock:
        if not _model:
            _model.append(_read_model())
        return _model[0]


def _read_model() -> _Model:
    """py3langid's model: its arrays unpacked once into the cache (see cache) and mapped from
    there, or unpacked from its wheel when the cache holds none or cannot be used."""
    import logging

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from moderation.engine import cache  # (with the model: its imports would slow the engine's start)

    source = os.stat(MODEL_DIR / MODEL_FILE)  # its own name, size and time name its unpacked copy
    name = f"langid-{source.st_size}-{source.st_mtime_ns}-{CACHED_FORMAT}"
    arrays = None
    stored = cache.entry(name)
    if stored is not None:
        try:
            arrays = {n: np.load(stored / f"{n}.npy", mmap_mode="r").view(np.ndarray) for n in MODEL_ARRAYS}
            # The moves are read at random, a byte at a time: copied into this process's memory, which
            # numpy asks the kernel to back with huge pages, they are read 1.5x faster than mapped.
            arrays["nextmove"] = np.array(arrays["nextmove"])
        except (OSError, ValueError) as error:  # damaged: unpacked again, as if never stored
            logging.getLogger(__name__).warning(
                "the cached language model %s cannot be read (%s): unpacking py3langid's", stored, error)
            cache.discard(name)
    if arrays is None:
        arrays = _unpacked(MODEL_DIR / MODEL_FILE)
        unpacked = arrays

        def write(folder: Path) -> None:
            for n in MODEL_ARRAYS:
                np.save(folder / f"{n}.npy", unpacked[n])

        cache.store(name, write)
    rowbase = arrays["nextmove_row"].astype(np.intp) << 8
    return _Model([str(c) for c in arrays["classes"]], arrays["ptc"], arrays["pc"], arrays["nextmove"], rowbase,
                  arrays["out_feat"])


def _unpacked(path: Path) -> dict[str, Any]:
    """The arrays of py3langid's model file: an npz (a zip of .npy arrays, stored) inside xz,
    read as a stream, each array straight into its own memory (no 68 MB of zip in between, nor
    its checksum: the xz has its own)."""
    import lzma
    import struct
    import zipfile

    import numpy as np

    arrays = {}
    with lzma.open(path) as stream:
        while (header := stream.read(30))[:4] == b"PK\x03\x04":  # a zip's member, up to its directory
            flags, method = struct.unpack_from("<HH", header, 6)
            name_length, extra_length = struct.unpack_from("<HH", header, 26)
            name = stream.read(name_length).decode()
            stream.read(extra_length)
            if method != zipfile.ZIP_STORED or flags & 8:  # its length must be its array's
                raise ValueError(f"{path.name}: {name} is not stored plain")
            version = np.lib.format.read_magic(stream)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(stream)
            if fortran or dtype.hasobject:
                raise ValueError(f"{path.name}: {name} is not a plain array")
            array = np.empty(shape, dtype=dtype)
            into, done = array.reshape(-1).view(np.uint8).data, 0
            while done < len(into):
                got = stream.readinto(into[done : done + (1 << 20)])  # (a MB at a time: a small peak)
                if not got:
                    raise ValueError(f"{path.name}: {name} is cut short")
                done += got
            arrays[name.removesuffix(".npy")] = array
    missing = set(MODEL_ARRAYS).difference(arrays)
    if missing:
        raise ValueError(f"{path.name}: no {', '.join(sorted(missing))}")
    return arrays
