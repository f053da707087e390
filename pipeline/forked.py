"""A parallel map over forked worker processes, for CPU-bound work inside one step.

Dagster's executors spread steps over processes and machines; this spreads the
articles of one step over the cores of its machine, as spaCy's `n_process`
does. Workers are forked, so they inherit the function and everything it
closes over (a spaCy pipeline, a DocBin, DataFrames) without pickling it: only
items and results cross between processes.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The function a pool worker applies: inherited from the parent by fork, never pickled.
_worker_function: Callable[[Any], Any] | None = None


def forked_map(function: Callable[[Item], Result], items: Iterable[Item], processes: int) -> Iterator[Result]:
    """`map(function, items)`, in order, spread over `processes` forked workers when above one.

    The pool is closed and joined, never terminated: workers leave when the work
    is done, so no signal has to reach them.
    """
    if processes <= 1:
        yield from map(function, items)
        return
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_adopt, initargs=(function,))
    try:
        yield from pool.imap(_apply, items)
    finally:
        pool.close()
        pool.join()


def _adopt(function: Callable[[Any], Any]) -> None:
    """Take the function, and the default signal handlers back.

    A step forks from a process whose handlers Dagster may have replaced to defer
    interrupts; a worker that inherited them would ignore being told to stop.
    """
    global _worker_function
    _worker_function = function
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _apply(item: Any) -> Any:
    assert _worker_function is not None, "pool worker started without a function"
    return _worker_function(item)
