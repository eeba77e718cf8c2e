"""Forms of the helpers' own pages: weekly availability and absences."""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bookings.models import Absence, Availability, Helper
from bookings.schedule.selectors import booked_left_uncovered
from helpdesk.day_bounds import check_day
from neighborhoods.models import Weekday


def _refuse_stranding(replaced: Availability, candidate: Availability | None) -> None:
    """Refuse a change that would leave booked seniors outside the helper's time."""
    stranded = booked_left_uncovered(replaced.helper, replaced=replaced, candidate=candidate)
    if stranded:
        when = ", ".join(
            date_format(timezone.localtime(a.starts_at), "D j.n., H:i") for a in stranded
        )
        raise ValidationError(
            _(
                "In dieser Sprechzeit haben Sie noch gebuchte Termine (%(when)s). Bitte tragen "
                "Sie dafür eine Abwesenheit ein, dann vereinbart das Büro diese Termine neu."
            )
            % {"when": when}
        )


class AvailabilityForm(forms.ModelForm):
    """Add or change a weekly range; the model's clean() refuses ranges outside the
    office's opening hours and overlaps with the helper's own other ranges."""

    class Meta:
        model = Availability
        fields = ["office", "weekday", "starts", "ends", "valid_from", "valid_until"]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, helper: Helper, **kwargs) -> None:
        kwargs.setdefault("instance", Availability(helper=helper))
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = helper.offices.filter(active=True)
        self.fields["office"].empty_label = None
        self.fields["weekday"].choices = Weekday.choices

    def clean_valid_from(self) -> datetime.date:
        check_day(self.cleaned_data["valid_from"])
        return self.cleaned_data["valid_from"]

    def clean_valid_until(self) -> datetime.date | None:
        check_day(self.cleaned_data["valid_until"])
        return self.cleaned_data["valid_until"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            candidate = copy.copy(self.instance)
            for name in self.Meta.fields:
                setattr(candidate, name, cleaned[name])
            _refuse_stranding(self.instance, candidate)
        return cleaned


class AvailabilityEndForm(forms.Form):
    """End a weekly range after a given day; a range that has not begun by then goes."""

    last_day = forms.DateField(
        label=_("Letzter Tag"),
        help_text=_("An diesem Tag gilt die Sprechzeit noch, danach nicht mehr."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, availability: Availability, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.availability = availability

    def clean_last_day(self) -> datetime.date:
        last_day = self.cleaned_data["last_day"]
        check_day(last_day)
        if last_day < timezone.localdate() - datetime.timedelta(days=1):
            raise ValidationError(_("Bitte wählen Sie gestern, heute oder einen späteren Tag."))
        _refuse_stranding(self.availability, self.ended(last_day))
        return last_day

    def ended(self, last_day: datetime.date) -> Availability | None:
        """The range as it is after ending it, or None if it never comes into force."""
        if last_day < self.availability.valid_from:
            return None
        ended = copy.copy(self.availability)
        ended.valid_until = min(last_day, self.availability.valid_until or last_day)
        return ended


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, helper: Helper, **kwargs) -> None:
        kwargs.setdefault("instance", Absence(helper=helper))
        super().__init__(*args, **kwargs)

    def clean_starts_on(self) -> datetime.date:
        check_day(self.cleaned_data["starts_on"])
        return self.cleaned_data["starts_on"]

    def clean_ends_on(self) -> datetime.date:
        check_day(self.cleaned_data["ends_on"])
        return self.cleaned_data["ends_on"]

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if not (starts_on and ends_on):
            return cleaned
        # Errors name their field, so the page links them to it for screen readers.
        if ends_on < timezone.localdate():
            self.add_error("ends_on", _("Diese Abwesenheit liegt schon in der Vergangenheit."))
            return cleaned
        clash = Absence.objects.filter(
            helper=self.instance.helper, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        if clash.exists():
            self.add_error(
                "starts_on", _("In diesem Zeitraum haben Sie schon eine Abwesenheit eingetragen.")
            )
        return cleaned
