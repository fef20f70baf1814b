"""``manage.py benchmark``: every hot path against its floor, in one run (docs/performance.md).

Everything runs inside one transaction that is rolled back at the end, and every timed run
inside a savepoint rolled back after it: the access log rows the pages write, the release the
nightly job makes, the reminders the sweep claims, all vanish, so the next run finds the same
database. (A request in production commits its access log row; that commit is not timed here.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client as WebClient
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from casework.signin import two_factor
from clients.access import get_case_for
from reminders import delivery
from reminders.models import Reminder, Status
from reports.forms import years
from reports.queries import window
from reports.releases import release_for
from reports.scope import coordinator_scope

from ..generate.cast import permission_ids
from . import floors
from .floors import CASELOAD, CLIENT_FILE, DESK, GRANT, JOURNEY_GOALS, JOURNEY_SESSIONS, sql
from .measure import measure, rolled_back
from .subjects import Subjects, find_subjects, unit_of

SIZED_TABLES = [
    "casework_user", "clients_client", "clients_case", "clients_caseuserobjectpermission",
    "counselling_session", "counselling_goal", "counselling_goalprogress", "referrals_referral",
    "referrals_referralgroupobjectpermission", "reminders_reminder",
    "clients_historicalclient", "clients_historicalcase", "counselling_historicalsession",
]  # fmt: skip


class BenchmarkFailed(Exception):
    pass


def signed_in(user) -> WebClient:
    """A browser signed in as ``user``, past the second factor (as after a TOTP code)."""
    browser = WebClient()
    browser.force_login(user)
    session = browser.session
    session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    session.save()
    return browser


def page(browser: WebClient, url: str) -> Callable[[], bytes]:
    def run() -> bytes:
        response = browser.get(url, secure=True)
        if response.status_code != 200:
            raise BenchmarkFailed(f"{url} answered {response.status_code}, not 200")
        return response.content

    return run


def sizes() -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for name in SIZED_TABLES:
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - our own table names
            found[name] = cursor.fetchone()[0]
    return found


def run(*, repeat: int, sweep_size: int, log: Callable[[str], None]) -> dict:
    if connection.vendor != "postgresql":
        raise BenchmarkFailed("benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # DEBUG off as in production: no query log kept for every statement.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts), transaction.atomic():
        subjects = find_subjects()
        results = _paths(subjects, repeat, sweep_size, log)
        transaction.set_rollback(True)
    return {
        "subjects": {
            "caseload": subjects.caseload,
            "client_cases": subjects.client.cases.count(),
            "journey_sessions": subjects.journey_sessions,
        },
        "paths": results,
    }


def _entry(name: str, what: str, view, floor, repeat: int, log, **extra) -> dict:
    log(f"measuring {name} …")
    timed_view, timed_floor = measure(view, repeat), measure(floor, repeat)
    ratio = timed_view.median_ms / timed_floor.median_ms if timed_floor.median_ms else None
    return {
        "what": what,
        "view": timed_view.as_dict(),
        "floor": timed_floor.as_dict(),
        "ratio": round(ratio, 1) if ratio is not None else None,
        **extra,
    }


def _paths(s: Subjects, repeat: int, sweep_size: int, log) -> dict:
    perms = permission_ids()
    me = {"me": s.counsellor.pk, "centre": s.counsellor.centre_id}
    me |= {"view": perms["view_case"], "change": perms["change_case"]}
    counsellor = signed_in(s.counsellor)
    results = {}
    # The fixed cost of any signed-in page (session, user, roles, middleware, context
    # processors, base template): a page that reads no client data, against the two rows
    # every request must read. The pages below pay it too.
    results["stack"] = _entry(
        "stack",
        "/accounts/two-factor/settings/ of the same counsellor: a page with no client data",
        page(counsellor, reverse("two_factor_manage")),
        sql([floors.STACK], {"me": s.counsellor.pk, "key": counsellor.session.session_key}),
        repeat,
        log,
    )
    results["caseload"] = _entry(
        "caseload",
        f"/caseload/ of the largest caseload ({s.caseload:,} cases), first page",
        page(counsellor, reverse("caseload")),
        sql([CASELOAD], {**me, "page": floors.page_size()}),
        repeat,
        log,
    )
    results["client_file"] = _entry(
        "client_file",
        "the client file of their client with the most cases",
        page(counsellor, reverse("client_file", args=[s.client.pk])),
        sql([CLIENT_FILE], {**me, "client": s.client.pk}),
        repeat,
        log,
    )
    colleague = s.colleague

    def permission_check():
        colleague.__dict__.pop("_role_set", None)  # a request reads the roles afresh
        return get_case_for(colleague, s.shared_case.pk)

    results["permission_check"] = _entry(
        "permission_check",
        "get_case_for(colleague, shared case): a share read through the grant",
        permission_check,
        sql([GRANT], {"me": colleague.pk, "case": s.shared_case.pk, "view": me["view"]}),
        repeat,
        log,
    )
    results["journey"] = _entry(
        "journey",
        f"/cases/<id>/journey/ of their case with the most sessions ({s.journey_sessions})",
        page(counsellor, reverse("journey", args=[s.journey_case.pk])),
        sql([JOURNEY_SESSIONS, JOURNEY_GOALS], {"case": s.journey_case.pk}),
        repeat,
        log,
    )
    results.update(_dashboard(s, repeat, log))
    groups = list(s.coach.groups.values_list("pk", flat=True))
    referral_view = perms["view_referral"]
    results["desk"] = _entry(
        "desk",
        "/desk/ of the ICAM coach whose desk holds the most referrals, first page",
        page(signed_in(s.coach), reverse("desk_home")),
        sql([DESK], {"groups": groups, "view": referral_view, "page": floors.page_size()}),
        repeat,
        log,
    )
    results["sweep"] = _sweep(s, repeat, sweep_size, log)
    _beyond_stack(results)
    return results


PAGES = ("caseload", "client_file", "journey", "dashboard_warm", "desk")


def _beyond_stack(results: dict) -> None:
    """For each page: its time beyond the stack's fixed cost, and that against its floor."""
    stack = results["stack"]["view"]["median_ms"]
    for name in PAGES:
        found = results[name]
        own = max(found["view"]["median_ms"] - stack, 0.0)
        floor = found["floor"]["median_ms"]
        found["beyond_stack_ms"] = round(own, 3)
        found["beyond_stack_ratio"] = round(own / floor, 1) if floor else None


