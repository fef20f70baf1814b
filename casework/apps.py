from django.apps import AppConfig
from django.core import checks


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from . import lookups, signals  # noqa: F401

        checks.register(field_keys_check, checks.Tags.security)


def field_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check`` (and every command that runs the checks) refuses a wrong key."""
    from .crypto import WrongKey, check_keys

    try:
        check_keys()
    except WrongKey as error:
        return [checks.Critical(str(error), id="casework.E001")]
    return []
