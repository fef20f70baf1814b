"""``manage.py generate_load``: a generated network of centres at scale (docs/performance.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from demo.generate import Refused, Sizes, generate


class Unstyled:
    """The command's stderr as a plain stream for the progress bar: no newline after each
    write, and not in the error colour."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Command(BaseCommand):
    help = (
        "Fill the current PostgreSQL database with clearly fictional centres, counsellors, "
        "client files, cases, sessions, goals, referrals and due reminders, with their history. "
        "Refuses a database that holds other client files unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--centres", type=int, default=10)
        parser.add_argument("--counsellors", type=int, default=200)
        parser.add_argument("--clients", type=int, default=120_000)
        parser.add_argument("--cases", type=int, default=150_000)
        parser.add_argument("--sessions", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Generate even though the database holds client files not generated here.",
        )

    def handle(self, *args, **options) -> None:
        sizes = Sizes(
            centres=options["centres"],
            counsellors=options["counsellors"],
            clients=options["clients"],
            cases=options["cases"],
            sessions=options["sessions"],
        )
        problems = sizes.problems()
        if problems:
            raise CommandError(" ".join(problems))
        try:
            result = generate(
                sizes, seed=options["seed"], force=options["force"], stream=Unstyled(self.stderr)
            )
        except Refused as refused:
            raise CommandError(str(refused)) from None
        for name, n in sorted(result["rows"].items()):
            self.stdout.write(f"{name:<32} {n:>10,}")
        self.stdout.write(
            f"Generated in {result['seconds']} s ({result['cases_per_second']:,} cases/s, "
            f"{result['sessions_per_second']:,} sessions/s), "
            f"VACUUM ANALYZE {result['analyze_seconds']} s."
        )
