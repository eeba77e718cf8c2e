"""The coordinator's statistics for funders: what the database counts (`selectors`), the
rows people read (`report`), the charts (`charts`) and the CSV export (`export`)."""

from __future__ import annotations

from coordination.statistics.export import csv_lines
from coordination.statistics.forms import StatisticsFilterForm
from coordination.statistics.report import Report
from coordination.statistics.selectors import Period, Statistics, statistics_for

__all__ = ["Period", "Report", "Statistics", "StatisticsFilterForm", "csv_lines", "statistics_for"]
