"""Progress of long stages: a live bar on a terminal, periodic log lines elsewhere.

Domain functions take a plain `on_progress(n)` callback; which display the
callback feeds is decided here, once per run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

_display: ContextVar[Progress | None] = ContextVar("newsrecon_progress_display", default=None)


class _RateColumn(TextColumn):
    """Items per second, the figure that tells whether a run will finish in time."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return super().render(task) if speed is None else f"{speed:,.1f}/s"


@contextmanager
def terminal_display(console: Console | None = None) -> Iterator[Progress]:
    """Show a bar per stage on the terminal for everything run inside the block."""
    progress = Progress(
        TextColumn("[bold]{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )
    token = _display.set(progress)
    try:
        with progress:
            yield progress
    finally:
        _display.reset(token)


def tracker(stage: str, total: int, logger: logging.Logger | None = None) -> Callable[[int], None]:
    """A callback counting items done in `stage`: a terminal bar when one is shown, else log lines."""
    display = _display.get()
    if display is not None:
        task = display.add_task(stage, total=total)
        return lambda n=1: display.advance(task, n)
    return _log_tracker(stage, total, logger or logging.getLogger("newsrecon"))


def _log_tracker(stage: str, total: int, logger: logging.Logger) -> Callable[[int], None]:
    started = time.monotonic()
    state = {"done": 0, "last": started}

    def advance(n: int = 1) -> None:
        state["done"] += n
        now = time.monotonic()
        if state["done"] == total or now - state["last"] >= 5:
            state["last"] = now
            rate = state["done"] / max(now - started, 1e-9)
            logger.info("%s: %d of %d done (%.1f/s)", stage, state["done"], total, rate)

    return advance
