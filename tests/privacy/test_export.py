"""The subject access export: everything of the client, nothing of anyone else, logged."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import AccessLog
from clients.models import Client
from sessions.models import Session

from .conftest import BIRTH_DATE, plant

pytestmark = pytest.mark.django_db


def test_everything_planted_is_in_the_export_and_nothing_of_another_client(
    web, holder, icam_coach, desk, planted
):
    other = plant(holder, icam_coach, desk, "Wbk")
    browser = web(holder)
    html = browser.get(reverse("client_export", args=[planted.client.pk])).content.decode()
    data = browser.get(reverse("client_export_json", args=[planted.client.pk])).content.decode()
    for document in (html, data):
        missing = [w for w in planted.words if w not in document]
        assert missing == []
        assert not [w for w in other.words if w in document]
    assert BIRTH_DATE.isoformat() in data
    assert planted.client.reference in html


def test_the_json_explains_itself(web, holder, planted):
    response = web(holder).get(reverse("client_export_json", args=[planted.client.pk]))
    assert "attachment" in response["Content-Disposition"]
    assert planted.client.reference in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "casework-subject-access/1"
    first_name = next(f for f in data["client"] if f["name"] == "first_name")
    assert first_name["label"] and first_name["value"] == planted.words[0]
    session = data["cases"][0]["sessions"][0]
    assert {f["name"] for f in session} >= {"why_came", "notes", "held_on", "topics"}
    assert data["cases"][0]["referrals"][0]["partner"]
    assert [e["what"] for e in data["access_log"]] == ["export"]  # the export lists itself


def test_the_export_is_in_the_clients_language_where_casework_speaks_it(web, holder, planted):
    html = web(holder).get(reverse("client_export", args=[planted.client.pk])).content.decode()
    assert '<html lang="fr">' in html  # the planted client speaks French
    assert "Ce que Casework conserve sur vous" in html


def test_every_export_is_in_the_access_log(web, holder, planted):
    web(holder).get(reverse("client_export", args=[planted.client.pk]))
    web(holder).get(reverse("client_export_json", args=[planted.client.pk]))
    entries = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, user=holder)
    assert entries.count() == 2
    assert set(entries.values_list("reference", flat=True)) == {planted.client.reference}


@pytest.mark.parametrize("name", ["client_export", "client_export_json"])
def test_a_client_one_may_not_see_is_not_found(web, outsider, foreigner, planted, name):
    for user in (outsider, foreigner):
        assert web(user).get(reverse(name, args=[planted.client.pk])).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()


def test_three_hundred_sessions_cost_no_more_queries_than_three(web, holder, planted):
    browser = web(holder)
    url = reverse("client_export", args=[planted.client.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        return len(captured)

    Session.objects.bulk_create(
        Session(case=planted.case, duration_minutes=30, created_by=holder, why_came=f"w{i}")
        for i in range(2)
    )
    few = queries()
    Session.objects.bulk_create(
        Session(case=planted.case, duration_minutes=30, created_by=holder, why_came=f"w{i}")
        for i in range(300)
    )
    assert queries() == few
    assert Client.objects.count() == 1


def test_reads_of_a_case_one_may_not_see_stay_out_of_the_export(web, holder, outsider, planted):
    hidden = f"{planted.client.reference}/9"  # a later case, held by someone else
    AccessLog.objects.create(
        user=outsider, centre_id=holder.centre_id, kind="case", object_id=999, reference=hidden
    )
    data = web(holder).get(reverse("client_export_json", args=[planted.client.pk])).json()
    assert hidden not in {entry["reference"] for entry in data["access_log"]}
    assert outsider.username not in json.dumps(data)


def test_only_ones_own_drafts_are_in_the_export(web, holder, editor, planted):
    from clients import services
    from sessions.models import SessionDraft

    services.case_share(actor=holder, case=planted.case, colleague=editor, level="change")
    SessionDraft.objects.create(case=planted.case, author=editor, data={"notes": ["Xqpdraft"]})
    html = web(holder).get(reverse("client_export", args=[planted.client.pk])).content.decode()
    assert "Xqpdraft" not in html
    assert planted.words[-1] in html  # the holder's own draft is there
