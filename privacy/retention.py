"""Applying a centre's retention periods: client files whose last case closed long enough ago
are anonymised (``anonymise``), old access-log entries are deleted.

A run takes the due clients in batches by id, one transaction per client, so 100,000 files
never sit in memory and a run stopped half-way resumes where it stopped: an anonymised client
is not due any more. Before a batch, the coordinators' releases of the years its cases touch
are made (if they are not yet), so the released figures, frozen, do not change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.history import save_as
from casework.models import AccessLog, User
from clients.models import Case, Client
from reports.releases import release_for
from reports.scope import every_unit

from .anonymise import anonymise
from .models import RetentionPolicy, RetentionRun

log = logging.getLogger(__name__)
BATCH = 500


@transaction.atomic
def policy_save(*, actor: User, policy: RetentionPolicy) -> RetentionPolicy:
    """The centre admin's retention periods for their centre, with history."""
    policy.centre_id = actor.centre_id
    policy.updated_by = actor
    save_as(policy, actor)
    return policy


def cutoff(months: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - relativedelta(months=months)


def due_clients(centre_id: int, months: int, now: datetime | None = None):
    """Clients of the centre, not anonymised yet, whose every case closed before the cutoff."""
    return (
        Client.objects.filter(centre_id=centre_id, anonymised_at__isnull=True)
        .exclude(cases__closed_at__isnull=True)
        .exclude(cases__closed_at__gte=cutoff(months, now))
    )


def _batches(centre_id: int, months: int, now: datetime) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            due_clients(centre_id, months, now)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _freeze_reports(centre_id: int, client_ids: list[int], done: set) -> None:
    """Make the releases of every year these clients' cases touch, where not made yet."""
    today = timezone.localdate()
    spans = Case.objects.filter(client_id__in=client_ids).values_list("opened_at", "closed_at")
    years = {y for opened, closed in spans for y in range(opened.year, closed.year + 1)}
    for year in sorted(years - {y for y, _unit in done}):
        for scope in every_unit(year):
            if centre_id in scope.unit and (year, scope.label) not in done:
                release_for(scope, year, today, settings.CASEWORK_REPORT_THRESHOLD)
                done.add((year, scope.label))


def _access_log_before(centre_id: int, months: int, now: datetime):
    return AccessLog.objects.filter(centre_id=centre_id, at__lt=cutoff(months, now))


def run(policy: RetentionPolicy, *, dry_run: bool, actor: User | None = None) -> RetentionRun:
    """Apply (or, dry, count) the policy now. The anonymisations are recorded in the history
    as the centre admin's who set the policy: they decided it."""
    now = timezone.now()
    record = RetentionRun.objects.create(
        centre=policy.centre, dry_run=dry_run, started_at=now, started_by=actor
    )
    reason = f"Anonymised by the retention policy (run {record.pk})"
    frozen: set = set()

    def still_due(client: Client) -> bool:  # asked under the client's lock
        months = policy.closed_case_months
        return due_clients(client.centre_id, months, now).filter(pk=client.pk).exists()

    if policy.closed_case_months:
        for ids in _batches(policy.centre_id, policy.closed_case_months, now):
            if dry_run:
                record.client_ids += ids
                cases = Case.objects.filter(client_id__in=ids).values_list("pk", flat=True)
                record.case_ids += list(cases)
                continue
            _freeze_reports(policy.centre_id, ids, frozen)
            for client_id in ids:
                done = anonymise(
                    client_id, actor=policy.updated_by, reason=reason, still_due=still_due
                )
                if done is None:
                    continue
                record.client_ids.append(client_id)
                record.case_ids += done.case_ids
                for label, n in done.rows.items():
                    record.rows[label] = record.rows.get(label, 0) + n
                for label, n in done.history_rows.items():
                    record.history_rows[label] = record.history_rows.get(label, 0) + n
            # What is done so far is on record, should the run stop here.
            record.save(update_fields=["client_ids", "case_ids", "rows", "history_rows"])
    if policy.access_log_months:
        old = _access_log_before(policy.centre_id, policy.access_log_months, now)
        record.access_log_entries = old.count() if dry_run else old.purge()
    record.finished_at = timezone.now()
    record.save()
    log.info(
        "Retention %s of centre %s: %d clients, %d cases, %d access-log entries",
        "dry run" if dry_run else "run",
        policy.centre_id,
        len(record.client_ids),
        len(record.case_ids),
        record.access_log_entries,
    )
    return record


def run_all() -> int:
    """Every centre's policy, for real (the daily task)."""
    policies = RetentionPolicy.objects.filter(
        Q(closed_case_months__isnull=False) | Q(access_log_months__isnull=False)
    ).select_related("centre", "updated_by")
    count = 0
    for policy in policies:
        run(policy, dry_run=False)
        count += 1
    return count
