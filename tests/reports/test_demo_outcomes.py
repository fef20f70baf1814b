from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from casework.models import User
from clients.models import Case, Client

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_for_the_coordinator_to_read(web):
    call_command("demo_data")
    call_command("demo_outcomes")
    made = Case.objects.count()
    call_command("demo_outcomes")
    assert Case.objects.count() == made  # idempotent

    past = Client.objects.filter(reference__contains="-D")
    assert past.count() > 500
    history = Client.history.model.objects.filter(id__in=past.values("pk"))
    assert history.filter(history_type="+").count() == past.count()
    assert not history.filter(history_user__isnull=True).exists()

    dirk = User.objects.get(username="dirk")
    response = web(dirk).get(reverse("reports_dashboard"))
    figures = {str(label): str(figure) for label, figure in response.context["key_figures"]}
    assert figures["Cases closed"] not in {"x", "0"}
