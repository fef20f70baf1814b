"""``any_of``: the same rows as ``in``, in a shape PostgreSQL can answer from two indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from casework.permissions import grant_subquery
from clients.access import visible_cases
from clients.models import Case, CaseUserObjectPermission

from ..conftest import require_service
from ..factories import make_case


def test_it_selects_the_rows_in_does(case, reader, holder):
    make_case(holder)
    shared = grant_subquery(CaseUserObjectPermission, reader, "view_case")
    assert list(Case.objects.filter(pk__any_of=shared)) == [case]
    assert set(Case.objects.filter(pk__any_of=shared)) == set(Case.objects.filter(pk__in=shared))
    nothing = grant_subquery(CaseUserObjectPermission, holder, "view_case")
    assert not Case.objects.filter(pk__any_of=nothing).exists()
    # A queryset of rows stands for their primary keys, as with ``in``.
    assert list(Case.objects.filter(pk__any_of=Case.objects.filter(pk=case.pk))) == [case]


def test_it_takes_a_queryset_of_one_column_only(case):
    with pytest.raises(TypeError, match="takes a queryset"):
        Case.objects.filter(pk__any_of=[case.pk])
    with pytest.raises(ValueError, match="one field"):
        Case.objects.filter(pk__any_of=Case.objects.values("pk", "number"))


def test_the_visible_cases_are_two_index_scans_not_a_scan_of_the_centre(case, reader):
    """With ``pk__in`` the grants are a hashed filter and the OR cannot use an index (PostgreSQL
    15): every case of the centre is read. With ``any_of`` both arms are index conditions,
    ORed in a bitmap.
    (At test size the planner prefers the centre's index, so the arms are planned alone.)"""
    require_service(connection.vendor == "postgresql", "PostgreSQL (its query plan)")
    assert "= ANY(ARRAY(SELECT" in str(visible_cases(reader).query)
    shared = grant_subquery(CaseUserObjectPermission, reader, "view_case")

    def plan(arms: Q) -> str:
        sql, params = Case.objects.filter(arms).values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    assert "BitmapOr" in plan(Q(assigned_to=reader) | Q(pk__any_of=shared))
