"""Import a network's partner directory from a CSV or XLSX file: all or nothing.

    python manage.py import_partners FILE --user USERNAME [--network NAME] [--dry-run]

The column layout is in docs/partner-import.md. The acting user is recorded in the history of
every partner written, as when a centre admin imports from the screen.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.errors import RuleBroken
from casework.models import Network, User
from referrals.importing import MAX_BYTES, partners_import


class Command(BaseCommand):
    help = "Import a network's partner directory from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")
        parser.add_argument(
            "--user",
            help="Username of the person importing, recorded in the history (required).",
        )
        parser.add_argument(
            "--network", help="Name of the network (needed when there are several)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file: Path, user: str | None, network: str | None, **options):
        actor = self._actor(user)
        target = self._network(network)
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # one byte more tells a file too large
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            report = partners_import(
                actor=actor,
                network=target,
                data=data,
                filename=file.name,
                dry_run=options["dry_run"],
            )
        except RuleBroken as error:
            raise CommandError(error.message) from None
        if report.file_error:
            raise CommandError(f"{report.file_error} Nothing was imported.")
        if report.errors:
            for error in report.errors:
                self.stderr.write(f"Row {error.row_number}: {error.reason}")
            raise CommandError(
                f"{len(report.errors)} problem(s) in {file.name}: nothing was imported."
            )
        summary = (
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged in {target}."
        )
        if report.dry_run:
            summary = f"Dry run, nothing written: {summary}"
        self.stdout.write(self.style.SUCCESS(summary))

    def _actor(self, username: str | None) -> User:
        if not username:
            raise CommandError(
                "Name the person importing with --user USERNAME: the history records who "
                "changed the directory."
            )
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user is named {username!r}.") from None

    def _network(self, name: str | None) -> Network:
        if name:
            try:
                return Network.objects.get(name__iexact=name)
            except Network.DoesNotExist:
                raise CommandError(f"No network is named {name!r}.") from None
        networks = list(Network.objects.all()[:2])
        if not networks:
            raise CommandError("There is no network yet: create one first.")
        if len(networks) > 1:
            names = ", ".join(Network.objects.values_list("name", flat=True))
            raise CommandError(f"Name the network with --network; the networks are: {names}.")
        return networks[0]
