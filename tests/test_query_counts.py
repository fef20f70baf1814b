"""Pages run a constant number of queries, whatever the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients import services
from clients.models import Case, CaseOutcome, CaseStatus

from .factories import make_case


def _queries(browser, url) -> int:
    browser.get(url)  # warm the per-process caches (content types), as a running server has
    with CaptureQueriesContext(connection) as context:
        assert browser.get(url).status_code == 200
    return len(context.captured_queries)


def _add_cases(holder, colleague, count):
    for index in range(count):
        case = make_case(holder)
        if index % 2:
            services.case_share(actor=holder, case=case, colleague=colleague, level="change")


def test_the_caseload_costs_the_same_with_5_cases_as_with_200(web, settings, holder, reader):
    settings.CASEWORK_PAGE_SIZE = 500  # every row on one page: the worst case for N+1
    _add_cases(reader, holder, 5)
    browser = web(holder)
    small = _queries(browser, reverse("caseload"))
    _add_cases(reader, holder, 195)
    large = _queries(browser, reverse("caseload"))
    assert Case.objects.count() == 200
    assert small == large


def _closed_cases_for(client, holder, count):
    for _ in range(count):
        case = client.cases.order_by("-number").first()
        services.case_change_status(
            actor=holder,
            case=case,
            expected_version=case.version,
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.OTHER,
        )
        services.case_open(actor=holder, client=client)


def test_the_client_file_costs_the_same_with_5_cases_as_with_200(web, holder):
    client = make_case(holder).client
    _closed_cases_for(client, holder, 4)
    browser = web(holder)
    url = reverse("client_file", kwargs={"pk": client.pk})
    small = _queries(browser, url)
    _closed_cases_for(client, holder, 195)
    large = _queries(browser, url)
    assert client.cases.count() == 200
    assert small == large
