"""The coordinators' dashboard and its CSV exports."""

from __future__ import annotations

import csv
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.models import Role
from casework.roles import role_required

from .charts import grouped_bars, share_bars
from .forms import KNOWN, ReportFilter
from .releases import release_read
from .report import HIDDEN, Report
from .scope import coordinator_scope
from .tasks import prepare_release


def _report(request: HttpRequest, *, quiet: bool = False) -> tuple[Report | None, ReportFilter]:
    """The report asked for, read from the month's release (``None`` while that release has
    not been made: reading never makes one), and the filter form as shown."""
    today = timezone.localdate()
    scope = coordinator_scope(request.user, ReportFilter.year_asked(request.GET, today))
    form = ReportFilter(request.GET or None, scope=scope, today=today)
    valid = form.is_valid() if form.is_bound else True
    if not valid and not quiet:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if form.unknown and not quiet:
        messages.warning(request, _("Unknown filters were ignored."))
    code, period, by = form.selection()
    k = settings.CASEWORK_REPORT_THRESHOLD
    released = release_read(scope, period.year, today, k)
    shown = ReportFilter(
        scope=scope,
        today=today,
        initial={"centre": code, "year": period.year, "part": period.part, "by": by},
    )
    if released is None:
        return None, shown
    return Report(scope, scope.centre(code), period, by, today, k, released), shown


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    report, form = _report(request)
    if report is None:
        return _preparing(request, form)
    tables = report.tables()
    trend = tables["trend"]
    context = {
        "report": report,
        "form": form,
        "tables": tables,
        "query": request.GET.urlencode(),
        "key_figures": report.key_figures(),
        "median": report.median,
        "k": report.k,
        "hidden": HIDDEN,
        "trend_chart": grouped_bars(
            [
                (date_format(date(report.period.year, month, 1), "M"), row.figures[1:3])
                for month, row in zip(report.months, trend.rows, strict=False)
            ],
            [trend.columns[1], trend.columns[2]],
        ),
        "openings": [t for slug, t in tables.items() if slug.startswith("openings-")],
    }
    if "outcomes" in tables:
        outcomes = tables["outcomes"]
        total_column = len(outcomes.columns) - 1
        context["outcome_chart"] = share_bars(
            [(row.label, row.figures[total_column]) for row in outcomes.rows if not row.total],
            outcomes.rows[-1].figures[total_column],
        )
    return render(request, "reports/dashboard.html", context)


@login_required
def export(request: HttpRequest, table: str) -> HttpResponse:
    """One table as CSV, cut from the same protected publication as the screen."""
    report, _form = _report(request, quiet=True)
    if report is None:
        return redirect(f"{reverse('reports_dashboard')}?{request.GET.urlencode()}")
    tables = report.tables()
    if table not in tables:
        raise Http404("No such table for this period.")
    found = tables[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = report.centre.code if report.centre else "network"
    filename = f"casework-{table}-{scope}-{report.period.year}-{report.period.part}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the accents right
    writer = csv.writer(response)
    writer.writerow([_cell(f"{found.title} · {report.scope_label} · {report.period_label}")])
    writer.writerow([_cell(found.row_header), *map(_cell, found.columns)])
    for row in found.rows:
        writer.writerow([_cell(row.label), *(getattr(f, "plain", f) for f in row.figures)])
    writer.writerow([])
    writer.writerow([_legend(report.k)])
    return response


def _preparing(request: HttpRequest, form: ReportFilter) -> HttpResponse:
    """The month's figures are not released yet: say so, and offer to prepare them."""
    year = form.initial["year"]
    return render(
        request,
        "reports/preparing.html",
        {"form": form, "year": year, "query": request.GET.urlencode()},
    )


@role_required(Role.COORDINATOR)
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    """Ask for the month's release of a year (a task makes it: it can take a minute)."""
    today = timezone.localdate()
    year = ReportFilter.year_asked(request.POST, today)
    coordinator_scope(request.user, year)  # 404 for a coordinator of nothing
    prepare_release.delay(request.user.pk, year)
    messages.info(
        request,
        _("The figures are being prepared. They usually take a minute: show them again then."),
    )
    query = request.POST.get("query", "")
    target = reverse("reports_dashboard")
    # Only the dashboard's own filters go back into its address.
    params = QueryDict(query).copy() if query else QueryDict(mutable=True)
    kept = {name: params[name] for name in KNOWN if name in params}
    return redirect(f"{target}?{urlencode(kept)}" if kept else target)


def _cell(text) -> str:
    """A label as a spreadsheet will not run it as a formula (a centre's name is typed)."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _legend(k: int) -> str:
    return _(
        "%(hidden)s: not published, because it counts fewer than %(k)s people or because it "
        "would let such a count be worked out."
    ) % {"hidden": HIDDEN, "k": k}
