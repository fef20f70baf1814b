"""``manage.py refresh_follow_ups``: each case's next follow-up worked out again from its
sessions (after an upgrade: deploy/README.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sessions.follow_ups import refresh


class Command(BaseCommand):
    help = (
        "Set every case's next follow-up from its latest session. Safe at any time; run once "
        "after an upgrade, for sessions saved by the previous release while it migrated."
    )

    def handle(self, *args, **options) -> None:
        count = refresh()
        self.stdout.write(f"Next follow-up set from the sessions for {count} cases.")
