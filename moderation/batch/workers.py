"""Worker processes that answer in order, each over its own pair of pipes.

multiprocessing.Pool shares one task pipe among its workers, behind a lock that a worker holds
while it waits for work: a worker killed then (by the OOM killer, say) keeps it forever, and the
pool's terminate() waits for it forever. Here nothing is shared. Task n goes to worker n % jobs
and its answer is that worker's next one; a worker that dies closes its pipes, which the main
process sees at once (EOF, or a broken pipe) and reports as WorkerDied.
"""

from __future__ import annotations

import contextlib
import multiprocessing.context
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from moderation.batch.writing import INTERRUPTS, interrupts_held
from moderation.errors import ModerationError

STOP_WAIT = 2.0  # seconds a worker asked to stop (SIGTERM) has before it is killed


class WorkerDied(ModerationError):
    """A worker process was killed (by the kernel's OOM killer, say): the run stops."""


class Workers:
    """`jobs` processes, each running `initializer(*initargs)` once and then the calls it is sent."""

    def __init__(self, context: multiprocessing.context.BaseContext, jobs: int,
                 initializer: Callable[..., None], initargs: Sequence[Any]) -> None:
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._tasks: list[Connection] = []
        self._answers: list[Connection] = []
        forked = context.get_start_method() == "fork"
        try:
            for _ in range(jobs):
                tasks_in, tasks_out = context.Pipe(duplex=False)
                answers_in, answers_out = context.Pipe(duplex=False)
                # A forked worker holds a copy of every pipe end the main process had: it closes
                # the other workers', so that their ends close when they die.
                inherited = [*self._tasks, *self._answers, tasks_out, answers_in] if forked else []
                # A forked worker takes the interrupts' handlers back (they are held while it forks).
                handlers = {s: signal.getsignal(s) for s in INTERRUPTS} if forked else {}
                process = context.Process(target=_serve, daemon=True,  # type: ignore[attr-defined]
                                          args=(tasks_in, answers_out, inherited, handlers, initializer, initargs))
                # Ctrl-C or SIGTERM during a fork waits until it is done and this worker is known
                # (so that close() stops it): its handler, raising inside the fork's own hooks
                # (logging's lock), was ignored ("Exception ignored", a traceback) and the run went
                # on until the CLI's watchdog ended it. (Handlers can be swapped in the main thread only.)
                held = forked and threading.current_thread() is threading.main_thread()
                with interrupts_held() if held else contextlib.nullcontext():
                    process.start()
                    tasks_in.close()
                    answers_out.close()
                    self._processes.append(process)
                    self._tasks.append(tasks_out)
                    self._answers.append(answers_in)
        except BaseException:
            self.close()
            raise

    @property
    def pids(self) -> list[int | None]:
        return [p.pid for p in self._processes]

    def send(self, n: int, function: Callable[..., Any], *args: Any) -> None:
        """Task n: function(*args) in worker n % jobs."""
        worker = n % len(self._processes)
        try:
            self._tasks[worker].send((function, args))
        except OSError:  # a broken pipe: it died
            raise self._died(worker) from None

    def answer(self, n: int) -> Any:
        """Task n's answer; tasks must be answered in the order they were sent. An exception
        raised by the task is raised here."""
        worker = n % len(self._processes)
        try:
            ok, value = self._answers[worker].recv()
        except (EOFError, OSError):
            raise self._died(worker) from None
        if not ok:
            raise value
        return value

    def _died(self, worker: int) -> WorkerDied:
        process = self._processes[worker]
        process.join(STOP_WAIT)
        code = process.exitcode
        how = (f"killed by signal {-code}" if code is not None and code < 0
               else f"ended with status {code}" if code is not None else "unreachable")
        return WorkerDied(f"a worker process was {how} (out of memory?); the run stopped, every file "
                          "is as it was or cleaned")

    def close(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL for one that does not end in STOP_WAIT)."""
        for process in self._processes:
            if process.exitcode is None:
                process.terminate()
        for connection in (*self._tasks, *self._answers):
            connection.close()
        for process in self._processes:
            process.join(STOP_WAIT)
            if process.exitcode is None:
                process.kill()
                process.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(tasks: Connection, answers: Connection, inherited: list[Connection], handlers: dict[int, Any],
           initializer: Callable[..., None], initargs: Sequence[Any]) -> None:
    """A worker's life: tasks are read by a thread as they come, so that the main process never
    waits to send one while this worker waits to send it an answer (both pipes full: deadlock)."""
    for signum, handler in handlers.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    for connection in inherited:
        connection.close()
    initializer(*initargs)
    inbox: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(tasks, inbox), daemon=True).start()
    while (task := inbox.get()) is not None:
        function, args = task
        try:
            answer: tuple[bool, Any] = (True, function(*args))
        except Exception as e:  # raised in the main process, as if the call had been made there
            answer = (False, e)
        try:
            answers.send(answer)
        except OSError:  # the main process is gone
            return
        except Exception as e:  # an exception that does not pickle
            answers.send((False, RuntimeError(f"a worker's task failed: {e!r}")))


def _receive(tasks: Connection, inbox: queue.SimpleQueue[Any]) -> None:
    try:
        while True:
            inbox.put(tasks.recv())
    except (EOFError, OSError):  # the main process closed the pipe, or is gone: no more work
        inbox.put(None)
