"""The project's configuration: settings, the root URLs, the Celery app, WSGI and /healthz.

Not an application (it has no models): what it wires together lives in the apps.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
