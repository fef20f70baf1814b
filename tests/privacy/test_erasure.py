"""Erasure on the client's request: asked by one person, confirmed by another, complete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients import services
from clients.models import Case, CaseStatus
from privacy.erasure import erasure_ask
from privacy.models import Erasure, ErasureReason
from referrals.models import Referral
from tests.factories import UserFactory

from .conftest import erased, untouched

pytestmark = pytest.mark.django_db


def ask(web, user, client, **data):
    payload = {"reason": ErasureReason.CLIENTS_REQUEST, "confirm": "on", **data}
    return web(user).post(reverse("client_erasure", args=[client.pk]), payload)


def test_asked_then_confirmed_it_erases_everything_and_closes_the_case(
    web, holder, centre_admin, planted
):
    response = ask(web, holder, planted.client)
    assert response["Location"] == reverse("client_file", args=[planted.client.pk])
    erasure = Erasure.objects.get()
    assert erasure.status == Erasure.Status.PENDING
    # Nothing is erased before the confirmation.
    assert untouched(planted)
    listing = web(centre_admin).get(reverse("erasures")).content.decode()
    assert planted.client.reference in listing
    web(centre_admin).post(reverse("erasure_confirm", args=[erasure.pk]))
    erasure.refresh_from_db()
    assert erasure.status == Erasure.Status.DONE and erasure.decided_by == centre_admin
    assert erased(planted)
    case = Case.objects.get()
    assert case.status == CaseStatus.CLOSED and case.outcome == "other"
    referral = Referral.objects.get()
    assert referral.status == "cancelled"  # the desk does not go on with it
    assert referral.history.first().history_user == centre_admin
    assert erasure.rows["counselling.Session"] == 1


def test_the_erasure_record_names_no_one(holder, planted):
    erasure = erasure_ask(actor=holder, client=planted.client, reason=ErasureReason.UNLAWFUL)
    record = " ".join(str(v) for v in Erasure.objects.filter(pk=erasure.pk).values().get().values())
    assert not [w for w in planted.words if w in record]


def test_the_person_who_asked_cannot_confirm(web, planted, centre):
    both = UserFactory(centre=centre, roles=["counsellor", "centre_admin"], username="both")
    planted.case.assigned_to = both
    planted.case.save()
    erasure = erasure_ask(actor=both, client=planted.client, reason=ErasureReason.CLIENTS_REQUEST)
    web(both).post(reverse("erasure_confirm", args=[erasure.pk]))
    assert Erasure.objects.get().status == Erasure.Status.PENDING
    assert untouched(planted)


def test_a_second_request_while_one_waits_is_refused(web, holder, planted):
    ask(web, holder, planted.client)
    page = ask(web, holder, planted.client).content.decode()
    assert "waits for a centre admin" in page
    assert Erasure.objects.count() == 1


def test_without_the_box_ticked_nothing_is_asked(web, holder, planted):
    response = ask(web, holder, planted.client, confirm="")
    assert response.status_code == 200
    assert not Erasure.objects.exists()


def test_only_who_may_edit_the_file_asks(web, holder, reader, outsider, foreigner, planted):
    services.case_share(actor=holder, case=planted.case, colleague=reader, level="view")
    assert ask(web, reader, planted.client).status_code == 403
    for user in (outsider, foreigner):
        assert ask(web, user, planted.client).status_code == 404
    assert not Erasure.objects.exists()


def test_only_a_centre_admin_of_the_centre_decides(web, holder, planted, foreigner, reader):
    erasure = erasure_ask(actor=holder, client=planted.client, reason=ErasureReason.CLIENTS_REQUEST)
    other_admin = UserFactory(centre=foreigner.centre, roles=["centre_admin"], username="far")
    for user in (reader, other_admin):
        assert web(user).post(reverse("erasure_confirm", args=[erasure.pk])).status_code == 404
    assert Erasure.objects.get().status == Erasure.Status.PENDING


def test_a_cancelled_erasure_changes_nothing(web, holder, centre_admin, planted):
    erasure = erasure_ask(actor=holder, client=planted.client, reason=ErasureReason.CLIENTS_REQUEST)
    web(centre_admin).post(reverse("erasure_cancel", args=[erasure.pk]))
    assert Erasure.objects.get().status == Erasure.Status.CANCELLED
    assert web(centre_admin).post(reverse("erasure_confirm", args=[erasure.pk])).status_code == 404
    assert untouched(planted)
