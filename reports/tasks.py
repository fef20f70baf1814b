"""The month's releases, made by the beat at night so that no coordinator waits for one."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .periods import years
from .releases import release_for
from .scope import every_unit

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
