"""Encryption at rest of the fields that identify a client (names, birth date, phone).

Values are Fernet tokens (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under the
keys of FIELD_ENCRYPTION_KEYS: the first encrypts, every one decrypts, so a key is rotated by
putting the new one first, running ``manage.py rotate_field_keys`` and then dropping the old
one (deploy/README.md). A dump of the database alone shows no name.

Searching by first name uses a keyed hash of the normalised name (FIELD_HASH_KEY): equal
names give equal hashes, and without the key the hash tells nothing.

A key that cannot read what the database holds must stop the application rather than show
garbage: ``check_keys`` reads a known value written with the key in use, and wsgi.py, the
Celery worker and beat and ``manage.py check`` call it before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CHECK_PLAINTEXT = "casework field encryption check"


class WrongKey(ImproperlyConfigured):
    pass


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise WrongKey(
            "A client's encrypted field cannot be read with FIELD_ENCRYPTION_KEYS: the key "
            "is wrong or missing (deploy/README.md, 'Encryption keys')."
        ) from None


def rotate(token: str) -> str:
    """The same value under the first key."""
    return fernet().rotate(token.encode()).decode()


def normalised(name: str) -> str:
    """Case, accents and spacing do not matter: "  José " and "jose" search alike."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search_hash(name: str) -> str:
    if not name or not name.strip():
        return ""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, normalised(name).encode(), hashlib.sha256).hexdigest()


def check_keys() -> None:
    """Refuse to go on when the keys cannot read what was written with the key in use."""
    from django.db import connection
    from django.db.utils import DatabaseError

    from .models import EncryptionCheck

    try:
        tables = connection.introspection.table_names()
    except DatabaseError:
        return  # no database yet: nothing encrypted to misread
    if EncryptionCheck._meta.db_table not in tables:
        return
    check = EncryptionCheck.objects.filter(pk=1).first()
    if check is None:
        # Web workers, the worker and beat may start together: the first one writes it.
        check, _created = EncryptionCheck.objects.get_or_create(
            pk=1, defaults={"token": encrypt(CHECK_PLAINTEXT)}
        )
    try:
        readable = decrypt(check.token) == CHECK_PLAINTEXT
    except WrongKey:
        readable = False
    if not readable:
        raise WrongKey(
            "FIELD_ENCRYPTION_KEYS cannot read the data in this database: the key is wrong, or "
            "the key that encrypted them is missing from the list. Casework does not start "
            "rather than show garbage (deploy/README.md, 'Encryption keys')."
        )
