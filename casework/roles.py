"""The one role guard of the views: ``@role_required(Role.CENTRE_ADMIN)``.

A page that a person's roles do not give them does not exist for them: the guard answers 404,
as for a row they may not see, so a URL tells nobody which pages other roles have. Sign-in
comes first (``login_required``). What a role needs besides itself (a centre, for the roles
that work inside one) is ``User.acts_as``'s to say, once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[View], View]:
    """Only for a signed-in user who acts in one of ``roles``; 404 for everyone else."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.acts_as(role) for role in roles):
                raise Http404("Not a page of this user's roles.")
            return view(request, *args, **kwargs)

        return login_required(guarded)  # type: ignore[return-value]

    return decorator
