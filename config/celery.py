"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import beat_init, setup_logging, task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(**_kwargs) -> None:
    """The worker and beat log as the web does (JSON lines in production, with the task's id),
    not in Celery's own format: Celery leaves logging to this handler."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_init.connect
@beat_init.connect
def _field_keys(**_kwargs) -> None:
    """A wrong field-encryption key stops the worker and beat at start (casework.crypto)."""
    from casework.crypto import check_keys

    check_keys()


@task_prerun.connect
def _task_request_id(task_id=None, **_kwargs) -> None:
    """Log records written while a task runs carry the task's id (``casework.logs``)."""
    from casework.logs import request_id

    request_id.set(task_id or "-")


@task_postrun.connect
def _task_done(**_kwargs) -> None:
    from casework.logs import request_id

    request_id.set("-")
