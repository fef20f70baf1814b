"""From the cells of a row to an unsaved, validated Partner: the documented column layout."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from casework.models import Network
from clients.languages import LANGUAGE_CHOICES

from ..models import Domain, Partner, Province
from .tables import FileRefused

# Column name in the file → field of Partner, in the documented order.
COLUMNS = {
    "name": "name",
    "domain": "domain",
    "provinces": "provinces",
    "languages": "languages",
    "undocumented_welcome": "welcomes_undocumented",
    "audience": "audience",
    "accessibility": "accessibility",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "active": "is_active",
}
REQUIRED_COLUMNS = ("name", "domain", "provinces")
COLUMN_ALIASES = {
    "welcomes_undocumented": "undocumented_welcome",
    "is_active": "active",
    "e_mail": "email",
}
LIST_FIELDS = ("provinces", "languages")
BOOLEAN_FIELDS = ("welcomes_undocumented", "is_active")
COLUMN_OF_FIELD = {model_field: column for column, model_field in COLUMNS.items()}

# Names that work before the catalogues translate the provinces, and common spellings.
PROVINCE_ALIASES = {
    Province.BRUSSELS: (
        "Brussels",
        "Brussel",
        "Bruxelles",
        "Brussels Hoofdstedelijk Gewest",
        "Région de Bruxelles-Capitale",
        "Bruxelles-Capitale",
    ),
    Province.ANTWERP: ("Antwerpen", "Anvers"),
    Province.LIMBURG: ("Limbourg",),
    Province.EAST_FLANDERS: ("Oost-Vlaanderen", "Flandre orientale"),
    Province.FLEMISH_BRABANT: ("Vlaams-Brabant", "Brabant flamand"),
    Province.WEST_FLANDERS: ("West-Vlaanderen", "Flandre occidentale"),
    Province.WALLOON_BRABANT: ("Waals-Brabant", "Brabant wallon"),
    Province.HAINAUT: ("Henegouwen",),
    Province.LIEGE: ("Luik",),
    Province.LUXEMBOURG: ("Luxemburg",),
    Province.NAMUR: ("Namen",),
}
# Spreadsheets in Dutch and French write TRUE and FALSE as WAAR/ONWAAR and VRAI/FAUX.
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "ja", "j", "waar", "oui", "vrai"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "nee", "onwaar", "non", "faux"})
LIST_SEPARATORS = re.compile(r"[;,|]")
FORMULA_STARTS = ("=", "@")


def _header_key(cell: str) -> str:
    key = "_".join(cell.strip().casefold().replace("-", " ").split())
    return COLUMN_ALIASES.get(key, key)


def columns_of(header: list[str]) -> list[str]:
    """The Partner field of each column of the file ("" for a column without a name)."""
    keys = [_header_key(cell) for cell in header]
    unknown = [cell for cell, key in zip(header, keys, strict=True) if key and key not in COLUMNS]
    if unknown:
        raise FileRefused(
            _("Unknown columns: %(columns)s. The columns are: %(accepted)s.")
            % {"columns": ", ".join(unknown), "accepted": ", ".join(COLUMNS)}
        )
    twice = sorted({key for key in keys if key and keys.count(key) > 1})
    if twice:
        raise FileRefused(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(twice)})
    missing = [column for column in REQUIRED_COLUMNS if column not in keys]
    if missing:
        raise FileRefused(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return [COLUMNS.get(key, "") for key in keys]


def _key(text: str) -> str:
    """Compare names ignoring case, accents, hyphens and spacing: "Liège" is "liege"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.replace("-", " ").replace("_", " ").split())


class Vocabulary:
    """Codes and names of domains, provinces and languages, in every language of the site."""

    def __init__(self) -> None:
        self.domains = self._lookup(Domain.choices)
        self.provinces = self._lookup(Province.choices)
        for code, aliases in PROVINCE_ALIASES.items():
            self.provinces.update({_key(alias): str(code) for alias in aliases})
        self.languages = self._lookup(LANGUAGE_CHOICES)

    @staticmethod
    def _lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
        choices = list(choices)
        lookup = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup.update({_key(str(label)): code for code, label in choices})
        lookup.update({_key(code): code for code, _label in choices})
        return lookup

    def province(self, text: str) -> str | None:
        if text[:3].casefold() == "be-":
            text = text[3:]
        return self.provinces.get(_key(text))

    def language(self, text: str) -> str | None:
        return self.languages.get(_key(text))


class _BadValue(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def partner_from_row(
    cells: list[str], columns: list[str], network: Network, vocabulary: Vocabulary
) -> tuple[Partner | None, list[str]]:
    """The row's partner, unsaved but validated, or None and what is wrong with the row."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    refused: set[str] = set()
    for position, text in enumerate(cells):
        model_field = columns[position] if position < len(columns) else ""
        if not text:
            continue
        if not model_field:
            problems.append(
                _("Column %(number)s has a value but no name.") % {"number": position + 1}
            )
            continue
        try:
            if text.startswith(FORMULA_STARTS):
                raise _BadValue(_("formulas are not accepted; type the value itself."))
            values[model_field] = _value(model_field, text, vocabulary)
        except _BadValue as bad:
            problems.append(f"{COLUMN_OF_FIELD[model_field]}: {bad.message}")
            refused.add(model_field)
    for column in REQUIRED_COLUMNS:
        if not values.get(COLUMNS[column]) and COLUMNS[column] not in refused:
            problems.append(f"{column}: {_('a value is required.')}")
    if problems:
        return None, problems
    partner = Partner(network=network, **values)
    try:
        # No query per row: the network is known and names are compared in memory.
        partner.full_clean(
            exclude=["network", "group"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return None, [
            f"{COLUMN_OF_FIELD.get(model_field, model_field)}: {message}"
            for model_field, messages in error.message_dict.items()
            for message in messages
        ]
    return partner, []


def _value(model_field: str, text: str, vocabulary: Vocabulary) -> Any:
    if model_field == "domain":
        code = vocabulary.domains.get(_key(text))
        if code is None:
            raise _BadValue(
                _("“%(value)s” is not a domain; use one of %(codes)s.")
                % {"value": text, "codes": ", ".join(Domain.values)}
            )
        return code
    if model_field in LIST_FIELDS:
        if model_field == "provinces":
            find, order = vocabulary.province, Province.values
        else:
            find, order = vocabulary.language, [code for code, _name in LANGUAGE_CHOICES]
        items = [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]
        unknown = [item for item in items if find(item) is None]
        if unknown:
            raise _BadValue(
                _("not known: %(values)s.") % {"values": ", ".join(f"“{v}”" for v in unknown)}
            )
        return sorted({find(item) for item in items}, key=order.index)
    if model_field in BOOLEAN_FIELDS:
        word = text.casefold()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise _BadValue(_("“%(value)s” is neither yes nor no.") % {"value": text})
        return word in TRUE_WORDS
    if model_field == "website" and "://" not in text and "." in text:
        return f"https://{text}"  # "www.example.org" as people type it
    return text
