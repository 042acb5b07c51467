"""Rows at scale (issue 14): check_many against check_arrow on the same comments, and what a
pickled Moderator costs to ship and to build again.

    python benchmarks/scale.py [--rows 300000] [--repeat 3]   # rows/s of check_many and check_arrow
    python benchmarks/scale.py --pickle [--repeat 5]          # pickled size, unpickle-and-build time
    python benchmarks/scale.py --engines [--rows 3000000] [--repeat 3] [--jobs 2] [--only spark-udf,dask]
    python benchmarks/scale.py --engines --quick              # 200,000 rows, one round: does it all run?
    python benchmarks/scale.py --memory DIR [--jobs 2]        # the CLI's peak RSS on one file of DIR, and all

The comments are synthetic and seeded (every run checks the same ones): 5 to 30 ordinary words,
about 2% of them with one of a few bundled words (plain, leet or self-censored) put in. check_many
gets a list of str, check_arrow the same texts as a pyarrow string array made before the clock
starts (what a data frame holds); the runs alternate, each after a garbage collection, and the
figures are medians. --pickle pickles the bundled lists' Moderator and unpickles it in fresh
processes, against Moderator.from_config in fresh processes (what a worker would do without it).

--engines writes the comments (and an id) as Parquet files and runs each pipeline over them, beside
the same pipeline with a function that does nothing (it passes the batches through), round after
round: the library alone (`columns.moderated` per batch of a file read in one process; no-op: the
reading alone), the CLI's Parquet report with --jobs N (beside --jobs 1), Spark's mapInArrow and
Arrow UDF (local[N], into Spark's "noop" sink), Dask's map_partitions (N processes) and Ray Data's
map_batches (N actors). The ratio ours / no-op (time of the no-op over ours) says what our step
costs inside each engine: 1.0 would be free.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROSE = ("the council said on Tuesday that new bus routes would open next month after a long review of "
            "traffic in the city centre and people who live near the station asked for more trains at night "
            "while shops reported better sales this summer than last year because of the weather and a new "
            "market I think this article is great thanks for writing it what about parking though")
ORDINARY = PROSE.split()  # the words of the clean comments
PROFANE = ("fuck", "shit", "f**king", "sh1t", "bullshit", "asshole", "crap", "bastard")
PROFANE_SHARE = 0.02
UNPICKLE = """
import pickle, sys, time
import moderation.engine.moderator
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
mod = pickle.loads(data)
built = time.perf_counter() - start
start = time.perf_counter()
again = pickle.loads(data)
cached = time.perf_counter() - start
assert again is mod and mod.check("what the f**k").flagged
print(built, cached)
"""
FROM_CONFIG = """
import sys, time
from moderation import Moderator
start = time.perf_counter()
Moderator.from_config()
print(time.perf_counter() - start)
"""


def comments(rows: int, seed: int = 14) -> list[str]:
    """`rows` synthetic comments, about PROFANE_SHARE of them with a profane word (module docstring)."""
    rng = random.Random(seed)
    texts = []
    for _ in range(rows):
        words = rng.choices(ORDINARY, k=rng.randint(5, 30))
        if rng.random() < PROFANE_SHARE:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PROFANE))
        texts.append(" ".join(words).capitalize() + ".")
    return texts


def seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rows_per_second(rows: int, repeat: int) -> None:
    import pyarrow as pa

    from moderation import Moderator
    from moderation.batch import check_arrow

    mod = Moderator.from_config()
    texts = comments(rows)
    strings = pa.array(texts, pa.string())
    runs: dict[str, Callable[[], object]] = {
        "check_many": lambda: mod.check_many(texts),
        "check_arrow": lambda: check_arrow(mod, strings),
        "flagged_among (no columns)": lambda: mod.flagged_among(texts),
    }
    for run in runs.values():  # warm the readings' and masks' caches alike for all
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(seconds(run))
    flagged = sum(check_arrow(mod, strings).column("flagged").to_pylist())
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{rows:,} comments, {mb:.1f} MB, {flagged:,} flagged ({flagged / rows:.1%}); medians of {repeat}\n")
    print("| call | rows/s | seconds |")
    print("|---|---|---|")
    speed = {name: rows / statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"| {name} | {speed[name]:,.0f} | {statistics.median(t):.2f} |")
    print(f"\ncheck_arrow / check_many: {speed['check_arrow'] / speed['check_many']:.2f}")


def pickling(repeat: int) -> None:
    from moderation import Moderator

    data = pickle.dumps(Moderator.from_config(), protocol=pickle.HIGHEST_PROTOCOL)
    with tempfile.NamedTemporaryFile(suffix=".pickle") as file:
        file.write(data)
        file.flush()
        runs = [_python(UNPICKLE, file.name) for _ in range(repeat)]
    fresh = [_python(FROM_CONFIG)[0] for _ in range(repeat)]
    print(f"pickled Moderator (bundled lists): {len(data):,} bytes; fresh processes, medians of {repeat}\n")
    print("| in a fresh process (moderation imported) | ms |")
    print("|---|---|")
    print(f"| pickle.loads, building the moderator | {statistics.median(r[0] for r in runs) * 1000:.1f} |")
    print(f"| pickle.loads again (the cached one) | {statistics.median(r[1] for r in runs) * 1000:.3f} |")
    print(f"| Moderator.from_config(), for comparison | {statistics.median(fresh) * 1000:.1f} |")


# -- the engines (issue 14, part 3): a Parquet dataset through each, ours beside a no-op -----------

ENGINE_RUNS = ("library", "cli", "spark-mapInArrow", "spark-udf", "dask", "ray")


def write_dataset(folder: Path, rows: int, files: int) -> float:
    """`rows` comments as `files` Parquet files (row groups of 65,536 rows), an id beside each;
    written file by file, so memory holds one file's comments. Returns the MB of text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    size, start = 0, 0
    for n in range(files):
        count = rows // files + (n < rows % files)
        texts = comments(count, seed=14 + n)
        size += sum(map(len, texts))
        table = pa.table({"id": pa.array(range(start, start + count), pa.int64()),
                          "body": pa.array(texts, pa.string())})
        pq.write_table(table, folder / f"part-{n:03d}.parquet", row_group_size=65_536)
        start += count
    return size / 1e6


