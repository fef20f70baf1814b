"""Structured logs: one JSON object per line, each with the id of the request (or task) it
belongs to, so that an administrator can follow one request through web and worker.

What is logged stays free of personal data (see the README): messages carry ids, never
names or notes, and no request body or query string is ever added here.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# An id handed over by the proxy (nginx's $request_id) is kept only if it looks like one.
INCOMING = re.compile(r"^[A-Za-z0-9-]{8,64}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Gives every request an id (the proxy's, or a new one) and sends it back in a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id.set(incoming if INCOMING.match(incoming) else uuid.uuid4().hex)
        response = self.get_response(request)
        response[HEADER] = request_id.get()
        return response


@receiver(request_finished)
def _forget_request_id(**_kwargs) -> None:
    """Kept until the response is closed: Django logs a 404 or a 500 after the middleware."""
    request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Puts the current request's (or task's) id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, and the
    exception's type and traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
