"""Every URL of the project × every persona: the status each must get.

Adding a URL without an entry here fails ``test_every_url_has_an_entry``: a new screen cannot
ship without deciding who may open it. 404 means "not yours (or does not exist)", 403 means
"yours to see, not to change", "login" means the sign-in redirect.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from privacy.models import Erasure, RetentionRun
from reminders.models import Reminder, Status
from reports.tasks import make_releases

from .conftest import Browser
from .referrals.conftest import desk, refer, referral  # noqa: F401 (fixtures)

PERSONAS = [
    "anonymous",
    "holder",
    "editor",
    "reader",
    "outsider",
    "foreigner",
    "coordinator",
    "icam_coach",
    "centre_admin",
    "superuser",
]
COUNSELLORS = ["holder", "editor", "reader", "outsider", "foreigner"]
NON_COUNSELLORS = ["coordinator", "icam_coach", "centre_admin", "superuser"]
LOGIN = "login"


def expect(default, **overrides):
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = LOGIN
    table.update(overrides)
    return table


def on_case(holder, editor, reader, others=404):
    """Expectations for a URL about the shared case: everyone else answers ``others``."""
    return expect(others, holder=holder, editor=editor, reader=reader)


CASE = lambda f: {"pk": f["case"].pk}  # noqa: E731
CLIENT = lambda f: {"pk": f["case"].client_id}  # noqa: E731
NONE = lambda f: {}  # noqa: E731
SESSION = lambda f: {"pk": f["case"].pk, "session_pk": f["session"].pk}  # noqa: E731
GOAL = lambda f: {"pk": f["case"].pk, "goal_pk": f["goal"].pk}  # noqa: E731
REFERRAL = lambda f: {"pk": f["case"].pk, "referral_pk": f["referral"].pk}  # noqa: E731
DRAFT = lambda f: {"pk": f["case"].pk, "referral_pk": f["draft"].pk}  # noqa: E731
DESK = lambda f: {"pk": f["desk"].pk}  # noqa: E731
DESK_REFERRAL = lambda f: {"pk": f["referral"].pk}  # noqa: E731
ERASURE = lambda f: {  # noqa: E731
    "pk": Erasure.objects.create(
        centre=f["holder"].centre,
        client_id=f["case"].client_id,
        reference=f["case"].client.reference,
        reason="request",
        requested_by=f["holder"],
    ).pk
}
# The partner directory: read by the counsellors and centre admins of the network's centres
# (the foreigner's centre is in another network: it has its own directory, not this one).
READERS = {**dict.fromkeys(COUNSELLORS, 200), "centre_admin": 200, "superuser": 200}
MAINTAINERS = {**dict.fromkeys(COUNSELLORS, 403), "centre_admin": 200, "superuser": 200}

# name: (method, url kwargs, POST data, expected status per persona)
MATRIX = {
    # Everyone is sent to their own screen; the coordinator to the outcomes.
    "home": ("get", NONE, None, expect(302)),
    "login": ("get", NONE, None, expect(302, anonymous=200)),
    "logout": ("post", NONE, {}, expect(302, anonymous=302)),
    "password_change": ("get", NONE, None, expect(200)),
    "password_change_done": ("get", NONE, None, expect(200)),
    # Two-factor sign-in: the personas signed in without an app (the demo's optional case);
    # new codes and turning off need a session verified by a code, the QR a started set-up.
    "two_factor_verify": ("get", NONE, None, expect(302)),
    "two_factor_setup": ("get", NONE, None, expect(200)),
    "two_factor_qr": ("get", NONE, None, expect(404)),
    "two_factor_manage": ("get", NONE, None, expect(200)),
    "two_factor_new_codes": ("post", NONE, {}, expect(404)),
    "two_factor_turn_off": ("post", NONE, {}, expect(404)),
    # How long before an idle sign-in ends (idle.js): a JSON answer, never a redirect.
    "idle_status": ("get", NONE, None, expect(200, anonymous=401)),
    "language_switch": ("post", NONE, {"language": "nl"}, expect(302, anonymous=302)),
    "healthz": ("get", NONE, None, expect(503, anonymous=503)),
    "centre_users": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "centre_user_create": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "centre_user_edit": (
        "get",
        lambda f: {"pk": f["holder"].pk},
        None,
        expect(404, centre_admin=200, superuser=200),
    ),
    "centre_user_unlock": (
        "post",
        lambda f: {"pk": f["holder"].pk},
        {},
        expect(404, centre_admin=302, superuser=302),
    ),
    "centre_user_reset_two_factor": (
        "post",
        lambda f: {"pk": f["holder"].pk},
        {},
        expect(404, centre_admin=302, superuser=302),
    ),
    # Retention: the centre admin's (no policy set yet: dry and real runs find none, 404).
    "retention_policy": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "retention_dry_run": ("post", NONE, {}, expect(404)),
    "retention_run_now": ("post", NONE, {}, expect(404)),
    "retention_run": (
        "get",
        lambda f: {"pk": RetentionRun.objects.create(centre=f["holder"].centre, dry_run=True).pk},
        None,
        expect(404, centre_admin=200, superuser=200),
    ),
    "erasures": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "erasure_confirm": ("post", ERASURE, {}, expect(404, centre_admin=302, superuser=302)),
    "erasure_cancel": ("post", ERASURE, {}, expect(404, centre_admin=302, superuser=302)),
    "access_log": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "caseload": ("get", NONE, None, expect(404, **dict.fromkeys(COUNSELLORS, 200))),
    "client_create": ("get", NONE, None, expect(404, **dict.fromkeys(COUNSELLORS, 200))),
    "client_file": ("get", CLIENT, None, on_case(200, 200, 200)),
    "client_edit": ("get", CLIENT, None, on_case(200, 200, 403)),
    "client_history": ("get", CLIENT, None, on_case(200, 200, 200)),
    # The subject access export: whoever may read the client file makes it for the client.
    "client_export": ("get", CLIENT, None, on_case(200, 200, 200)),
    "client_export_json": ("get", CLIENT, None, on_case(200, 200, 200)),
    # Erasure: asked by whoever may edit the file, decided by a centre admin of the centre.
    "client_erasure": ("get", CLIENT, None, on_case(200, 200, 403)),
    "client_timeline": ("get", CLIENT, None, on_case(200, 200, 200)),
    # The client still has an open case: refused with a message (302 back) for those who may
    # edit the client; a read-only colleague may not open cases at all (see test_services).
    "case_open": ("post", CLIENT, {}, on_case(302, 302, 403)),
    "case_detail": ("get", CASE, None, on_case(200, 200, 200)),
    # Empty form: re-rendered with errors (200) for those allowed to change the case.
    "case_status": ("post", CASE, {}, on_case(200, 200, 403)),
    "case_share": ("post", CASE, {}, on_case(200, 403, 403)),
    "case_share_withdraw": (
        "post",
        lambda f: {"pk": f["case"].pk, "user_pk": f["reader"].pk},
        {},
        on_case(302, 403, 403),
    ),
    "case_transfer": ("get", CASE, None, on_case(200, 403, 403)),
    "case_history": ("get", CASE, None, on_case(200, 200, 200)),
    "session_create": ("get", CASE, None, on_case(200, 200, 403)),
    "session_detail": ("get", SESSION, None, on_case(200, 200, 200)),
    "session_edit": ("get", SESSION, None, on_case(200, 200, 403)),
    "goal_create": ("get", CASE, None, on_case(200, 200, 403)),
    "goal_detail": ("get", GOAL, None, on_case(200, 200, 200)),
    "goal_edit": ("get", GOAL, None, on_case(200, 200, 403)),
    "goal_status": ("post", GOAL, {}, on_case(200, 200, 403)),
    "goal_progress": ("post", GOAL, {}, on_case(200, 200, 403)),
    "journey": ("get", CASE, None, on_case(200, 200, 200)),
    "follow_ups": ("get", NONE, None, expect(404, **dict.fromkeys(COUNSELLORS, 200))),
    "session_history": ("get", SESSION, None, on_case(200, 200, 200)),
    "session_draft": ("post", CASE, {"future": "x"}, on_case(200, 200, 403)),
    "session_draft_discard": ("post", CASE, {}, on_case(302, 302, 403)),
    "session_edit_draft": ("post", SESSION, {"future": "x"}, on_case(200, 200, 403)),
    "session_edit_draft_discard": ("post", SESSION, {}, on_case(302, 302, 403)),
    "goal_history": ("get", GOAL, None, on_case(200, 200, 200)),
    "partner_list": ("get", NONE, None, expect(404, **READERS)),
    "partner_detail": ("get", DESK, None, expect(404, **{**READERS, "foreigner": 404})),
    "partner_create": ("get", NONE, None, expect(404, **MAINTAINERS)),
    "partner_edit": ("get", DESK, None, expect(404, **{**MAINTAINERS, "foreigner": 404})),
    "partner_history": ("get", DESK, None, expect(404, **{**MAINTAINERS, "foreigner": 404})),
    "partner_import": ("get", NONE, None, expect(404, **MAINTAINERS)),
    # A maintainer's empty form: told to choose a coach, back to the desk (302).
    "desk_coach_add": (
        "post",
        DESK,
        {},
        expect(404, **{**MAINTAINERS, "centre_admin": 302, "superuser": 302, "foreigner": 404}),
    ),
    "desk_coach_remove": (
        "post",
        lambda f: {"pk": f["desk"].pk, "user_pk": f["icam_coach"].pk},
        {},
        expect(404, **{**MAINTAINERS, "centre_admin": 302, "superuser": 302, "foreigner": 404}),
    ),
    "referral_create": ("get", CASE, None, on_case(200, 200, 403)),
    "referral_detail": ("get", REFERRAL, None, on_case(200, 200, 200)),
    "referral_edit": ("get", DRAFT, None, on_case(200, 200, 403)),
    "referral_status": ("post", REFERRAL, {}, on_case(200, 200, 403)),
    "referral_feedback": ("post", REFERRAL, {}, on_case(200, 200, 403)),
    "referral_withdraw_consent": ("post", REFERRAL, {}, on_case(200, 200, 403)),
    "referral_sheet": ("get", REFERRAL, None, on_case(200, 200, 200)),
    "referral_history": ("get", REFERRAL, None, on_case(200, 200, 200)),
    # The receiver's side: the desk's coach only; the case's own counsellors get 404 too.
    "desk_home": ("get", NONE, None, expect(404, icam_coach=200)),
    "desk_referral": ("get", DESK_REFERRAL, None, expect(404, icam_coach=200)),
    "desk_referral_status": ("post", DESK_REFERRAL, {}, expect(404, icam_coach=200)),
    "desk_referral_feedback": ("post", DESK_REFERRAL, {}, expect(404, icam_coach=200)),
    "notifications": ("get", NONE, None, expect(200)),
    "notifications_read_all": ("post", NONE, {}, expect(302)),
    "notification_open": (
        "get",
        lambda f: {"pk": f["notification"].pk},
        None,
        expect(404, holder=302),
    ),
    "notification_read": (
        "post",
        lambda f: {"pk": f["notification"].pk},
        {},
        expect(404, holder=302),
    ),
    "centre_reminders": ("get", NONE, None, expect(404, centre_admin=200, superuser=200)),
    "centre_reminder_resend": (
        "post",
        lambda f: {"pk": f["failed_reminder"].pk},
        {},
        expect(404, centre_admin=302, superuser=302),
    ),
    # Anonymised figures: coordinators only. Everyone else, the superuser too, gets 404.
    "reports_dashboard": ("get", NONE, None, expect(404, coordinator=200)),
    "reports_export": (
        "get",
        lambda f: {"table": "figures"},
        None,
        expect(404, coordinator=200),
    ),
    # Asking for a missing release: a coordinator is sent back to the dashboard.
    "reports_prepare": ("post", NONE, {"year": "2020"}, expect(404, coordinator=302)),
    # Django's admin is for superusers only; everyone else is sent to its login.
    "admin:index": ("get", NONE, None, expect(302, anonymous=302, superuser=200)),
}


def _names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                # Django's own admin views: the index stands for them (superuser-only site).
                yield "admin:index"
                continue
            yield from _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_entry():
    names = set(_names(get_resolver().url_patterns))
    assert names - set(MATRIX) == set(), "URLs without a permission-matrix entry"
    assert set(MATRIX) - names == set(), "Matrix entries for URLs that no longer exist"


@pytest.fixture
def world(
    request,
    case,
    session,
    goal,
    outsider,
    foreigner,
    coordinator,
    icam_coach,
    centre_admin,
    superuser,
    referral,  # noqa: F811
    desk,  # noqa: F811
):
    notification, failed = (
        Reminder.objects.create(
            kind=kind,
            object_id=case.pk,
            case=case,
            reference=case.reference,
            recipient=case.assigned_to,
            due_on=timezone.localdate(),
            due_at=timezone.now(),
            status=status,
            delivered_at=timezone.now(),
        )
        for kind, status in (("follow_up", Status.SENT), ("goal_target", Status.FAILED))
    )
    make_releases()  # the nightly job: the dashboard reads the month's release
    return {
        "notification": notification,
        "failed_reminder": failed,
        "referral": referral,
        "draft": refer(case.assigned_to, case, desk, send=False),
        "desk": desk,
        "case": case,
        "session": session,
        "goal": goal,
        "holder": case.assigned_to,
        "editor": request.getfixturevalue("editor"),
        "reader": request.getfixturevalue("reader"),
        "outsider": outsider,
        "foreigner": foreigner,
        "coordinator": coordinator,
        "icam_coach": icam_coach,
        "centre_admin": centre_admin,
        "superuser": superuser,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_status(world, persona, name):
    method, kwargs, data, expected = MATRIX[name]
    browser = Browser()
    if persona != "anonymous":
        browser.force_login(world[persona])
    url = reverse(name, kwargs=kwargs(world))
    response = browser.post(url, data) if method == "post" else browser.get(url)
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{persona} on {name}"
