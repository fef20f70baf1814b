"""The daily retention run (beat, at night), and a centre admin's run started by hand."""

from __future__ import annotations

from celery import shared_task

from casework.models import User

from . import retention
from .models import RetentionPolicy


@shared_task
def apply_retention() -> int:
    """Apply every centre's retention policy; returns how many policies ran."""
    return retention.run_all()


@shared_task
def apply_retention_of(policy_id: int, actor_id: int) -> int:
    """One centre's policy, started by its centre admin; returns the run's id."""
    policy = RetentionPolicy.objects.select_related("centre", "updated_by").get(pk=policy_id)
    return retention.run(policy, dry_run=False, actor=User.objects.get(pk=actor_id)).pk
