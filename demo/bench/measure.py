"""Timing a path and its floor in the same run: a warm-up that counts the queries, then
``repeat`` timed runs, each inside a savepoint rolled back, so nothing a run writes (an access
log row, a release, a claimed reminder) changes the next run or the database."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import django
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

# Statements that only exist because the runs happen inside the benchmark's transaction.
BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class Timing:
    median_ms: float
    min_ms: float
    max_ms: float
    q1_ms: float
    q3_ms: float
    queries: int
    samples_ms: list[float]

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def count_queries(run: Callable[[], object]) -> int:
    with rolled_back(), CaptureQueriesContext(connection) as captured:
        run()
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith(BOOKKEEPING))


def measure(run: Callable[[], object], repeat: int) -> Timing:
    queries = count_queries(run)  # also the warm-up: caches, compiled templates
    samples = []
    for _ in range(repeat):
        with rolled_back():
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    q1, _median, q3 = (
        statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else ordered * 3
    )
    return Timing(
        median_ms=round(statistics.median(ordered), 3),
        min_ms=round(ordered[0], 3),
        max_ms=round(ordered[-1], 3),
        q1_ms=round(q1, 3),
        q3_ms=round(q3, 3),
        queries=queries,
        samples_ms=[round(s, 3) for s in samples],
    )


def machine() -> dict:
    cpu = platform.processor() or ""
    memory_kib = 0
    try:
        with open("/proc/cpuinfo") as info:
            names = [ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")]
            cpu = names[0] if names else cpu
        with open("/proc/meminfo") as info:
            memory_kib = next(int(ln.split()[1]) for ln in info if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        # Off, dead rows pile up (the benchmark's own rolled-back sweeps among them) and slow
        # the scans: then VACUUM ANALYZE before measuring (docs/performance.md).
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "postgresql": server,
        "autovacuum": autovacuum,
        "python": platform.python_version(),
        "django": django.get_version(),
        "load_average": list(os.getloadavg()),
    }


def table(results: dict) -> str:
    """The figures as a plain-text table."""
    head = f"{'path':<22} {'view ms (min–max)':>24} {'q':>4} {'floor ms (min–max)':>22} {'q':>3} {'ratio':>7} {'beyond stack':>17}"  # noqa: E501
    lines = [head, "-" * len(head)]
    for name, found in results.items():
        view, floor = found["view"], found["floor"]
        beyond = "—"
        if found.get("beyond_stack_ratio") is not None:
            beyond = f"{found['beyond_stack_ms']:.2f} ms {found['beyond_stack_ratio']:.1f}×"
        lines.append(
            f"{name:<22} {_span(view):>24} {view['queries']:>4} {_span(floor):>22} "
            f"{floor['queries']:>3} {found['ratio']:>6.1f}× {beyond:>17}"
        )
    lines.append(
        "beyond stack: a page's median minus the stack's (a signed-in page with no client "
        "data), and that against the page's floor."
    )
    return "\n".join(lines)


def _span(t: dict) -> str:
    return f"{t['median_ms']:.2f} ({t['min_ms']:.2f}–{t['max_ms']:.2f})"
