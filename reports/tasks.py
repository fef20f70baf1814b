"""The month's releases: made by the beat at night so that no coordinator waits for one, and
on a coordinator's demand when one is missing (a new installation, a night the beat missed)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.http import Http404
from django.utils import timezone

from casework.models import User

from .periods import years
from .releases import release_for
from .scope import coordinator_scope, every_unit

log = logging.getLogger(__name__)


@shared_task
def make_releases() -> int:
    """This year's and last year's release for every network and lone centre (idempotent:
    a release already made this month is left as it is)."""
    today = timezone.localdate()
    made = 0
    for year in years(today)[:2]:
        for scope in every_unit(year):
            release_for(scope, year, today, settings.CASEWORK_REPORT_THRESHOLD)
            made += 1
    log.info("Reports: %d releases in place for %s", made, today.strftime("%Y-%m"))
    return made


@shared_task
def prepare_release(user_id: int, year: int) -> None:
    """The release a coordinator's dashboard is waiting for (ids only through the broker)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.is_coordinator:
        return
    today = timezone.localdate()
    if year not in years(today):
        return
    # The year asked for, and what the nightly job makes (this year's and last year's): the
    # coordinator will likely turn to the other one next.
    for wanted in sorted({year, *years(today)[:2]}, reverse=True):
        try:
            scope = coordinator_scope(user, wanted)
        except Http404:  # nothing to coordinate that year
            continue
        release_for(scope, wanted, today, settings.CASEWORK_REPORT_THRESHOLD)
    log.info("Reports: releases prepared on demand")
