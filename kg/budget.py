"""A time budget for one article's extraction, so one pathological article fails alone.

The budget is a real-time alarm (SIGALRM): it interrupts pure Python and the `re` engine alike,
in the main thread of the ingesting process and of each `--workers` process. Where no alarm can
be set (a library caller on another thread, a platform without SIGALRM) the article runs
unbounded rather than not at all.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from loaders.detect import positive_setting

DEFAULT_SECONDS = 10.0


class OverBudget(Exception):
    """The article's extraction ran past its budget."""


def article_seconds() -> float:
    """KG_ARTICLE_SECONDS, default 10; a bad value is the user's one-line error."""
    return positive_setting("KG_ARTICLE_SECONDS", DEFAULT_SECONDS, "seconds")


def _alarm(signum, frame):
    raise OverBudget


@contextmanager
def article_budget(seconds: float):
    """Raise `OverBudget` inside the block when it runs longer than `seconds`."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
