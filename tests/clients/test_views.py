"""The counsellor's screens as a user drives them: through forms, with CSRF enforced."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.models import AccessLog
from clients.models import Case, CaseStatus, CaseUserObjectPermission, Client

from ..factories import make_case


def test_the_caseload_lists_own_and_shared_cases_and_hides_the_rest(web, case, reader, outsider):
    own = make_case(reader)
    foreign = make_case(outsider)
    page = web(reader).get(reverse("caseload")).content.decode()
    assert case.reference in page
    assert own.reference in page
    assert foreign.reference not in page


def test_the_caseload_searches_by_reference_or_first_name_by_post(web, holder, outsider):
    first = make_case(holder, first_name="Samira")
    second = make_case(holder, first_name="Yonas")
    foreign = make_case(outsider, first_name="Samira")
    browser = web(holder)
    response = browser.post(reverse("caseload"), {"q": " SAMÍRA "})  # case, accents, spaces
    found = {c.pk for c in response.context["page"].object_list}
    assert found == {first.pk}  # never the outsider's Samira
    # The first name is encrypted: it is found whole, through its keyed hash, not in part.
    response = browser.post(reverse("caseload"), {"q": "samir"})
    assert list(response.context["page"].object_list) == []
    response = browser.post(reverse("caseload"), {"q": second.client.reference})
    assert {c.pk for c in response.context["page"].object_list} == {second.pk}
    assert foreign.pk not in found


def test_the_caseload_filters_by_status(web, holder):
    case = make_case(holder)
    page = web(holder).get(reverse("caseload"), {"status": "closed"}).content.decode()
    assert case.reference not in page
    page = web(holder).get(reverse("caseload"), {"status": "intake"}).content.decode()
    assert case.reference in page


def test_a_bad_page_number_or_filter_is_not_an_error(web, holder):
    make_case(holder)
    assert web(holder).get(reverse("caseload"), {"page": "abc"}).status_code == 200
    assert web(holder).get(reverse("caseload"), {"status": "nonsense"}).status_code == 200


def test_registering_a_client_opens_a_case_and_records_who_did_it(web, holder):
    response = web(holder).post(
        reverse("client_create"),
        {"first_name": "Amal", "residence_situation": "undocumented", "languages": ["ar", "fr"]},
    )
    case = Case.objects.get(assigned_to=holder)
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", kwargs={"pk": case.pk})
    assert case.client.languages == ["ar", "fr"]
    assert case.client.history.get().history_user == holder
    assert case.history.get().history_user == holder


def test_a_client_with_bad_input_is_refused_with_reasons_and_nothing_is_saved(web, holder):
    response = web(holder).post(
        reverse("client_create"),
        {
            "residence_situation": "martian",
            "year_of_arrival": "3000",
            "birth_date": "not a date",
            "languages": ["xx"],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"residence_situation", "year_of_arrival", "birth_date", "languages"} <= set(errors)
    assert not Client.objects.exists()


def test_editing_a_client_leaves_history_with_the_editor(web, case, editor):
    client = case.client
    response = web(editor).post(
        reverse("client_edit", kwargs={"pk": client.pk}),
        {
            "first_name": "Amal",
            "phone": "0470 00 00 00",
            "residence_situation": "dublin",
            "version": client.version,
        },
    )
    assert response.status_code == 302
    latest = client.history.latest()
    assert latest.history_user == editor
    assert latest.phone == "0470 00 00 00"
    page = web(editor).get(reverse("client_history", kwargs={"pk": client.pk})).content.decode()
    assert "0470 00 00 00" in page


def test_a_second_edit_on_the_same_version_is_refused_and_overwrites_nothing(web, case, holder):
    client = case.client
    form = {"first_name": "First", "residence_situation": "undocumented", "version": 1}
    url = reverse("client_edit", kwargs={"pk": client.pk})
    assert web(holder).post(url, form).status_code == 302
    form["first_name"] = "Second"
    response = web(holder).post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed" in page
    assert "First" in page  # what is saved now is shown...
    assert response.context["form"]["first_name"].value() == "Second"  # ...and the input kept
    client.refresh_from_db()
    assert client.first_name == "First"
    # Saving again is now a deliberate overwrite based on the current version.
    response = web(holder).post(
        url, {**form, "version": response.context["form"]["version"].value()}
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.first_name == "Second"


def test_moving_a_case_through_the_form(web, case, editor):
    response = web(editor).post(
        reverse("case_status", kwargs={"pk": case.pk}),
        {"status": "orientation", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ORIENTATION
    assert case.history.latest().history_user == editor


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "closed", "outcome": ""}, "outcome"),
        ({"status": "follow_up"}, "status"),
        ({"status": "exploded"}, "status"),
    ],
)
def test_an_illegal_state_change_is_refused_with_a_reason(web, case, holder, data, field):
    response = web(holder).post(
        reverse("case_status", kwargs={"pk": case.pk}), {**data, "version": case.version}
    )
    assert response.status_code == 200
    assert field in response.context["status_form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE and case.history.count() == 1


def test_sharing_through_the_form_and_withdrawing(web, holder, outsider):
    case = make_case(holder)
    browser = web(holder)
    response = browser.post(
        reverse("case_share", kwargs={"pk": case.pk}), {"colleague": outsider.pk, "level": "change"}
    )
    assert response.status_code == 302
    assert web(outsider).get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 200
    browser.post(reverse("case_share_withdraw", kwargs={"pk": case.pk, "user_pk": outsider.pk}))
    assert web(outsider).get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404
    history = web(holder).get(reverse("case_history", kwargs={"pk": case.pk})).content.decode()
    assert "Access granted" in history and "Access withdrawn" in history


@pytest.mark.parametrize("who", ["holder", "foreigner"])
def test_a_forged_share_with_oneself_or_another_centre_is_refused(request, web, case, holder, who):
    target = request.getfixturevalue(who)
    before = CaseUserObjectPermission.objects.count()
    response = web(holder).post(
        reverse("case_share", kwargs={"pk": case.pk}), {"colleague": target.pk, "level": "view"}
    )
    assert response.status_code == 200
    assert "colleague" in response.context["share_form"].errors
    assert CaseUserObjectPermission.objects.count() == before


def test_a_transfer_to_another_centre_is_refused(web, case, holder, foreigner):
    response = web(holder).post(
        reverse("case_transfer", kwargs={"pk": case.pk}), {"to_user": foreigner.pk}
    )
    assert response.status_code == 200
    assert "to_user" in response.context["form"].errors
    case.refresh_from_db()
    assert case.assigned_to == holder


def test_a_transfer_through_the_form(web, case, holder, outsider):
    response = web(holder).post(
        reverse("case_transfer", kwargs={"pk": case.pk}), {"to_user": outsider.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == outsider
    assert web(holder).get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404


def test_each_opening_of_a_client_file_or_case_leaves_one_access_log_row(web, case, reader):
    browser = web(reader)
    browser.get(reverse("client_file", kwargs={"pk": case.client_id}))
    browser.get(reverse("case_detail", kwargs={"pk": case.pk}))
    rows = list(AccessLog.objects.order_by("id").values_list("user_id", "kind", "object_id"))
    assert rows == [
        (reader.pk, AccessLog.Kind.CLIENT, case.client_id),
        (reader.pk, AccessLog.Kind.CASE, case.pk),
    ]


def test_a_refused_read_leaves_no_access_log_row(web, case, outsider):
    web(outsider).get(reverse("client_file", kwargs={"pk": case.client_id}))
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "path", ["/cases/0/", "/cases/999999999999999999/", "/cases/99999999999999999999/", "/cases/x/"]
)
def test_a_malformed_or_unknown_id_is_a_404(web, holder, path):
    assert web(holder).get(path).status_code == 404


def test_the_case_history_shows_each_access_change_once_with_before_and_after(
    web, holder, outsider
):
    from clients import services

    case = make_case(holder)
    services.case_share(actor=holder, case=case, colleague=outsider, level="change")
    services.case_share(actor=holder, case=case, colleague=outsider, level="view")
    services.case_share_withdraw(actor=holder, case=case, colleague=outsider)
    response = web(holder).get(reverse("case_history", kwargs={"pk": case.pk}))
    access = [
        (e.summary, e.changes[0].old, e.changes[0].new)
        for e in response.context["entries"]
        if e.summary.startswith("Access")
    ]
    assert access == [
        ("Access withdrawn", "read only", ""),
        ("Access changed", "read and edit", "read only"),
        ("Access granted", "", "read and edit"),
    ]


def test_the_client_file_offers_editing_exactly_to_who_may_change_the_latest_case(
    web, case, holder, reader, editor, outsider
):
    from clients import services
    from clients.access import can_change_client
    from clients.models import CaseOutcome

    def offers() -> dict[str, bool | None]:
        found = {}
        for user in (holder, reader, editor, outsider):
            response = web(user).get(reverse("client_file", kwargs={"pk": case.client_id}))
            if response.status_code == 404:
                found[user.username] = None
                continue
            found[user.username] = response.context["can_edit"]
            assert found[user.username] == can_change_client(user, case.client)  # and services
        return found

    assert offers() == {"holder": True, "reader": False, "editor": True, "outsider": None}
    services.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.TRAINING_COMPLETED,
    )
    later = services.case_open(actor=holder, client=case.client)
    assert offers() == {"holder": True, "reader": False, "editor": False, "outsider": None}
    # The later case goes to a colleague: the earlier holder still reads the file, but its
    # latest case is now hidden from them, so it is no longer theirs to change.
    services.case_transfer(actor=holder, case=later, to_user=outsider)
    assert offers() == {"holder": False, "reader": False, "editor": False, "outsider": True}
