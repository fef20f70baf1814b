"""Cross-cutting request handling: no caching of signed-in pages, the user's language, and a
note in the security log of session cookies the server does not know."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

security_log = logging.getLogger("casework.security")


class UnknownSessionCookieMiddleware:
    """A session cookie that names no session: expired, or forged. The request goes on as
    anonymous (the sign-in page); the security log notes it, without the cookie's value."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            request.session.keys()  # loads the session (the sign-in check would anyway)
            if request.session.session_key is None:
                security_log.info("Unknown session cookie (expired or forged): %s", request.path)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages behind the login must never be kept by a browser or a proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's; anonymous pages follow the
    language cookie or the browser (LocaleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = user.language if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
