"""copy_to_history: the database copies rows into their history as bulk_history_create would."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.history import copy_to_history
from reminders import delivery
from reminders.models import Kind, Reminder, Status


def _reminders(case, holder, n: int) -> list[Reminder]:
    now = timezone.now()
    return Reminder.objects.bulk_create(
        Reminder(
            kind=Kind.GOAL_TARGET,
            object_id=i,
            case=case,
            reference=case.reference,
            recipient=holder,
            due_on=timezone.localdate(),
            due_at=now - datetime.timedelta(minutes=1),
        )
        for i in range(n)
    )


def _tracked(record) -> dict:
    names = [f.attname for f in Reminder._meta.concrete_fields]
    return {name: getattr(record, name) for name in names}


def test_each_row_gets_one_change_record_equal_to_what_bulk_history_create_writes(case, holder):
    copied, built = _reminders(case, holder, 2)
    Reminder.objects.update(status=Status.SENDING, attempts=1)
    when = timezone.now()
    copy_to_history(Reminder, [copied.pk], reason="claimed", user_id=holder.pk, when=when)
    built.refresh_from_db()
    built._history_user, built._history_date = holder, when
    Reminder.history.bulk_history_create([built], update=True, default_change_reason="claimed")

    mine, theirs = (Reminder.history.get(id=row.pk) for row in (copied, built))
    for record in (mine, theirs):
        assert (record.history_type, record.history_change_reason) == ("~", "claimed")
        assert (record.history_user_id, record.history_date) == (holder.pk, when)
    copied.refresh_from_db()
    assert _tracked(mine) == _tracked(copied)
    own = ("id", "object_id", "created_at")  # the two rows' own values
    assert {k: v for k, v in _tracked(mine).items() if k not in own} == {
        k: v for k, v in _tracked(theirs).items() if k not in own
    }


def test_the_sweep_leaves_one_record_per_claimed_row_in_batches(case, holder, monkeypatch):
    monkeypatch.setattr("casework.history.CHUNK", 7)  # several statements
    _reminders(case, holder, 20)
    ids = delivery.claim_due(timezone.now())
    assert len(ids) == 20
    records = Reminder.history.filter(history_change_reason="claimed by the sweep")
    assert sorted(records.values_list("id", flat=True)) == sorted(ids)
    assert set(records.values_list("status", "attempts", "history_user")) == {
        (Status.SENDING, 1, None)
    }


def test_it_refuses_a_model_whose_history_keeps_many_to_many_fields(goal):
    from django.core.exceptions import ImproperlyConfigured

    from sessions.models import Goal

    with pytest.raises(ImproperlyConfigured, match="many-to-many"):
        copy_to_history(Goal, [goal.pk], reason="x")
    assert not Goal.history.filter(history_change_reason="x").exists()
