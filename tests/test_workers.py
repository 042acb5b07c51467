"""The batch runner's worker processes: answers in order, errors carried back, and a worker that
dies is reported at once, whatever it was doing, instead of a run that waits forever."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable

import pytest

from moderation.batch.workers import WorkerDied, Workers

FORK = multiprocessing.get_context("fork")


def _nothing() -> None:
    pass


def _slow_echo(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def _echo(value: object) -> object:
    return value


def _fail(why: str) -> None:
    raise ValueError(why)


def _finishes(action: Callable[[], None], within: float = 60) -> None:
    """action() returns within the time: a hang fails the test instead of holding the suite."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as e:
            errors.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), "hung"
    if errors:
        raise errors[0]


def test_answers_come_in_the_order_the_tasks_were_sent() -> None:
    with Workers(FORK, 3, _nothing, ()) as workers:
        for n in range(12):
            workers.send(n, _slow_echo, n, 0.05 if n % 3 == 0 else 0)  # the first worker the slowest
        assert [workers.answer(n) for n in range(12)] == list(range(12))


def test_an_exception_in_a_task_is_raised_by_its_answer_and_the_worker_goes_on() -> None:
    with Workers(FORK, 1, _nothing, ()) as workers:
        workers.send(0, _fail, "bad chunk")
        workers.send(1, _echo, "next")
        with pytest.raises(ValueError, match="bad chunk"):
            workers.answer(0)
        assert workers.answer(1) == "next"


def test_large_tasks_and_answers_in_flight_both_ways_do_not_deadlock() -> None:
    """Eight 4 MB tasks sent before any answer is read: the pipes fill both ways."""
    big = "x" * (4 << 20)

    def run() -> None:
        with Workers(FORK, 1, _nothing, ()) as workers:
            for n in range(8):
                workers.send(n, _echo, big)
            assert all(workers.answer(n) == big for n in range(8))

    _finishes(run)


@pytest.mark.parametrize("busy", [False, True])
def test_a_worker_killed_idle_or_busy_is_reported_and_the_rest_stop(busy: bool) -> None:
    """multiprocessing.Pool hangs in terminate() when a worker dies while waiting for work (it
    holds the shared task pipe's lock): here it is reported, and closing returns."""
    def run() -> None:
        workers = Workers(FORK, 2, _nothing, ())
        try:
            if busy:
                workers.send(0, _slow_echo, 0, 30)
            time.sleep(0.3)  # idle workers wait for work
            pid = workers.pids[0]
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            with pytest.raises(WorkerDied, match="killed by signal 9"):
                if not busy:
                    workers.send(0, _echo, 1)
                workers.answer(0)
        finally:
            workers.close()
        assert all(not os.path.exists(f"/proc/{pid}") or _zombie_or_gone(pid) for pid in workers.pids if pid)

    _finishes(run)


def _zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_worker_killed_while_its_task_is_being_sent_is_reported() -> None:
    big = "x" * (16 << 20)  # more than a pipe holds: the send blocks until the worker reads

    def run() -> None:
        with Workers(FORK, 1, _nothing, ()) as workers:
            pid = workers.pids[0]
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)  # it reads nothing, so the send waits
            threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()
            with pytest.raises(WorkerDied, match="killed by signal 9"):
                workers.send(0, _echo, big)
                workers.answer(0)

    _finishes(run)


def test_an_interrupt_while_a_worker_forks_stops_the_start_and_every_worker() -> None:
    """A SIGTERM that lands while a worker is forked (here: in the fork's own hook in the parent,
    where a handler that raises is ignored with a traceback) waits until the fork is done, then
    stops the start, and the worker already started is stopped too."""
    armed = [True]

    def interrupt_once() -> None:
        if armed:
            armed.clear()
            signal.raise_signal(signal.SIGTERM)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    os.register_at_fork(after_in_parent=interrupt_once)  # inert once fired (a hook cannot be removed)
    before = set(multiprocessing.active_children())
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        with pytest.raises(KeyboardInterrupt):
            Workers(FORK, 2, _nothing, ())
    finally:
        signal.signal(signal.SIGTERM, previous)
        armed.clear()
    assert set(multiprocessing.active_children()) <= before
