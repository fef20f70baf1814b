"""Audit helpers: the access log of reads, and readable field-by-field history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, User


def access_record(*, user: User, kind: str, record: Any, obj_id: int | None = None) -> None:
    """Log one read of a confidential record (append-only, opaque ids and reference only).

    ``record`` is the client or case read (it gives the reference and the centre); ``obj_id``
    names a child read through it (a session, a goal), else the record itself.
    """
    AccessLog.objects.create(
        user=user,
        kind=kind,
        object_id=obj_id if obj_id is not None else record.pk,
        reference=record.reference,
        centre_id=record.centre_id,
    )


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    actor: User | None
    summary: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


Formatter = Callable[[Any], str]

EVENT_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _default_formatter(model_field: models.Field) -> Formatter:
    if model_field.choices:
        choices = {k: v for k, v in model_field.flatchoices}
        return lambda value: str(choices.get(value, value)) if value not in ("", None) else "—"

    def plain(value: Any) -> str:
        if value in ("", None, []):
            return "—"
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return str(value)

    return plain


def field_history(
    records: Iterable[models.Model],
    *,
    model: type[models.Model],
    fields: Iterable[str],
    formatters: dict[str, Formatter] | None = None,
    extra_changes: dict[int, list[Change]] | None = None,
) -> list[HistoryEntry]:
    """Entries for a sequence of historical records of one object, oldest first in, newest
    first out; each change lists the fields that moved, with readable old and new values."""
    formatters = formatters or {}
    fields = list(fields)
    format_for = {
        name: formatters.get(name) or _default_formatter(model._meta.get_field(name))
        for name in fields
    }
    labels = {name: capfirst(str(model._meta.get_field(name).verbose_name)) for name in fields}
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        changes: list[Change] = []
        if previous is None:
            for name in fields:
                if model._meta.get_field(name).many_to_many:
                    continue  # links are set after the first save: the next record shows them
                value = getattr(record, _attname(model, name))
                if value not in ("", None, [], False):
                    changes.append(Change(labels[name], "", format_for[name](value)))
        else:
            delta = record.diff_against(previous, included_fields=fields)
            for change in delta.changes:
                changes.append(
                    Change(
                        labels[change.field],
                        format_for[change.field](change.old),
                        format_for[change.field](change.new),
                    )
                )
        changes += (extra_changes or {}).get(record.history_id, [])
        if previous is None or changes or record.history_type != "~":
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    actor=record.history_user,
                    summary=str(EVENT_LABELS[record.history_type]),
                    changes=changes,
                    reason=getattr(record, "history_change_reason", None) or "",
                )
            )
        previous = record
    return entries


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname
