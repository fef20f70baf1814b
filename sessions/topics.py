"""The built-in topics of the information given in a session (labels translated)."""

from django.utils.translation import gettext_lazy as _

BUILTIN_TOPICS = [
    ("regularisation-9bis", _("Regularisation on humanitarian grounds (9bis)")),
    ("regularisation-9ter", _("Regularisation on medical grounds (9ter)")),
    ("asylum", _("Asylum procedure")),
    ("return-reintegration", _("Voluntary return and reintegration programmes")),
    ("training-work", _("Training and work")),
    ("health-access", _("Access to health care (urgent medical aid)")),
    ("shelter", _("Shelter")),
    ("language-courses", _("Language courses")),
    ("rights", _("Rights of undocumented people")),
]
BUILTIN_TOPIC_LABELS = dict(BUILTIN_TOPICS)


def topic_choices(centre_id: int) -> list[tuple[str, str]]:
    """The built-in topics and those the centre added, as (code, label)."""
    from .models import InfoTopic

    custom = [(t.code, t.label) for t in InfoTopic.objects.filter(centre_id=centre_id)]
    return [*BUILTIN_TOPICS, *custom]
