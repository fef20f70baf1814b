"""Celery tasks: the sweep (beat, every minute), delivery, the daily e-mail. Arguments are ids."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from casework.models import Heartbeat

from . import delivery

log = logging.getLogger(__name__)

CHUNK = 200


@shared_task
def sweep() -> int:
    """Claim what is due and hand it to the workers, a chunk of ids per task."""
    ids = delivery.claim_due()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        transaction.on_commit(lambda chunk=chunk: deliver.delay(chunk))
    Heartbeat.objects.update_or_create(name="sweep", defaults={"at": timezone.now()})
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver(reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        try:
            delivery.deliver(reminder_id)
        except Exception as error:
            # One bad row must not hold up the others; it stays claimed, is tried again after
            # its lease, and is given up after MAX_ATTEMPTS. Ids and the class only in logs.
            log.error("reminder %s: delivery failed (%s)", reminder_id, type(error).__name__)


@shared_task
def daily_digests() -> None:
    for user_id in delivery.digest_recipients():
        send_digest.delay(user_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=delivery.MAIL_ERRORS,
    retry_backoff=60,
    max_retries=6,
)
def send_digest(user_id: int) -> None:
    delivery.send_digest(user_id)
