"""The coverage view: opening hours of the coming week with no helper available."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coordination.coverage import DAYS_AHEAD, coverage_gaps
from coordination.views.statistics import coordinator_view


@coordinator_view
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    first = timezone.localdate()
    gaps = coverage_gaps(first)
    days = [(day, list(entries)) for day, entries in groupby(gaps, key=lambda gap: gap.day)]
    return render(
        request,
        "coordination/coverage.html",
        {"days": days, "first": first, "days_ahead": DAYS_AHEAD},
    )
