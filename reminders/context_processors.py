from django.http import HttpRequest

from .models import Reminder, Status


def unread(request: HttpRequest) -> dict:
    """The unread count in the navigation: one indexed COUNT per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = Reminder.objects.filter(recipient=user, status=Status.SENT, read_at__isnull=True)
    return {"unread_notifications": count.count()}
