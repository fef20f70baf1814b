"""The centre admin's screens: users and roles of their centre, and the access log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casework.models import AccessLog, Role, User, UserRole
from tests.factories import PASSWORD, counsellor


def test_a_centre_admin_creates_a_user_with_several_roles(web, centre_admin):
    response = web(centre_admin).post(
        reverse("centre_user_create"),
        {
            "username": "newbie",
            "first_name": "New",
            "password": "a-fresh-and-long-passphrase",
            "roles": [Role.COUNSELLOR, Role.COORDINATOR],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.centre_id == centre_admin.centre_id
    assert user.role_set == {Role.COUNSELLOR, Role.COORDINATOR}
    assert user.history.get().history_user == centre_admin
    assert {r.history_user for r in UserRole.history.filter(user_id=user.pk)} == {centre_admin}


def test_a_weak_password_or_taken_username_is_refused(web, centre_admin, holder):
    response = web(centre_admin).post(
        reverse("centre_user_create"),
        {"username": "holder", "password": "123", "roles": [Role.COUNSELLOR]},
    )
    assert response.status_code == 200
    assert {"username", "password"} <= set(response.context["form"].errors)
    assert User.objects.filter(username="holder").count() == 1


def test_a_centre_admin_changes_roles_and_the_change_is_in_history(web, centre_admin, holder):
    response = web(centre_admin).post(
        reverse("centre_user_edit", kwargs={"pk": holder.pk}),
        {"first_name": "Hold", "is_active": "on", "roles": [Role.COORDINATOR]},
    )
    assert response.status_code == 302
    holder = User.objects.get(pk=holder.pk)
    assert holder.role_set == {Role.COORDINATOR}
    removed = UserRole.history.get(user_id=holder.pk, role=Role.COUNSELLOR, history_type="-")
    assert removed.history_user == centre_admin


def test_a_centre_admin_cannot_remove_their_own_admin_role(web, centre_admin):
    response = web(centre_admin).post(
        reverse("centre_user_edit", kwargs={"pk": centre_admin.pk}),
        {"is_active": "on", "roles": [Role.COUNSELLOR]},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=centre_admin.pk).is_centre_admin


def test_a_deactivated_user_cannot_sign_in(web, centre_admin, holder):
    web(centre_admin).post(
        reverse("centre_user_edit", kwargs={"pk": holder.pk}),
        {"roles": [Role.COUNSELLOR]},
    )
    browser = web()
    response = browser.post(reverse("login"), {"username": "holder", "password": PASSWORD})
    assert response.status_code == 200


def test_users_of_another_centre_are_404(web, centre_admin, foreigner):
    url = reverse("centre_user_edit", kwargs={"pk": foreigner.pk})
    assert web(centre_admin).get(url).status_code == 404
    page = web(centre_admin).get(reverse("centre_users")).content.decode()
    assert foreigner.username not in page


def test_the_access_log_shows_the_centres_reads_only(web, case, reader, foreigner, centre_admin):
    from tests.factories import make_case

    web(reader).get(reverse("case_detail", kwargs={"pk": case.pk}))
    other = make_case(foreigner)
    web(foreigner).get(reverse("case_detail", kwargs={"pk": other.pk}))
    response = web(centre_admin).get(reverse("access_log"))
    entries = list(response.context["page"].object_list)
    assert [(e.user_id, e.reference) for e in entries] == [(reader.pk, case.reference)]


def test_the_access_log_filters_and_rejects_bad_dates_without_error(
    web, case, reader, centre_admin
):
    web(reader).get(reverse("case_detail", kwargs={"pk": case.pk}))
    browser = web(centre_admin)
    assert len(browser.get(reverse("access_log"), {"user": reader.pk}).context["page"]) == 1
    response = browser.get(reverse("access_log"), {"since": "yesterday", "user": "abc"})
    assert response.status_code == 200
    assert "since" in response.context["form"].errors


def test_the_access_log_cannot_be_changed_or_deleted(case, reader):
    entry = AccessLog.objects.create(
        user=reader, centre_id=case.centre_id, kind="case", object_id=case.pk, reference="R"
    )
    for attempt in (
        lambda: entry.save(),
        lambda: entry.delete(),
        lambda: AccessLog.objects.all().delete(),
        lambda: AccessLog.objects.update(reference="X"),
    ):
        try:
            attempt()
        except PermissionDenied:
            continue
        raise AssertionError("the access log accepted a change")
    assert AccessLog.objects.get().reference == "R"


def test_a_centre_admin_who_is_not_a_counsellor_cannot_open_cases(web, case, centre_admin):
    assert web(centre_admin).get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404


def test_an_admin_who_is_also_a_counsellor_sees_only_their_cases(web, case, centre):
    both = counsellor(centre, username="both")
    UserRole.objects.create(user=both, role=Role.CENTRE_ADMIN)
    assert web(both).get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 404


def test_a_centre_admin_sets_a_new_password_that_must_be_strong(
    web, centre_admin, holder, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=holder.pk).update(email="holder@example.org")
    url = reverse("centre_user_edit", kwargs={"pk": holder.pk})
    form = {"is_active": "on", "roles": [Role.COUNSELLOR], "email": "holder@example.org"}
    response = web(centre_admin).post(url, {**form, "new_password": "123"})
    assert "new_password" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        web(centre_admin).post(url, {**form, "new_password": "a-new-and-long-passphrase"})
    assert User.objects.get(pk=holder.pk).check_password("a-new-and-long-passphrase")
    # The user hears of it, whoever the admin acted for.
    assert [m.to for m in mailoutbox] == [["holder@example.org"]]
    assert "password was changed" in mailoutbox[0].subject


def test_a_user_changes_their_own_password(web, holder):
    response = web(holder).post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=holder.pk).check_password("another-long-passphrase")
