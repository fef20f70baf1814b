"""A small generated network (a few hundred rows), made once per test that asks for it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import require_service

SMALL = {
    "centres": 2,
    "counsellors": 6,
    "clients": 80,
    "cases": 100,
    "sessions": 400,
    "seed": 7,
}


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_load", stdout=out, stderr=StringIO(), **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture
def postgresql(transactional_db):
    require_service(connection.vendor == "postgresql", "PostgreSQL")


@pytest.fixture
def generated(postgresql) -> str:
    return generate()
