from django.http import HttpRequest

from casework.signin import two_factor

from .models import Reminder


def unread(request: HttpRequest) -> dict:
    """The unread count in the navigation: one indexed COUNT per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or two_factor.pending(request):
        return {}
    unread = Reminder.objects.notifications_of(user).filter(read_at__isnull=True)
    return {"unread_notifications": unread.count()}
