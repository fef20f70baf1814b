"""/healthz: the database, the broker, the last beat tick and the reminders, as JSON (200 or
503)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from casework.models import Heartbeat

from .celery import app as celery_app

logger = logging.getLogger(__name__)
OVERDUE_AFTER = timedelta(minutes=5)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        logger.warning("healthz: database unavailable: %s", type(error).__name__)
        return {"ok": False, "error": type(error).__name__}


def _broker() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}
    except Exception as error:
        logger.warning("healthz: broker unavailable: %s", type(error).__name__)
        return {"ok": False, "error": type(error).__name__}


def _beat() -> dict:
    try:
        tick = Heartbeat.objects.filter(name="beat").values_list("at", flat=True).first()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    if tick is None:
        return {"ok": False, "last_tick": None, "error": "no tick yet"}
    age = (timezone.now() - tick).total_seconds()
    return {
        "ok": age <= settings.HEARTBEAT_STALE_AFTER_SECONDS,
        "last_tick": tick.isoformat(),
        "age_seconds": round(age, 1),
    }


def _reminders() -> dict:
    """The last sweep, and how many reminders are overdue (due over five minutes ago and not
    delivered). Informational: a refusing mail server shows here without failing the check."""
    try:
        reminder = apps.get_model("reminders", "Reminder")
        sweep = Heartbeat.objects.filter(name="sweep").values_list("at", flat=True).first()
        overdue = reminder.objects.filter(
            status__in=["pending", "sending"], due_at__lt=timezone.now() - OVERDUE_AFTER
        ).count()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "last_sweep": sweep.isoformat() if sweep else None, "overdue": overdue}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _database(),
        "broker": _broker(),
        "beat": _beat(),
        "reminders": _reminders(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )
