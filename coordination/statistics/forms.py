"""The statistics page's filter: a period and, optionally, one office."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.statistics.selectors import Period
from helpdesk.day_bounds import check_day
from neighborhoods.models import Office

# Funders ask for years; more than this at once is no longer a report to read.
LONGEST_YEARS = 5


def default_period() -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first of the month eleven months ago to today."""
    today = timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1), today


class StatisticsFilterForm(forms.Form):
    first = forms.DateField(
        label=_("von"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein, z. B. 01.01.2026.")},
    )
    last = forms.DateField(
        label=_("bis einschließlich"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein, z. B. 31.12.2026.")},
    )
    office = forms.ModelChoiceField(
        label=_("Büro"),
        queryset=Office.objects.order_by("name"),
        required=False,
        empty_label=_("alle Büros"),
    )

    def __init__(self, data=None, **kwargs):
        first, last = default_period()
        data = data.copy() if data is not None else {}
        data.setdefault("first", f"{first:%Y-%m-%d}")
        data.setdefault("last", f"{last:%Y-%m-%d}")
        super().__init__(data, **kwargs)
        # Named `crispy`: in this project a "helper" is a volunteer.
        self.crispy = FormHelper()
        self.crispy.form_tag = False
        self.crispy.disable_csrf = True
        self.crispy.layout = Layout(
            Div(
                Div(Field("first"), css_class="col-12 col-sm-auto"),
                Div(Field("last"), css_class="col-12 col-sm-auto"),
                Div(Field("office"), css_class="col-12 col-sm-auto"),
                css_class="row g-2 align-items-end",
            )
        )

    def clean_first(self) -> datetime.date:
        check_day(self.cleaned_data["first"])
        return self.cleaned_data["first"]

    def clean_last(self) -> datetime.date:
        check_day(self.cleaned_data["last"])
        return self.cleaned_data["last"]

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if first > last:
                self.add_error("last", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
            elif (last - first).days > LONGEST_YEARS * 366:
                self.add_error(
                    "last",
                    _("Bitte wählen Sie höchstens %(years)s Jahre auf einmal.")
                    % {"years": LONGEST_YEARS},
                )
        return cleaned

    def period(self) -> Period:
        """The chosen period; call only after is_valid()."""
        data = self.cleaned_data
        return Period(first=data["first"], last=data["last"], office=data["office"])
