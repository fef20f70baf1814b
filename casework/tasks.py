from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def beat_heartbeat() -> None:
    """Scheduled by beat, run by a worker: its time proves both are alive (see /healthz)."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})
