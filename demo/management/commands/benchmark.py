"""``manage.py benchmark``: each hot path against its SQL floor (docs/performance.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.bench import BenchmarkFailed, run, sizes
from demo.bench.measure import machine, table
from demo.bench.subjects import NothingToMeasure


class Command(BaseCommand):
    help = (
        "Measure the caseload, client file, permission check, journey, coordinator dashboard, "
        "ICAM desk list and reminder sweep against their SQL floors; print a table and write "
        "JSON. Changes nothing: every run is rolled back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", required=True, type=Path, help="File to write.")
        parser.add_argument("--repeat", type=int, default=7, help="Timed runs per path.")
        parser.add_argument(
            "--sweep-size", type=int, default=10_000, help="Due reminders the sweep claims."
        )

    def handle(self, *args, **options) -> None:
        if options["repeat"] < 1 or options["sweep_size"] < 1:
            raise CommandError("--repeat and --sweep-size must be at least 1.")
        started = timezone.now()
        try:
            measured = run(
                repeat=options["repeat"],
                sweep_size=options["sweep_size"],
                log=lambda line: self.stderr.write(line),
            )
        except (BenchmarkFailed, NothingToMeasure) as failed:
            raise CommandError(str(failed)) from None
        report = {
            "started_at": started.isoformat(),
            "repeat": options["repeat"],
            "machine": machine(),
            "sizes": sizes(),
            **measured,
        }
        options["json"].write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(table(report["paths"]))
        self.stdout.write(f"Written to {options['json']}.")
