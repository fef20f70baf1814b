from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


class _Counted(Paginator):
    """A paginator told its count, when the caller counted the rows with other figures."""

    def __init__(self, object_list, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def paginate(
    request: HttpRequest, queryset: QuerySet, per_page: int, *, count: int | None = None
) -> tuple[Page, str]:
    """The requested page (bad numbers fall back to the nearest page) and the other query
    parameters, so page links keep the filters. ``count``, when given, is the number of rows
    of ``queryset`` (counted by the caller in the same query as other figures)."""
    paginator = (
        Paginator(queryset, per_page) if count is None else _Counted(queryset, per_page, count)
    )
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
