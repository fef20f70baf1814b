"""Client and case services: the rules, and that a broken rule changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework.errors import RuleBroken, StaleEdit
from clients import services
from clients.access import Action, get_case_for, visible_cases
from clients.models import Case, CaseOutcome, CaseStatus, CaseUserObjectPermission

from ..factories import counsellor, make_case


def test_it_numbers_client_references_per_centre_and_year(holder, foreigner):
    first = make_case(holder).client
    second = make_case(holder).client
    elsewhere = make_case(foreigner).client
    year = timezone.localdate().year
    assert first.reference == f"FOY-{year}-0001"
    assert second.reference == f"FOY-{year}-0002"
    assert elsewhere.reference == f"GNT-{year}-0001"


def test_it_records_the_actor_in_the_history_of_a_new_client_and_case(holder):
    case = make_case(holder, first_name="Amal")
    assert case.client.history.get().history_user == holder
    assert case.history.get().history_user == holder


def test_it_moves_a_case_forward_and_back_one_step(case, holder):
    case = services.case_change_status(
        actor=holder, case=case, expected_version=case.version, status=CaseStatus.ORIENTATION
    )
    case = services.case_change_status(
        actor=holder, case=case, expected_version=case.version, status=CaseStatus.INTAKE
    )
    assert case.status == CaseStatus.INTAKE
    assert [h.status for h in case.history.order_by("history_date")] == [
        "intake",
        "orientation",
        "intake",
    ]


def test_it_refuses_to_skip_a_state_and_changes_nothing(case, holder):
    with pytest.raises(RuleBroken):
        services.case_change_status(
            actor=holder, case=case, expected_version=case.version, status=CaseStatus.FOLLOW_UP
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert case.history.count() == 1


def test_it_refuses_to_close_without_an_outcome(case, holder):
    with pytest.raises(RuleBroken) as error:
        services.case_change_status(
            actor=holder, case=case, expected_version=case.version, status=CaseStatus.CLOSED
        )
    assert error.value.field == "outcome"
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_it_closes_with_an_outcome_and_nothing_moves_after(case, holder):
    case = services.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.LOST_CONTACT,
    )
    assert case.closed_at is not None
    assert services.allowed_transitions(case.status) == []
    with pytest.raises(RuleBroken):
        services.case_change_status(
            actor=holder, case=case, expected_version=case.version, status=CaseStatus.FOLLOW_UP
        )


def test_it_refuses_a_change_based_on_an_old_version(case, holder, editor):
    stale_version = case.version
    services.case_change_status(
        actor=editor, case=case, expected_version=stale_version, status=CaseStatus.ORIENTATION
    )
    with pytest.raises(StaleEdit):
        services.case_change_status(
            actor=holder, case=case, expected_version=stale_version, status=CaseStatus.ORIENTATION
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ORIENTATION
    assert case.history.latest().history_user == editor


def test_it_refuses_a_client_edit_based_on_an_old_version(case, holder, editor):
    client = case.client
    services.client_update(
        actor=editor, client=client, expected_version=client.version, data={"phone": "0470"}
    )
    with pytest.raises(StaleEdit):
        services.client_update(
            actor=holder, client=client, expected_version=client.version, data={"phone": "0499"}
        )
    client.refresh_from_db()
    assert client.phone == "0470"


def test_a_share_opens_the_case_to_the_colleague_and_a_withdrawal_closes_it(holder, outsider):
    case = make_case(holder)
    assert not visible_cases(outsider).filter(pk=case.pk).exists()
    services.case_share(actor=holder, case=case, colleague=outsider, level="view")
    assert visible_cases(outsider).filter(pk=case.pk).exists()
    services.case_share_withdraw(actor=holder, case=case, colleague=outsider)
    assert not visible_cases(outsider).filter(pk=case.pk).exists()
    history = CaseUserObjectPermission.history.filter(content_object_id=case.pk)
    assert sorted(h.history_type for h in history) == ["+", "-"]
    assert {h.history_user for h in history} == {holder}


def test_a_read_share_does_not_allow_changes(case, reader):
    from django.core.exceptions import PermissionDenied

    assert get_case_for(reader, case.pk).pk == case.pk
    with pytest.raises(PermissionDenied):
        get_case_for(reader, case.pk, Action.CHANGE)


def test_changing_a_share_level_replaces_the_grant(case, holder, reader):
    services.case_share(actor=holder, case=case, colleague=reader, level="change")
    assert get_case_for(reader, case.pk, Action.CHANGE)
    services.case_share(actor=holder, case=case, colleague=reader, level="view")
    codenames = set(
        CaseUserObjectPermission.objects.filter(content_object=case, user=reader).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"view_case"}


@pytest.mark.parametrize("who", ["holder", "foreigner", "coordinator"])
def test_it_refuses_a_share_with_oneself_or_a_non_colleague(request, case, holder, who):
    colleague = request.getfixturevalue(who)
    before = CaseUserObjectPermission.objects.count()
    with pytest.raises(RuleBroken):
        services.case_share(actor=holder, case=case, colleague=colleague, level="view")
    assert CaseUserObjectPermission.objects.count() == before


def test_only_the_holder_may_share(case, editor, outsider):
    with pytest.raises(RuleBroken):
        services.case_share(actor=editor, case=case, colleague=outsider, level="view")


def test_a_transfer_hands_the_case_over_and_drops_the_new_holders_share(case, holder, editor):
    case = services.case_transfer(actor=holder, case=case, to_user=editor)
    assert case.assigned_to == editor
    assert not CaseUserObjectPermission.objects.filter(content_object=case, user=editor).exists()
    assert not visible_cases(holder).filter(pk=case.pk).exists()
    assert case.history.latest().history_user == holder


def test_a_transfer_may_keep_read_access_for_the_giver(case, holder, outsider):
    services.case_transfer(actor=holder, case=case, to_user=outsider, keep_access=True)
    assert get_case_for(holder, case.pk).assigned_to == outsider
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: read access only
        get_case_for(holder, case.pk, Action.CHANGE)


def test_it_refuses_a_transfer_to_another_centre_and_changes_nothing(case, holder, foreigner):
    with pytest.raises(RuleBroken):
        services.case_transfer(actor=holder, case=case, to_user=foreigner)
    case.refresh_from_db()
    assert case.assigned_to == holder


def test_it_opens_a_second_case_only_when_the_first_is_closed(case, holder):
    with pytest.raises(RuleBroken):
        services.case_open(actor=holder, client=case.client)
    services.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.OTHER,
    )
    second = services.case_open(actor=holder, client=case.client)
    assert second.number == 2
    assert Case.objects.filter(client=case.client).count() == 2


def test_deleting_a_case_deletes_its_grants(case):
    """Direct foreign-key grants cascade: no share outlives its case."""
    case_id = case.pk
    assert CaseUserObjectPermission.objects.filter(content_object_id=case_id).exists()
    Case.objects.filter(pk=case_id).delete()
    assert not CaseUserObjectPermission.objects.filter(content_object_id=case_id).exists()


def test_global_permissions_and_superuser_flags_open_no_case(case, centre):
    from django.contrib.auth.models import Permission

    boss = counsellor(centre, username="boss", is_superuser=True)
    boss.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "change_case"]))
    assert not visible_cases(boss).filter(pk=case.pk).exists()


def _close(case, actor):
    return services.case_change_status(
        actor=actor,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.OTHER,
    )


def test_a_read_only_colleague_cannot_open_a_new_case_and_take_the_client(case, holder, reader):
    _close(case, holder)
    with pytest.raises(RuleBroken):
        services.case_open(actor=reader, client=case.client)
    assert Case.objects.filter(client=case.client).count() == 1


def test_editing_a_client_needs_edit_rights_on_the_latest_case(case, holder, outsider):
    from django.core.exceptions import PermissionDenied

    from clients.access import get_client_for

    _close(case, holder)
    second = services.case_open(actor=holder, client=case.client)
    services.case_transfer(actor=holder, case=second, to_user=outsider, keep_access=True)
    # The giver still holds the closed first case, but only reads the current one.
    with pytest.raises(PermissionDenied):
        get_client_for(holder, case.client_id, Action.CHANGE)
    assert get_client_for(outsider, case.client_id, Action.CHANGE)


def test_a_closed_case_cannot_be_shared_or_transferred(case, holder, outsider, reader):
    _close(case, holder)
    with pytest.raises(RuleBroken):
        services.case_share(actor=holder, case=case, colleague=outsider, level="change")
    with pytest.raises(RuleBroken):
        services.case_transfer(actor=holder, case=case, to_user=outsider)
    services.case_share_withdraw(actor=holder, case=case, colleague=reader)  # narrowing is fine
