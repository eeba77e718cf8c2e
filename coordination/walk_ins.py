"""Recording a visit without an appointment (Sprechstunde), from the desk or by the
helper on duty: three choices with sensible defaults, so two clicks are enough."""

from __future__ import annotations

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bookings.models import Helper, Topic
from coordination.models import WalkIn
from neighborhoods.models import Office


@transaction.atomic
def record_walk_in(
    *,
    office: Office,
    topic: Topic,
    minutes: int = WalkIn.Duration.QUARTER,
    device: str = WalkIn.Device.OWN,
    recorded_by=None,
    helper: Helper | None = None,
) -> WalkIn:
    """Count one walk-in visit at `office` now.

    A helper records only for an office they serve (raises ValidationError in German);
    office staff, who pass no `helper`, record for any office.
    """
    if helper is not None and not helper.offices.filter(pk=office.pk).exists():
        raise ValidationError(
            _("Sie helfen nicht im %(office)s und können dort keinen Besuch erfassen.")
            % {"office": office}
        )
    walk_in = WalkIn(
        office=office,
        topic=topic,
        minutes=minutes,
        device=device,
        helper=helper,
        recorded_by=recorded_by,
    )
    walk_in.full_clean()
    walk_in.save()
    return walk_in


class WalkInForm(forms.Form):
    """Office, length and device come preselected; a click on a topic's button records."""

    office = forms.ModelChoiceField(
        label=_lazy("Büro"), queryset=Office.objects.filter(active=True), empty_label=None
    )
    minutes = forms.TypedChoiceField(
        label=_lazy("Wie lange etwa?"),
        choices=WalkIn.Duration.choices,
        coerce=int,
        initial=WalkIn.Duration.QUARTER,
        widget=forms.RadioSelect,
    )
    device = forms.ChoiceField(
        label=_lazy("Mit welchem Gerät?"),
        choices=WalkIn.Device.choices,
        initial=WalkIn.Device.OWN,
        widget=forms.RadioSelect,
    )
    topic = forms.ModelChoiceField(
        label=_lazy("Thema"),
        queryset=Topic.objects.filter(active=True),
        error_messages={"required": _lazy("Bitte klicken Sie auf ein Thema.")},
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices
        # Named `crispy`: in this project a "helper" is a volunteer. The topic buttons,
        # which send the form, are written by the template.
        self.crispy = FormHelper()
        self.crispy.form_tag = False
        self.crispy.layout = Layout("office", InlineRadios("minutes"), InlineRadios("device"))

    def topics(self) -> list[Topic]:
        return list(self.fields["topic"].queryset)
