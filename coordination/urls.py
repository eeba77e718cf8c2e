"""The coordinator's pages, included under "koordination/"."""

from __future__ import annotations

from django.urls import path

from coordination.views import coverage, statistics

app_name = "coordination"

urlpatterns = [
    path("statistik/", statistics.statistics, name="statistics"),
    path("statistik/export.csv", statistics.statistics_csv, name="statistics_csv"),
    path("abdeckung/", coverage.coverage, name="coverage"),
]
