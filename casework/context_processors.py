from django.conf import settings
from django.http import HttpRequest

from .signin import two_factor


def navigation(request: HttpRequest) -> dict:
    """What the navigation bar may offer the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or two_factor.pending(request):
        return {}
    return {
        "nav": {
            "caseload": user.is_counsellor,
            "centre_admin": user.is_centre_admin,
            "directory": user.is_counsellor or user.is_centre_admin,
            "desk": user.is_icam_coach,
            "reports": user.coordinates_something,
            "django_admin": user.is_superuser,
        },
        "idle_timeout": settings.IDLE_TIMEOUT_SECONDS,
        "idle_warning": settings.IDLE_WARNING_SECONDS,
    }
