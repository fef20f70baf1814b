"""The subject access export of a client file: printable page and JSON, each logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from casework.audit import access_record
from casework.models import AccessLog
from clients.access import get_client_for

from . import export


def _made(request: HttpRequest, pk: int) -> tuple[dict, str]:
    client = get_client_for(request.user, pk)  # 404 for a client the user may not see
    language = export.language_for(client, request.LANGUAGE_CODE)
    # Logged first, so the export lists itself among the reads of the file.
    access_record(user=request.user, kind=AccessLog.Kind.EXPORT, record=client)
    with translation.override(language):
        data = export.build(request.user, client)
    return data, language


@login_required
@require_GET
def page(request: HttpRequest, pk: int) -> HttpResponse:
    data, language = _made(request, pk)
    with translation.override(language):
        return render(
            request, "privacy/export.html", {"export": data, "pk": pk, "language": language}
        )


@login_required
@require_GET
def as_json(request: HttpRequest, pk: int) -> JsonResponse:
    data, language = _made(request, pk)
    response = JsonResponse({**data, "language": language}, json_dumps_params={"indent": 1})
    reference = data["client"][0]["value"]
    response["Content-Disposition"] = f'attachment; filename="{reference}-subject-access.json"'
    return response