class Engines:
    """Each engine started once, and a pair of runs per engine: ours and the same pipeline with a
    function that does nothing (it passes the batches through)."""

    def __init__(self, folder: Path, selected: list[str], jobs: int) -> None:
        from moderation import Moderator

        self.folder, self.jobs = folder, jobs
        self.mod = Moderator.from_config()
        self.runs: dict[str, tuple[Callable[[], int], Callable[[], int]]] = {}
        for name in selected:
            self.runs[name] = getattr(self, "_" + name.replace("-", "_"))()

    def _library(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import pyarrow.parquet as pq

        from moderation.batch.columns import moderated

        files = sorted(self.folder.glob("*.parquet"))

        def over(function: Callable[[Any], Any]) -> Callable[[], int]:
            def run() -> int:
                rows = 0
                for path in files:
                    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
                        rows += function(batch).num_rows
                return rows
            return run

        return over(lambda batch: moderated(self.mod, batch, "body")), over(lambda batch: batch)

    def _cli(self) -> tuple[Callable[[], int], Callable[[], int]]:
        out = self.folder.parent / "report.parquet"

        def cli(jobs: int) -> Callable[[], int]:
            def run() -> int:
                subprocess.run([sys.executable, "-c", "from moderation.cli import main; main()", "check",
                                str(self.folder), "--field", "body", "--format", "parquet", "--output", str(out),
                                "--jobs", str(jobs), "--fail-on", "never"], check=True, capture_output=True)
                import pyarrow.parquet as pq

                return int(pq.ParquetFile(out).metadata.num_rows)
            return run

        return cli(self.jobs), cli(1)  # --jobs N, beside --jobs 1 (not a no-op)

    def _spark(self) -> Any:
        if not hasattr(self, "spark"):
            from pyspark.sql import SparkSession

            os.environ["PYSPARK_PYTHON"] = sys.executable
            self.spark = (SparkSession.builder.master(f"local[{self.jobs}]").appName("moderation-bench")
                          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", str(self.jobs))
                          .config("spark.driver.memory", "2g").getOrCreate())
            self.spark.sparkContext.setLogLevel("ERROR")
        return self.spark

    def _spark_mapInArrow(self) -> tuple[Callable[[], int], Callable[[], int]]:
        from moderation.batch import spark as moderation_spark

        frame = self._spark().read.parquet(str(self.folder))

        def sink(out: Any) -> Callable[[], int]:
            def run() -> int:
                out.write.format("noop").mode("overwrite").save()
                return int(self._rows)
            return run

        return sink(moderation_spark.moderate(frame, self.mod, field="body")), sink(
            frame.mapInArrow(_passed, frame.schema))

    def _spark_udf(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import pyarrow as pa
        from pyspark.sql.functions import col
        from pyspark.sql.pandas.functions import arrow_udf

        from moderation.batch import spark as moderation_spark

        frame = self._spark().read.parquet(str(self.folder))
        _same_strings.__annotations__ = {"strings": pa.Array, "return": pa.Array}  # how arrow_udf knows its kind
        same: Any = arrow_udf(_same_strings, "string")

        def sink(out: Any) -> Callable[[], int]:
            def run() -> int:
                out.write.format("noop").mode("overwrite").save()
                return int(self._rows)
            return run

        return (sink(frame.withColumn("moderation", moderation_spark.udf(self.mod)(col("body")))),
                sink(frame.withColumn("moderation", same(col("body")))))

    def _dask(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import dask.dataframe as dd

        from moderation.batch import dask as moderation_dask

        frame = dd.read_parquet(str(self.folder))

        def sink(out: Any) -> Callable[[], int]:
            def run() -> int:
                return int(out.map_partitions(len).compute(scheduler="processes", num_workers=self.jobs).sum())
            return run

        return sink(moderation_dask.moderate(frame, self.mod, field="body")), sink(
            frame.map_partitions(_passed_frame, meta=frame._meta))

    def _ray(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import ray

        from moderation.batch import ray as moderation_ray

        if not ray.is_initialized():
            # Twice the actors' CPUs: a finished pipeline's actors may linger while the next starts its own.
            ray.init(num_cpus=2 * self.jobs, include_dashboard=False, log_to_driver=False, configure_logging=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        dataset = ray.data.read_parquet(str(self.folder))

        def sink(out: Any) -> Callable[[], int]:
            def run() -> int:
                return sum(batch.num_rows for batch in out.iter_batches(batch_format="pyarrow", batch_size=None))
            return run

        ours = moderation_ray.moderate(dataset, self.mod, field="body", concurrency=self.jobs, batch_size=10_000)
        nothing = dataset.map_batches(_Passed, batch_format="pyarrow", batch_size=10_000,
                                      compute=ray.data.ActorPoolStrategy(size=self.jobs))
        return sink(ours), sink(nothing)

    _rows = 0


def _passed(batches: Any) -> Any:
    yield from batches


def _same_strings(strings: Any) -> Any:
    return strings


def _passed_frame(frame: Any) -> Any:
    return frame


class _Passed:
    def __call__(self, batch: Any) -> Any:
        return batch


def engines(rows: int, rounds: int, selected: list[str], jobs: int, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="moderation-scale-") as scratch:
        folder = (keep or Path(scratch)) / f"comments-{rows}"
        if not (folder.is_dir() and any(folder.glob("*.parquet"))):
            start = time.perf_counter()
            mb = write_dataset(folder, rows, files=max(jobs * 4, rows // 250_000))
            print(f"wrote {rows:,} comments ({mb:.0f} MB of text) as Parquet in {time.perf_counter() - start:.0f} s")
        bench = Engines(folder, selected, jobs)
        Engines._rows = rows
        for name, (ours, nothing) in bench.runs.items():  # a warm-up of each: workers started, JIT, caches
            assert ours() == rows and nothing() == rows, name
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in bench.runs}
        for _ in range(rounds):
            for name, (ours, nothing) in bench.runs.items():
                times[name].append((seconds(ours), seconds(nothing)))
        print(f"\n{rows:,} comments in {len(list(folder.glob('*.parquet')))} Parquet files, {jobs} processes or "
              f"threads per engine; medians of {rounds} rounds (ratio: of each round, then the median)\n")
        print("| pipeline | ours rows/s | no-op rows/s | ours / no-op (range) |")
        print("|---|---|---|---|")
        for name, pairs in times.items():
            ratios = [nothing / ours for ours, nothing in pairs]
            label = {"cli": f"CLI --format parquet, --jobs {jobs} (no-op column: --jobs 1)",
                     "library": "library alone, one process (moderated per batch; no-op: read only)"}.get(name, name)
            print(f"| {label} | {rows / statistics.median(p[0] for p in pairs):,.0f} | "
                  f"{rows / statistics.median(p[1] for p in pairs):,.0f} | {statistics.median(ratios):.2f} "
                  f"({min(ratios):.2f}-{max(ratios):.2f}) |")
        _stop(bench)


def _stop(bench: Any) -> None:
    """Stop the engines a bench started: Ray's workers, Spark's JVM."""
    if "ray" in bench.runs:
        import ray

        ray.shutdown()
    if hasattr(bench, "spark"):
        bench.spark.stop()


# -- the time inside our function, per row, in each engine and in a plain process (issue 14) ------

INSIDE_RUNS = ("spark-mapInArrow", "spark-udf", "dask", "ray")


class _Clock:
    """Times each call of our function where the engine runs it: rows, CPU seconds of the calling
    thread (what the call did, whatever else wants the core) and wall seconds, a line per call in
    a file per process of `folder`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def timed(self, rows: int, call: Callable[[], Any]) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        out = call()
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        with open(os.path.join(self.folder, str(os.getpid())), "a", encoding="utf-8") as f:
            f.write(f"{rows} {cpu} {wall}\n")
        return out


def _timed_classes() -> dict[str, Any]:
    """Our engine functions, each with its call timed: subclasses of the library's (pickled by value
    with this script, as the engines pickle a function of __main__)."""
    from moderation.batch.dask import Partition
    from moderation.batch.ray import Moderate
    from moderation.batch.spark import InArrow

    class TimedInArrow(InArrow):
        clock: _Clock

        def moderated(self, batch: Any) -> Any:
            return self.clock.timed(batch.num_rows, lambda: super(TimedInArrow, self).moderated(batch))

    class TimedPartition(Partition):
        clock: _Clock

        def __call__(self, part: Any) -> Any:
            return self.clock.timed(len(part), lambda: super(TimedPartition, self).__call__(part))

    class TimedModerate(Moderate):
        clock: _Clock

        def __call__(self, batch: Any) -> Any:
            return self.clock.timed(batch.num_rows, lambda: super(TimedModerate, self).__call__(batch))

    return {"spark-mapInArrow": TimedInArrow, "dask": TimedPartition, "ray": TimedModerate}


class Inside(Engines):
    """Each engine running our function, timed inside (_Clock), and the same batches (their sizes,
    over the same texts in file order) through check_arrow in this plain process."""

    def __init__(self, folder: Path, selected: list[str], jobs: int, clocks: Path) -> None:
        self.clocks = clocks
        self.timed = _timed_classes()
        super().__init__(folder, selected, jobs)

    def clock(self, name: str) -> _Clock:
        folder = self.clocks / name
        folder.mkdir(parents=True, exist_ok=True)
        return _Clock(str(folder))

    def calls(self, name: str) -> list[tuple[int, float, float]]:
        """The timed calls of the last run of `name` (and the clock's files emptied)."""
        calls = []
        for f in (self.clocks / name).iterdir():
            calls += [(int(r), float(c), float(w)) for r, c, w in (line.split() for line in f.read_text().splitlines())]
            f.unlink()
        return calls

    def _spark_mapInArrow(self) -> tuple[Callable[[], int], Callable[[], int]]:
        from moderation.batch import spark as moderation_spark

        frame = self._spark().read.parquet(str(self.folder))
        function = self.timed["spark-mapInArrow"](self.mod, "body")
        function.clock = self.clock("spark-mapInArrow")
        out = frame.mapInArrow(function, moderation_spark.schema(frame.schema))
        return self._noop_sink(out), self._noop_sink(out)

    def _spark_udf(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import pyarrow as pa
        from pyspark.sql.functions import col
        from pyspark.sql.pandas.functions import arrow_udf
        from pyspark.sql.pandas.types import from_arrow_type

        from moderation.batch import spark as moderation_spark

        frame = self._spark().read.parquet(str(self.folder))
        ours = moderation_spark.udf(self.mod).func  # the library's function, which Spark calls
        clock = self.clock("spark-udf")

        def timed(strings: pa.Array) -> pa.Array:
            return clock.timed(len(strings), lambda: ours(strings))

        timed.__annotations__ = {"strings": pa.Array, "return": pa.Array}  # how arrow_udf knows its kind
        make: Any = arrow_udf
        out = frame.withColumn("moderation", make(timed, from_arrow_type(moderation_spark.RESULT_STRUCT))(col("body")))
        return self._noop_sink(out), self._noop_sink(out)

    def _noop_sink(self, out: Any) -> Callable[[], int]:
        def run() -> int:
            out.write.format("noop").mode("overwrite").save()
            return int(self._rows)
        return run

    def _dask(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import dask.dataframe as dd

        frame = dd.read_parquet(str(self.folder))
        function = self.timed["dask"](self.mod, "body")
        function.clock = self.clock("dask")
        out = frame.map_partitions(function, meta=function(frame._meta))

        def run() -> int:
            return int(out.map_partitions(len).compute(scheduler="processes", num_workers=self.jobs).sum())
        return run, run

    def _ray(self) -> tuple[Callable[[], int], Callable[[], int]]:
        import ray

        if not ray.is_initialized():
            ray.init(num_cpus=2 * self.jobs, include_dashboard=False, log_to_driver=False, configure_logging=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        timed = self.timed["ray"]
        timed.clock = self.clock("ray")
        out = ray.data.read_parquet(str(self.folder)).map_batches(
            timed, fn_constructor_args=(self.mod, "body"), batch_format="pyarrow", batch_size=10_000,
            compute=ray.data.ActorPoolStrategy(size=self.jobs))

        def run() -> int:
            return sum(batch.num_rows for batch in out.iter_batches(batch_format="pyarrow", batch_size=None))
        return run, run


def inside(rows: int, rounds: int, selected: list[str], jobs: int, keep: Path | None) -> None:
    """Per engine, round after round: the engine's run (our function timed inside it), then
    check_arrow in this process on batches of the sizes the engine gave our function, over the
    same texts; the ratio of the two times per row, per round, then the median."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from moderation.batch import check_arrow

    with tempfile.TemporaryDirectory(prefix="moderation-inside-") as scratch:
        folder = (keep or Path(scratch)) / f"comments-{rows}"
        if not (folder.is_dir() and any(folder.glob("*.parquet"))):
            write_dataset(folder, rows, files=max(jobs * 4, rows // 250_000))
        texts = pa.concat_arrays([chunk for f in sorted(folder.glob("*.parquet"))
                                  for chunk in pq.read_table(f, columns=["body"]).column("body").chunks])
        bench = Inside(folder, selected, jobs, Path(scratch) / "clocks")
        Engines._rows = rows
        mod = bench.mod

        def plain(sizes: list[int]) -> tuple[float, float]:
            """CPU and wall seconds of check_arrow over the texts cut into `sizes`."""
            gc.collect()
            cpu = wall = 0.0
            at = 0
            for size in sizes:
                batch = texts.slice(at, size)
                at += size
                c, w = time.thread_time(), time.perf_counter()
                check_arrow(mod, batch)
                cpu += time.thread_time() - c
                wall += time.perf_counter() - w
            return cpu, wall

        results: dict[str, list[tuple[float, float, float, float, int]]] = {name: [] for name in bench.runs}
        for name, (run, _) in bench.runs.items():  # a warm-up: workers started, moderators built
            assert run() == rows, name
            plain([len(texts)])
            bench.calls(name)
        for _ in range(rounds):
            for name, (run, _) in bench.runs.items():
                seconds(run)
                calls = bench.calls(name)
                assert sum(c[0] for c in calls) == rows, (name, sum(c[0] for c in calls))
                cpu, wall = plain([c[0] for c in calls])
                results[name].append((sum(c[1] for c in calls), sum(c[2] for c in calls), cpu, wall, len(calls)))
        print(f"\n{rows:,} comments, {jobs} processes per engine; the time inside our function per row (timed "
              f"around each call where the engine makes it), against check_arrow in this plain process on batches "
              f"of the same sizes over the same texts; {rounds} rounds, medians; CPU: of the calling thread\n")
        print("| engine, our function | calls | rows a call | us a row inside, CPU | check_arrow, CPU | ratio CPU "
              "(range) | ratio wall (range) |")
        print("|---|---|---|---|---|---|---|")
        for name, runs in results.items():
            cpu_ratios = [r[0] / r[2] for r in runs]
            wall_ratios = [r[1] / r[3] for r in runs]
            calls = statistics.median(r[4] for r in runs)
            ours, theirs = (statistics.median(r[i] for r in runs) / rows * 1e6 for i in (0, 2))
            cpu_range, wall_range = (f"{min(r):.2f}-{max(r):.2f}" for r in (cpu_ratios, wall_ratios))
            print(f"| {name} | {calls:.0f} | {rows / calls:,.0f} | {ours:.2f} | {theirs:.2f} | "
                  f"{statistics.median(cpu_ratios):.2f} ({cpu_range}) | {statistics.median(wall_ratios):.2f} "
                  f"({wall_range}) |")
        _stop(bench)


def cli_jobs(rows: int, rounds: int, jobs: int, keep: Path | None, quiet: float = 0.15) -> None:
    """The CLI's Parquet report with --jobs N beside --jobs 1, alternating which goes first, each
    run's wall time, its CPU time (of the main process and of its workers apart) and the CPU the
    rest of the machine took meanwhile (/proc/stat's busy time less ours). Each pair waits for a
    quiet machine (up to a minute); a pair is quiet if the rest took under `quiet` of a core in both
    runs: with the scheduler's autogroups, a session shares the cores with every other busy one,
    however many processes it runs, so a ratio of a loaded round says little."""
    with tempfile.TemporaryDirectory(prefix="moderation-scale-") as scratch:
        folder = (keep or Path(scratch)) / f"comments-{rows}"
        if not (folder.is_dir() and any(folder.glob("*.parquet"))):
            write_dataset(folder, rows, files=max(jobs * 4, rows // 250_000))
        out = Path(scratch) / "report.parquet"
        runs: dict[int, list[tuple[float, float, float, float]]] = {1: [], jobs: []}
        for r in range(rounds + 1):  # the first round warms the page cache: not counted
            _wait_for_quiet(quiet)
            for n in ((1, jobs) if r % 2 else (jobs, 1)):
                measured = _cpu_of([sys.executable, "-c", "from moderation.cli import main; main()", "check",
                                    str(folder), "--field", "body", "--format", "parquet", "--output", str(out),
                                    "--jobs", str(n), "--fail-on", "never"])
                if r:
                    runs[n].append(measured)
    print(f"\n{rows:,} comments in {len(list(folder.glob('*.parquet')))} Parquet files, `moderation check DIR "
          f"--format parquet --output FILE --jobs N`; {rounds} rounds, --jobs 1 and {jobs} alternating; medians\n")
    print("| --jobs | rows/s | wall s | CPU s, main process | CPU s, workers | the rest of the machine, cores |")
    print("|---|---|---|---|---|---|")
    for n, measured in runs.items():
        wall, main, workers, others = (statistics.median(m[i] for m in measured) for i in range(4))
        print(f"| {n} | {rows / wall:,.0f} | {wall:.2f} | {main:.2f} | {workers:.2f} | {others:.2f} |")
    pairs = list(zip(runs[1], runs[jobs], strict=True))
    for label, chosen in (("every round", pairs),
                          (f"quiet rounds (the rest under {quiet} of a core)", [p for p in pairs
                                                                              if max(p[0][3], p[1][3]) < quiet])):
        ratios = [one[0] / many[0] for one, many in chosen]
        print(f"\n--jobs {jobs} / --jobs 1, rows/s of the same round, {label}: " + (
            f"median {statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}, {len(ratios)} rounds)"
            if ratios else "none"))
    shares = [m[1] / (m[1] + m[2]) for m in runs[jobs]]
    bound = [(one[1] + one[2]) / ((many[1] + many[2]) / jobs) for one, many in pairs]
    print(f"the main process's share of --jobs {jobs}'s CPU time: median {statistics.median(shares):.1%}; "
          f"the speed-up {jobs} free cores would give (CPU of --jobs 1 over CPU of --jobs {jobs} / {jobs}): "
          f"median {statistics.median(bound):.2f}")


def _busy() -> float:
    """Seconds of CPU the whole machine has spent busy (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _wait_for_quiet(quiet: float, longest: float = 60.0) -> None:
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = _busy()
        time.sleep(1.0)
        if _busy() - before < quiet:
            return


def _cpu_of(command: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, the process's own CPU seconds, its reaped children's (read from /proc as it
    ends: a zombie still shows its times, before it is reaped), and the cores the rest of the
    machine kept busy meanwhile."""
    tick = os.sysconf("SC_CLK_TCK")
    busy = _busy()
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stat = Path(f"/proc/{proc.pid}/stat")
    while (fields := stat.read_text().rsplit(")", 1)[1].split())[0] != "Z":
        time.sleep(0.01)
    wall = time.perf_counter() - start
    busy = _busy() - busy
    proc.wait()
    utime, stime, cutime, cstime = (int(x) / tick for x in fields[11:15])
    others = max(busy - (utime + stime + cutime + cstime), 0.0) / wall
    return wall, utime + stime, cutime + cstime, others


PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def memory(folder: Path, jobs: int) -> None:
    """Peak RSS (the largest process, workers included) of the CLI's Parquet report of one file of
    the dataset, and of all of them: bounded memory means about the same."""
    import pyarrow.parquet as pq

    files = sorted(folder.glob("*.parquet"))
    print("\n| CLI --format parquet | rows | MB of Parquet | peak RSS, MB |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for inputs in ([files[0]], [folder]):
            for n in sorted({1, jobs}):
                command = ["moderation-check", "--field", "body", "--format", "parquet", "--output",
                           f"{scratch}/out.parquet", "--jobs", str(n), "--fail-on", "never", *map(str, inputs)]
                peak = _python(PEAK, sys.executable, "-c", "from moderation.cli import main; main()", "check",
                               *command[1:])[0]
                rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files) if inputs[0] == folder else (
                    pq.ParquetFile(files[0]).metadata.num_rows)
                size = sum(f.stat().st_size for f in (files if inputs[0] == folder else files[:1])) / 1e6
                print(f"| --jobs {n}, {'all files' if inputs[0] == folder else 'one file'} | {rows:,} | "
                      f"{size:.0f} | {peak:.0f} |")


LIMITED = """
import os, resource, subprocess, sys
limit = int(sys.argv[1])
def limited():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
done = subprocess.run(sys.argv[2:], preexec_fn=limited, capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "", file=sys.stderr)
"""


# Address space reserved and never used, which RLIMIT_AS counts as if it were memory: glibc's 64 MB
# per thread's arena, and jemalloc's (pyarrow's default pool) own reservations.
ADDRESS_SPACE = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}


def larger_than_ram(limit_mb: int, jobs: int, keep: Path | None) -> None:
    """The CLI's Parquet report of files of growing size, each process of it allowed `limit_mb` MB
    of address space (RLIMIT_AS, what `prlimit --as` and `ulimit -v` set: a bound on its memory
    that no allocation can pass), the last file more than twice that size; its peak RSS beside."""
    steps = (1_000_000, 4_000_000, 0)  # rows; 0: as many as make the file 2.5 times the limit
    with tempfile.TemporaryDirectory(prefix="moderation-ram-", dir=keep) as scratch:
        pool = comments(1_000_000)
        print(f"\n`moderation check FILE --field body --format parquet --output OUT --jobs {jobs}`, each process "
              f"under RLIMIT_AS = {limit_mb} MB, with {' '.join(f'{k}={v}' for k, v in ADDRESS_SPACE.items())}\n")
        print("| rows | MB of Parquet | x the limit | exit | peak RSS, MB (largest process) | seconds |")
        print("|---|---|---|---|---|---|")
        for rows in steps:
            path = Path(scratch) / "comments.parquet"
            rows = _write_big(path, pool, rows, 2.5 * limit_mb * 1e6)
            size = path.stat().st_size / 1e6
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", LIMITED, str(limit_mb << 20), sys.executable, "-c",
                 "from moderation.cli import main; main()", "check", str(path), "--field", "body", "--format",
                 "parquet", "--output", f"{scratch}/out.parquet", "--jobs", str(jobs), "--fail-on", "never"],
                capture_output=True, text=True, env={**os.environ, **ADDRESS_SPACE})
            took = time.perf_counter() - start
            code, peak = out.stdout.split()
            import pyarrow.parquet as pq

            reported = pq.ParquetFile(f"{scratch}/out.parquet").metadata.num_rows if code == "0" else 0
            assert reported == rows or code != "0", (reported, rows)
            print(f"| {rows:,} | {size:,.0f} | {size / limit_mb:.1f} | {code} | {float(peak):.0f} | {took:.0f} |")
            if code != "0":
                print(f"(stderr: {out.stderr.strip()})")
            os.unlink(f"{scratch}/out.parquet") if code == "0" else None
            path.unlink()


def _write_big(path: Path, pool: list[str], rows: int, size: float) -> int:
    """`rows` comments (or, given 0, as many as make the file `size` bytes) as one Parquet file of
    row groups of 65,536, cycling through `pool` from a new place each time; written a row group
    at a time. Returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    group = 65_536
    written = 0
    with pq.ParquetWriter(path, pa.schema([("id", pa.int64()), ("body", pa.string())])) as writer:
        while (written < rows) if rows else (path.stat().st_size < size):
            count = min(group, rows - written) if rows else group
            start = (written * 7) % (len(pool) - count)
            writer.write_table(pa.table({"id": pa.array(range(written, written + count), pa.int64()),
                                         "body": pa.array(pool[start:start + count], pa.string())}))
            written += count
    return written


def _python(code: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="comments (300,000; 3,000,000 with --engines)")
    parser.add_argument("--repeat", type=int, default=None, help="runs to take the median of (3; 5 with --pickle)")
    parser.add_argument("--pickle", action="store_true", help="the pickled size and unpickle time instead")
    parser.add_argument("--engines", action="store_true", help="a Parquet dataset through each engine instead")
    parser.add_argument("--only", default=",".join(ENGINE_RUNS), help="with --engines: which, comma-separated")
    parser.add_argument("--jobs", type=int, default=2, help="with --engines: processes (or threads) per engine")
    parser.add_argument("--keep", type=Path, default=None, help="with --engines: keep the dataset in this folder")
    parser.add_argument("--cli-jobs", action="store_true",
                        help="the CLI's Parquet report, --jobs N beside --jobs 1: rows/s and CPU time")
    parser.add_argument("--larger-than-ram", type=int, default=None, metavar="MB",
                        help="the CLI's peak RSS on growing files, each process allowed MB of address space, the "
                             "last file 2.5 times that (needs free disk: about 6 times MB)")
    parser.add_argument("--inside", action="store_true",
                        help="the time inside our function per row in each engine, against check_arrow in a plain "
                             "process (--only among " + ", ".join(INSIDE_RUNS) + ")")
    parser.add_argument("--quick", action="store_true", help="200,000 rows and one round: does it all run?")
    parser.add_argument("--memory", type=Path, default=None, metavar="DIR",
                        help="peak RSS of the CLI's Parquet report of one file of DIR (a --keep folder) and of all")
    args = parser.parse_args()
    if args.pickle:
        pickling(args.repeat or 5)
    elif args.larger_than_ram:
        larger_than_ram(args.larger_than_ram, args.jobs, args.keep)
    elif args.inside:
        selected = [name for name in args.only.split(",") if name in INSIDE_RUNS]
        inside(args.rows or (200_000 if args.quick else 3_000_000), args.repeat or (1 if args.quick else 5),
               selected, args.jobs, args.keep)
    elif args.cli_jobs:
        cli_jobs(args.rows or 3_000_000, args.repeat or 5, args.jobs, args.keep)
    elif args.memory:
        memory(args.memory, args.jobs)
    elif args.engines:
        selected = [name for name in args.only.split(",") if name]
        unknown = set(selected) - set(ENGINE_RUNS)
        if unknown:
            parser.error(f"--only: no {', '.join(sorted(unknown))} (choose among {', '.join(ENGINE_RUNS)})")
        engines(args.rows or (200_000 if args.quick else 3_000_000), args.repeat or (1 if args.quick else 3),
                selected, args.jobs, args.keep)
    else:
        rows_per_second(args.rows or 300_000, args.repeat or 3)


if __name__ == "__main__":
    main()
