"""Writing with history: the one way to save or delete a row as someone (``save_as``,
``delete_as``), and history rows copied by the database for large batch writes.

``bulk_history_create`` builds a model instance and a history instance for every row and sends
them through ``bulk_create``: at 10,000 reminders claimed by the sweep, three quarters of the
sweep's time (docs/performance.md). When the rows were just updated under lock, the database
can copy them into their history in one ``INSERT … SELECT`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone


def save_as(
    obj: Any,
    actor: Any,
    reason: str = "",
    *,
    validate: bool = True,
    fields: Sequence[str] | None = None,
) -> None:
    """Save ``obj`` with ``actor`` (a user, or ``None`` for the system) and ``reason`` on its
    history row, validated first unless the caller has just built it from validated data;
    ``fields`` saves those columns only. Services call it inside their transaction: web
    requests, Celery tasks and commands alike name whoever acts, which the request middleware
    alone could not."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    if validate:
        obj.full_clean(exclude=None if fields is None else _other_fields(obj, fields))
    obj.save(update_fields=fields)


def _other_fields(obj: Any, fields: Sequence[str]) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.name not in fields]


def delete_as(obj: Any, actor: Any, reason: str = "") -> None:
    """Delete ``obj``, its history's last row naming ``actor`` and ``reason``."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.delete()


CHUNK = 1000  # ids per statement: well under any database's limit on parameters


def copy_to_history(
    model: type[Model],
    ids: Sequence[int],
    *,
    reason: str,
    user_id: int | None = None,
    when: datetime | None = None,
) -> None:
    """One ``"~"`` (changed) history row for each row of ``ids``, as the row stands now, with
    ``reason``, ``user_id`` (none: the system) and one ``when`` for the whole batch: the record
    ``bulk_history_create(update=True)`` writes for a row with those values.

    Unlike ``bulk_history_create`` it reads neither a ``_history_user`` nor a change reason set
    on instances (there are none), sends no history signals, and ignores
    ``SIMPLE_HISTORY_ENABLED``. It refuses a model whose history keeps many-to-many fields,
    which it would not copy."""
    history = model.history.model
    if getattr(history, "_history_m2m_fields", None):
        raise ImproperlyConfigured(f"{model.__name__} keeps many-to-many history: not copied.")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    own = {field.column for field in model._meta.concrete_fields}
    given = {
        "history_date": connection.ops.adapt_datetimefield_value(when or timezone.now()),
        "history_change_reason": reason,
        "history_type": "~",
        "history_user_id": user_id,
    }
    columns, values, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:  # history_id: the database numbers it
            continue
        columns.append(quote(field.column))
        if field.column in given:
            values.append("%s")
            params.append(given[field.column])
        elif field.column in own:
            values.append(quote(field.column))
        else:
            raise ImproperlyConfigured(f"{history.__name__}.{field.column} has no source column.")
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"{head}({marks}) ORDER BY {quote(model._meta.pk.column)}", [*params, *chunk]
            )
