"""Forms of the coordinator's pages. Labels, help texts and errors are German; crispy
renders the fields, the templates write the <form> tag and the buttons."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.desk.forms import MAX_ID, _CrispyMixin
from bookings.models import Helper, LoanDevice, Topic, Workshop
from helpdesk.day_bounds import check_day
from neighborhoods.models import Office

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _day_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=_DATE, **kwargs)


class AuditFilterForm(_CrispyMixin, forms.Form):
    office = forms.ModelChoiceField(
        label=_("Büro"), queryset=Office.objects.all(), required=False, empty_label=_("alle")
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        required=False,
        empty_label=_("alle"),
        help_text=_("Wer die Änderung gemacht hat."),
    )
    since = _day_field(_("von"), required=False)
    until = _day_field(_("bis einschließlich"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            if data.get(name):
                try:
                    check_day(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Das Ende liegt vor dem Anfang."))
        return data


class ClosureForm(_CrispyMixin, forms.Form):
    office = forms.ModelChoiceField(label=_("Büro"), queryset=Office.objects.filter(active=True))
    starts_on = _day_field(_("von"))
    ends_on = _day_field(
        _("bis einschließlich"), help_text=_("Für einen einzelnen Tag zweimal dasselbe Datum.")
    )
    reason = forms.CharField(
        label=_("Grund"), max_length=120, help_text=_("z. B. Betriebsausflug, Renovierung")
    )

    def clean(self):
        data = super().clean()
        for name in ("starts_on", "ends_on"):
            if data.get(name):
                try:
                    check_day(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("Der erste Schließtag muss vor dem letzten liegen."))
        return data


class _Checkboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value):
        # A ticked box sends an id; a number beyond a 64-bit id names nothing and would
        # overflow the database's query instead of being refused.
        for pk in value:
            try:
                too_large = abs(int(pk)) > MAX_ID
            except (TypeError, ValueError):
                continue  # not a number: Django refuses it with its own message
            if too_large:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class HelperForm(_CrispyMixin, forms.Form):
    active = forms.BooleanField(
        label=_("aktiv"),
        required=False,
        help_text=_(
            "Aus: keine neuen Buchungen; gebuchte Termine werden zum Neu-Vereinbaren markiert."
        ),
    )
    offices = _Checkboxes(
        label=_("Büros"),
        queryset=Office.objects.all(),
        required=False,
        help_text=_("Wo sie oder er hilft. Termine in einem abgewählten Büro werden markiert."),
    )
    topics = _Checkboxes(
        label=_("Themen"),
        queryset=Topic.objects.all(),
        required=False,
        help_text=_("Womit sie oder er hilft; gebuchte Termine bleiben."),
    )

    @classmethod
    def for_helper(cls, helper: Helper, data=None) -> HelperForm:
        return cls(
            data,
            initial={
                "active": helper.active,
                "offices": list(helper.offices.all()),
                "topics": list(helper.topics.all()),
            },
        )


class _WorkshopTimes(forms.Form):
    """Day, start and end as three fields, combined into local times."""

    day = _day_field(_("Tag"))
    starts = forms.TimeField(label=_("Beginn"), widget=_TIME)
    ends = forms.TimeField(label=_("Ende"), widget=_TIME)

    def clean(self):
        data = super().clean()
        if not all(data.get(name) for name in ("day", "starts", "ends")):
            return data
        try:
            check_day(data["day"])
        except ValidationError as error:
            self.add_error("day", error)
            return data
        data["starts_at"] = timezone.make_aware(
            datetime.datetime.combine(data["day"], data["starts"])
        )
        data["ends_at"] = timezone.make_aware(datetime.datetime.combine(data["day"], data["ends"]))
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("ends", _("Ein Workshop muss beginnen, bevor er endet."))
        return data

    @staticmethod
    def times_of(workshop: Workshop) -> dict:
        starts, ends = timezone.localtime(workshop.starts_at), timezone.localtime(workshop.ends_at)
        return {"day": starts.date(), "starts": starts.time(), "ends": ends.time()}


class WorkshopChangeForm(_CrispyMixin, _WorkshopTimes):
    title = forms.CharField(label=_("Titel"), max_length=120)
    topic = forms.ModelChoiceField(label=_("Thema"), queryset=Topic.objects.all())
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    seats = forms.IntegerField(
        label=_("Plätze"),
        min_value=1,
        max_value=500,
        help_text=_("Wie viele Personen teilnehmen können."),
    )
    field_order = ["title", "topic", "description", "day", "starts", "ends", "seats"]

    @classmethod
    def for_workshop(cls, workshop: Workshop, data=None) -> WorkshopChangeForm:
        initial = {
            "title": workshop.title,
            "topic": workshop.topic,
            "description": workshop.description,
            "seats": workshop.seats,
            **cls.times_of(workshop),
        }
        return cls(data, initial=initial)


class WorkshopCreateForm(WorkshopChangeForm):
    office = forms.ModelChoiceField(label=_("Büro"), queryset=Office.objects.filter(active=True))
    helpers = _Checkboxes(
        label=_("Ehrenamtliche"),
        queryset=Helper.objects.filter(active=True).select_related("user"),
        required=False,
        help_text=_("Wer den Workshop leitet; sie bekommen die Zeit als Einsatz."),
    )
    field_order = ["office", "title", "topic", "description", "day", "starts", "ends", "seats"]


class TopicForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "description", "duration_minutes", "active"]
        help_texts = {"active": _("Aus: wird für neue Termine nicht mehr angeboten.")}


class LoanDeviceForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = LoanDevice
        fields = ["office", "kind", "label", "active"]
