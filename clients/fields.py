"""Model fields whose values are encrypted in the database (``casework.crypto``)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core import validators
from django.db import models

from casework import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; empty stays empty (so "not given" can be queried)."""

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length:
            self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else value

    def formfield(self, **kwargs):
        defaults = {"max_length": self.plain_max_length, "widget": forms.TextInput}
        return super().formfield(**{**defaults, **kwargs})


class EncryptedDateField(models.Field):
    """A date stored as the token of its ISO text."""

    description = "A date, encrypted"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return date.fromisoformat(crypto.decrypt(value)) if value else None

    def to_python(self, value):
        if value is None or isinstance(value, date):
            return value
        return models.DateField().to_python(value)

    def get_prep_value(self, value):
        value = self.to_python(value)
        return crypto.encrypt(value.isoformat()) if value else None

    def value_to_string(self, obj) -> str:
        value = self.value_from_object(obj)
        return value.isoformat() if value else ""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.DateField, **kwargs})


class SearchHashField(models.CharField):
    """The keyed hash of another field's normalised value, kept up to date on every save
    (bulk creation included), for exact searches on an encrypted field."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.search_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class AgeAtOpeningField(models.SmallIntegerField):
    """Set when a case is created (bulk creation included) from its client's birth date;
    ``clients.ages.refresh`` works it out again when the birth date is corrected."""

    def pre_save(self, model_instance, add):
        if add:
            from .ages import age_on

            value = age_on(model_instance.client.birth_date, model_instance.opened_at)
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)
