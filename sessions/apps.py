from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    # Django's own contrib app is labelled "sessions": this one is "counselling".
    name = "sessions"
    label = "counselling"
    verbose_name = _("Counselling sessions and goals")

    def ready(self) -> None:
        from . import reminders

        reminders.register()
