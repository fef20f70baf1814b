"""``field__any_of=subquery``: ``field = ANY(ARRAY(subquery))`` on PostgreSQL.

``Q(assigned_to=me) | Q(pk__in=grants)`` puts ``id IN (SELECT …)`` beside an indexed column:
PostgreSQL evaluates such an ``IN`` as a hashed subplan, a filter, so the ``OR`` of the two
cannot use an index for either arm, and the permission filter scans every case of the centre.
``id = ANY(ARRAY(SELECT …))`` runs the subquery once (an init plan) and hands its array to the
primary key's index: both arms become index scans joined by a ``BitmapOr`` (docs/performance.md).
Elsewhere (SQLite, the embedded default) it is the plain ``IN``.
"""

from __future__ import annotations

from django.db.models import Field, Lookup
from django.db.models.sql.query import Query


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        """Only a subquery, of one column (its primary key unless it selects one), unordered."""
        if not isinstance(self.rhs, Query):
            raise TypeError("any_of takes a queryset, e.g. grants.values('content_object_id').")
        if self.rhs.has_select_fields and self.rhs._subquery_fields_len != 1:
            raise ValueError("The queryset for any_of must select one field.")
        self.rhs.clear_ordering(clear_default=True)
        if not self.rhs.has_select_fields:
            self.rhs.clear_select_clause()
            self.rhs.add_fields(["pk"])
        return super().get_prep_lookup()

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, [*lhs_params, *rhs_params]

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params
