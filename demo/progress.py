"""A progress bar on stderr, redrawn at most a few times a second (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_SECONDS = 0.25
WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label = max(total, 1), label
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self.drawn = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.drawn >= REDRAW_SECONDS:
            self.drawn = now
            self._draw(now)

    def finish(self) -> float:
        """Draw the last state, end the line and return the seconds it took."""
        now = time.monotonic()
        self._draw(now)
        self.stream.write("\n")
        self.stream.flush()
        return now - self.started

    def _draw(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * WIDTH)
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate and self.done < self.total else 0
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {share:4.0%} {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s {elapsed:,.0f}s ETA {left:,.0f}s  "
        )
        self.stream.flush()
