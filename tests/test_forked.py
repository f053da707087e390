"""The parallel map over forked workers that parsing and per-article extraction share."""

from __future__ import annotations

import os

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
