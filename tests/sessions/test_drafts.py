"""No typed text is lost: the session form keeps a server-side draft of its author's text."""

from __future__ import annotations

from django.urls import reverse

from sessions.models import Session, SessionDraft


def _draft(browser, case, **data):
    return browser.post(reverse("session_draft", kwargs={"pk": case.pk}), data)


def test_a_draft_is_kept_and_restored_after_signing_in_again(web, case, holder):
    long_text = "What the client said tonight, at length. " * 30
    response = _draft(web(holder), case, future=long_text, topics=["shelter", "asylum"])
    assert response.status_code == 200 and response.json()["saved"] is True
    # The login timed out; the counsellor signs in again in a fresh browser.
    page = web(holder).get(reverse("session_create", kwargs={"pk": case.pk}))
    form = page.context["form"]
    assert form["future"].value() == long_text
    assert form["topics"].value() == ["shelter", "asylum"]
    assert page.context["draft"] is not None


def test_saving_the_session_deletes_the_draft(web, case, holder):
    browser = web(holder)
    _draft(browser, case, future="typing")
    browser.post(
        reverse("session_create", kwargs={"pk": case.pk}),
        {"held_on": "2026-01-05", "duration_minutes": "30", "mode": "phone", "future": "typed"},
    )
    assert Session.objects.get().future == "typed"
    assert not SessionDraft.objects.exists()


def test_a_draft_is_its_authors_alone(web, case, holder, editor):
    _draft(web(holder), case, future="Holder's words")
    page = web(editor).get(reverse("session_create", kwargs={"pk": case.pk}))
    assert page.context["draft"] is None
    assert "Holder&#x27;s words" not in page.content.decode()


def test_an_expired_login_gets_no_json_so_the_page_warns(web, case):
    response = _draft(web(), case, future="x")
    assert response.status_code == 302
    assert not SessionDraft.objects.exists()


def test_an_oversized_draft_is_refused(web, case, holder):
    response = _draft(web(holder), case, future="x" * 100_001)
    assert response.status_code == 413
    assert not SessionDraft.objects.exists()


def test_discarding_a_draft(web, case, holder):
    browser = web(holder)
    _draft(browser, case, future="x")
    browser.post(reverse("session_draft_discard", kwargs={"pk": case.pk}))
    assert not SessionDraft.objects.exists()


def test_a_draft_typed_before_a_colleagues_save_is_compared_never_saved_silently(
    web, case, session, holder, editor
):
    from sessions import services

    url = reverse("session_edit_draft", kwargs={"pk": case.pk, "session_pk": session.pk})
    web(holder).post(url, {"future": "Holder's draft", "version": "1"})
    services.session_update(
        actor=editor, session=session, expected_version=1, data={"notes": "Editor's note"}
    )
    page = web(holder).get(
        reverse("session_edit", kwargs={"pk": case.pk, "session_pk": session.pk})
    )
    assert page.context["saved"].notes == "Editor's note"
    assert page.context["form"]["future"].value() == "Holder's draft"
    assert "changed after your draft" in page.content.decode()


def test_a_draft_keeps_only_the_forms_fields(web, case, holder):
    response = web(holder).post(
        reverse("session_draft", kwargs={"pk": case.pk}),
        {"future": "typed", "x" * 50: "junk", "unknown": "y"},
    )
    assert response.status_code == 200, response.content[:300]
    assert set(SessionDraft.objects.get().data) == {"future"}
