from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone


@receiver(user_logged_in)
def remember_language_chosen_before_sign_in(sender, request, user, **kwargs) -> None:
    """A language picked on the sign-in page becomes the account's language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user.language = chosen
        user.skip_history_when_saving = True  # a preference, not an audited change
        try:
            user.save(update_fields=["language"])
        finally:
            del user.skip_history_when_saving


def record_last_login_without_history(sender, user, **kwargs) -> None:
    """Django's update_last_login, minus an empty history row at every sign-in."""
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving


user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
user_logged_in.connect(record_last_login_without_history, dispatch_uid="update_last_login")
