"""The coordinators' dashboard and its CSV exports."""

from __future__ import annotations

import csv
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .charts import grouped_bars, share_bars
from .forms import ReportFilter
from .report import HIDDEN, Report
from .scope import coordinator_scope


def _report(request: HttpRequest, *, quiet: bool = False) -> tuple[Report, ReportFilter]:
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
    report = Report(
        scope,
        scope.centre(code),
        period,
        by,
        today,
        settings.CASEWORK_REPORT_THRESHOLD,
    )
    shown = ReportFilter(
        scope=scope,
        today=today,
        initial={"centre": code, "year": period.year, "part": period.part, "by": by},
    )
    return report, shown


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    report, form = _report(request)
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


def _cell(text) -> str:
    """A label as a spreadsheet will not run it as a formula (a centre's name is typed)."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _legend(k: int) -> str:
    return _(
        "%(hidden)s: not published, because it counts fewer than %(k)s people or because it "
        "would let such a count be worked out."
    ) % {"hidden": HIDDEN, "k": k}
