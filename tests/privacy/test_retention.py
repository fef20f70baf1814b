"""Retention: the centre admin's periods, dry and real runs, resuming, and stable reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import AccessLog
from clients.models import Case, Client
from privacy import anonymise as anonymising
from privacy import retention
from privacy.models import RetentionPolicy, RetentionRun
from privacy.tasks import apply_retention
from reports.releases import _dump, release_for
from reports.scope import coordinator_scope
from tests.conftest import moment_on
from tests.factories import make_case

from .conftest import erased, plant, untouched

pytestmark = pytest.mark.django_db


def closed_long_ago(case, months=20):
    closed = timezone.now() - timedelta(days=months * 31)
    Case.objects.filter(pk=case.pk).update(
        status="closed",
        outcome="legal_stay",
        opened_at=closed - timedelta(days=40),
        closed_at=closed,
    )


def policy_of(centre_admin, months=12, log_months=None):
    return RetentionPolicy.objects.create(
        centre_id=centre_admin.centre_id,
        closed_case_months=months,
        access_log_months=log_months,
        updated_by=centre_admin,
    )


@pytest.fixture
def old(planted):
    closed_long_ago(planted.case)
    return planted


def test_the_centre_admin_sets_periods_but_not_below_the_legal_minimum(web, centre_admin, settings):
    settings.RETENTION_MINIMUM_MONTHS = 24
    browser = web(centre_admin)
    refused = browser.post(reverse("retention_policy"), {"closed_case_months": 12})
    assert refused.status_code == 200
    assert "The legal minimum here is 24 months." in refused.content.decode()
    assert not RetentionPolicy.objects.exists()
    browser.post(reverse("retention_policy"), {"closed_case_months": 24, "access_log_months": 60})
    saved = RetentionPolicy.objects.get()
    assert (saved.closed_case_months, saved.access_log_months) == (24, 60)
    assert saved.history.first().history_user == centre_admin


def test_a_dry_run_lists_what_would_go_and_changes_nothing(web, centre_admin, old, holder):
    recent = make_case(holder, first_name="Recent")
    open_case = make_case(holder, first_name="Still open")
    closed_long_ago(recent, months=3)
    policy_of(centre_admin)
    response = web(centre_admin).post(reverse("retention_dry_run"))
    record = RetentionRun.objects.get()
    assert response["Location"] == reverse("retention_run", args=[record.pk])
    assert record.dry_run and record.client_ids == [old.client.pk]
    assert record.case_ids == [old.case.pk]
    assert untouched(old)
    page = web(centre_admin).get(response["Location"]).content.decode()
    assert "Nothing was changed" in page and str(old.client.pk) in page
    assert "Recent" not in page and open_case.client.reference not in page


def test_a_run_anonymises_what_is_due_and_deletes_old_log_entries(centre_admin, old, holder):
    keep = make_case(holder, first_name="Kept")
    closed_long_ago(keep, months=3)
    AccessLog.objects.create(
        user=holder,
        centre_id=holder.centre_id,
        kind="client",
        object_id=1,
        reference="X",
        at=timezone.now() - timedelta(days=800),
    )
    AccessLog.objects.create(
        user=holder, centre_id=holder.centre_id, kind="client", object_id=1, reference="Y"
    )
    record = retention.run(policy_of(centre_admin, log_months=24), dry_run=False)
    assert record.client_ids == [old.client.pk] and record.finished_at is not None
    assert record.access_log_entries == 1
    assert list(AccessLog.objects.values_list("reference", flat=True)) == ["Y"]
    assert erased(old)
    assert Client.objects.get(pk=keep.client_id).first_name == "Kept"
    last = Client.objects.get(pk=old.client.pk).history.first()
    assert last.history_user == centre_admin  # the admin who set the policy decided it
    assert last.history_change_reason == f"Anonymised by the retention policy (run {record.pk})"


def test_a_run_stopped_half_way_resumes_without_double_work(
    centre_admin, old, holder, icam_coach, desk, monkeypatch
):
    second = plant(holder, icam_coach, desk, "Wbk")
    closed_long_ago(second.case)
    real = anonymising.anonymise
    calls = []

    def fails_on_the_second(client_id, **kwargs):
        calls.append(client_id)
        if len(calls) == 2:
            raise RuntimeError("the worker was killed")
        return real(client_id, **kwargs)

    monkeypatch.setattr(retention, "anonymise", fails_on_the_second)
    with pytest.raises(RuntimeError):
        retention.run(policy_of(centre_admin), dry_run=False)
    # The first client is done, the second untouched (not half anonymised).
    first, other = sorted([old, second], key=lambda p: p.client.pk)
    assert erased(first)
    assert untouched(other)
    monkeypatch.setattr(retention, "anonymise", real)
    resumed = retention.run(RetentionPolicy.objects.get(), dry_run=False)
    assert resumed.client_ids == [other.client.pk]
    assert erased(other)


# Cases closed in February of last year are over 12 months old from February on: not in
# January, when the suite may run too (CASEWORK_TEST_DATE), so the clock is set.
@time_machine.travel(moment_on("2026-12-07"), tick=True)
def test_the_coordinators_figures_do_not_change(centre_admin, holder, coordinator):
    last_year = timezone.localdate().year - 1
    cases = [
        make_case(holder, gender="female", country_of_origin="MA", birth_date=date(1990, 5, 1))
        for _ in range(7)
    ]
    for case in cases:
        Case.objects.filter(pk=case.pk).update(
            status="closed",
            outcome="legal_stay",
            opened_at=timezone.make_aware(timezone.datetime(last_year, 1, 10, 11)),
            closed_at=timezone.make_aware(timezone.datetime(last_year, 2, 10, 11)),
        )
    scope = coordinator_scope(coordinator, last_year)
    today = timezone.localdate()

    def figures(on):
        made = release_for(scope, last_year, on, 5)
        return {name: _dump(p) for name, p in made.publications.items()}

    with transaction.atomic():  # what the figures are now, without releasing them
        expected = figures(today)
        transaction.set_rollback(True)
    record = retention.run(policy_of(centre_admin), dry_run=False)
    assert len(record.client_ids) == 7
    assert not Client.objects.exclude(birth_date=None).exists()
    assert figures(today + timedelta(days=31)) == expected


def test_the_daily_task_applies_every_policy(centre_admin, old):
    policy_of(centre_admin)
    assert apply_retention() == 1
    assert erased(old)


def test_only_centre_admins_reach_the_page_and_only_their_runs(
    web, holder, centre_admin, foreigner
):
    assert web(holder).get(reverse("retention_policy")).status_code == 404
    policy_of(centre_admin)
    record = retention.run(RetentionPolicy.objects.get(), dry_run=True)
    assert web(centre_admin).get(reverse("retention_run", args=[record.pk])).status_code == 200
    assert web(foreigner).get(reverse("retention_run", args=[record.pk])).status_code == 404


def test_a_real_run_needs_the_box_ticked(web, centre_admin, old):
    policy_of(centre_admin)
    web(centre_admin).post(reverse("retention_run_now"))
    assert not RetentionRun.objects.exists()


def test_a_run_goes_through_the_due_files_in_batches(centre_admin, holder, monkeypatch):
    cases = [make_case(holder, first_name=f"Batch{i}") for i in range(5)]
    for case in cases:
        closed_long_ago(case)
    monkeypatch.setattr(retention, "BATCH", 2)
    seen = []
    real = retention._freeze_reports
    monkeypatch.setattr(
        retention,
        "_freeze_reports",
        lambda centre, ids, done: (seen.append(ids), real(centre, ids, done)),
    )
    record = retention.run(policy_of(centre_admin), dry_run=False)
    assert [len(ids) for ids in seen] == [2, 2, 1]  # never more than a batch in memory
    assert sorted(record.client_ids) == sorted(c.client_id for c in cases)
    assert not Client.objects.exclude(first_name="").exists()
