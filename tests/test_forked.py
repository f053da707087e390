"""The parallel map over forked workers that parsing and per-article extraction share."""

from __future__ import annotations

import multiprocessing
import os
import signal

from pipeline.forked import forked_map


def test_results_come_back_in_the_order_of_the_items() -> None:
    words = ["Reuters", "AP", "AFP", "BBC", "CNN", "NPR", "DW", "NHK"] * 5
    assert list(forked_map(len, words, processes=2)) == [len(word) for word in words]


def test_workers_inherit_a_function_that_cannot_be_pickled() -> None:
    outlets = {"reuters": "Reuters", "ap": "Associated Press"}
    lookup = lambda key: outlets[key]  # noqa: E731  (a lambda: pickle refuses it, fork does not need it)
    assert list(forked_map(lookup, ["ap", "reuters"], processes=2)) == ["Associated Press", "Reuters"]


def test_the_work_runs_in_other_processes() -> None:
    pids = set(forked_map(lambda _: os.getpid(), range(16), processes=2))
    assert os.getpid() not in pids


def test_one_process_maps_in_this_process() -> None:
    assert set(forked_map(lambda _: os.getpid(), range(4), processes=1)) == {os.getpid()}


def test_workers_leave_when_the_work_is_done_where_interrupts_are_deferred() -> None:
    """Dagster defers SIGTERM during a run; forked workers inherit that, so they must not need it."""
    deferred = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        assert list(forked_map(abs, [-1, -2, -3, -4], processes=2)) == [1, 2, 3, 4]
    finally:
        signal.signal(signal.SIGTERM, deferred)


def test_an_abandoned_map_still_ends_its_workers() -> None:
    found = forked_map(abs, range(-50, 0), processes=2)
    assert next(found) == 50
    found.close()
    assert multiprocessing.active_children() == []