def _dashboard(s: Subjects, repeat: int, log) -> dict:
    today = timezone.localdate()
    year = years(today)[0]
    start, end = window(year, today)
    floor = sql(
        [floors.DASHBOARD],
        {
            "zone": floors.zone(),
            "centres": unit_of(s.coordinator, year),
            "start": start,
            "end": end,
        },
    )
    browser = page(signed_in(s.coordinator), reverse("reports_dashboard"))
    scope = coordinator_scope(s.coordinator, year)
    k = settings.CASEWORK_REPORT_THRESHOLD

    def make_release() -> None:
        release_for(scope, year, today, k)

    # The nightly job's work for this network (reading the dashboard never makes a release).
    cold = _entry(
        "dashboard_cold",
        f"the month's release of the network coordinator's {year}, made (the nightly job)",
        make_release,
        floor,
        repeat,
        log,
    )
    make_release()  # kept until the benchmark's transaction is rolled back
    warm = _entry(
        "dashboard_warm",
        f"/reports/ of the network coordinator, {year}: the month's release served",
        browser,
        floor,
        repeat,
        log,
    )
    return {"dashboard_cold": cold, "dashboard_warm": warm}


def _due(now) -> int:
    return Reminder.objects.filter(status=Status.PENDING, due_at__lte=now).count()


def _sweep(s: Subjects, repeat: int, size: int, log) -> dict:
    """The claim step of the sweep on ``size`` due rows (topped up with rows of the
    benchmark's own when the data hold fewer), checked to claim each row exactly once."""
    now = timezone.now()
    topped_up = max(0, size - _due(now))
    if topped_up:
        case = s.journey_case
        Reminder.objects.bulk_create(
            Reminder(
                kind="follow_up",
                object_id=10**15 + i,  # no real object: these rows live only in this run
                case=case,
                reference="benchmark",
                recipient_id=case.assigned_to_id,
                due_on=timezone.localdate(now),
                due_at=now - timedelta(minutes=1),
            )
            for i in range(topped_up)
        )
    checked = _exactly_once(now, size)
    entry = _entry(
        "sweep",
        f"reminders.delivery.claim_due of {size:,} due rows (history rows included)",
        lambda: delivery.claim_due(now, limit=size),
        sql(
            [floors.SWEEP],
            {"now": now, "until": floors.until(now, delivery.LEASE), "limit": size},
        ),
        repeat,
        log,
        topped_up=topped_up,
        **checked,
    )
    return entry


def _exactly_once(now, size: int) -> dict:
    """One sweep claims ``size`` distinct rows; a second sweep in the same transaction and a
    concurrent one on another connection claim none of them."""
    with rolled_back():
        first = delivery.claim_due(now, limit=size)
        marked = Reminder.objects.filter(pk__in=first, status=Status.SENDING, attempts=1).count()
        again = delivery.claim_due(now, limit=size)
        concurrent: list[int] = []

        def other_worker() -> None:
            try:
                with transaction.atomic():
                    concurrent.extend(delivery.claim_due(now, limit=size))
                    transaction.set_rollback(True)
            finally:
                connections.close_all()

        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join()
    ok = (
        len(first) == size
        and len(set(first)) == size
        and marked == size
        and not set(first) & set(again)
        and not set(first) & set(concurrent)
    )
    if not ok:
        raise BenchmarkFailed(
            f"sweep: claimed {len(first)} ({len(set(first))} distinct, {marked} marked) of "
            f"{size}; again {len(set(first) & set(again))}, concurrently "
            f"{len(set(first) & set(concurrent))}"
        )
    return {"claimed": len(first), "claimed_once": True}
