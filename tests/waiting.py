"""Waiting for something that takes its time: a process to start, a worker to pick a task up.

A test that starts a process waits for it to be ready by asking it, not by sleeping a fixed
time: on a busy machine (CI often runs beside other work) a start can take many times longer
than on an idle one, and a slow start must not read as a failure of the thing under test. The
deadline is generous because waiting ends as soon as the answer comes: a passing test is no
slower for it, and only a broken one waits it out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Long enough for a cold start of Python, Django and a database connection on a 2-core machine
# with a load of 10; CASEWORK_TEST_PATIENCE changes it (seconds).
PATIENCE = float(os.environ.get("CASEWORK_TEST_PATIENCE", "180"))


def eventually(
    probe: Callable[[], T],
    *,
    timeout: float = PATIENCE,
    interval: float = 0.1,
    retry_on: tuple[type[BaseException], ...] = (),
) -> T | None:
    """``probe()``'s first truthy answer, asked until ``timeout`` seconds have passed (then
    ``None``). An exception of ``retry_on`` counts as "not yet"."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = probe()
        except retry_on:
            answer = None
        if answer:
            return answer
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
