"""The statistics page and its CSV export, for coordinators only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bookings.roles import is_coordinator, role_required
from coordination.statistics import Report, StatisticsFilterForm, csv_lines, statistics_for
from coordination.statistics.charts import statistics_charts

coordinator_view = role_required(is_coordinator)


@coordinator_view
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    form = StatisticsFilterForm(request.GET)
    context: dict = {"form": form}
    if form.is_valid():
        report = Report(statistics_for(form.period()))
        context.update(
            period=form.period(),
            report=report,
            months=report.months,
            offices=report.offices,
            totals=report.totals(),
            topics=report.topics,
            reminders=report.reminders(),
            reminder_totals=report.reminder_totals(),
            feedback=report.feedback(),
            charts=statistics_charts(report),
            export_query=request.GET.urlencode(),
        )
    return render(request, "coordination/statistics.html", context)


@coordinator_view
@require_safe
def statistics_csv(request: HttpRequest) -> HttpResponse:
    form = StatisticsFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Der Zeitraum ist ungültig. Bitte wählen Sie ihn auf der Statistikseite neu."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    period = form.period()
    # Counted before the first byte goes out: the stream only formats the numbers.
    stats = statistics_for(period)
    response = StreamingHttpResponse(csv_lines(stats), content_type="text/csv; charset=utf-8")
    name = f"statistik_{period.first:%Y-%m-%d}_{period.last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
