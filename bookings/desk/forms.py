"""Forms of the staff desk. Labels and errors are German; every field has a label."""

from __future__ import annotations

import datetime
import hashlib

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bookings.availability import AFTERNOON, MORNING, SlotQuery, parse_cursor
from bookings.models import (
    AppointmentKind,
    CancellationReason,
    ContactPerson,
    DeviceKind,
    Senior,
    Topic,
    VideoCall,
)
from bookings.phones import PhoneFormField
from helpdesk.day_bounds import check_day
from neighborhoods.models import Office, Weekday

# How long a rendered slot search form is kept (its key changes with what it shows).
RENDERED_FORM_SECONDS = 3600
# Database ids are 64-bit; a larger number in a cursor is no slot at all.
MAX_ID = 2**63 - 1


def _slot_in_range(parsed: tuple[datetime.datetime, int, int] | None) -> bool:
    """A parsed cursor whose ids fit the database and whose day can be computed with."""
    if parsed is None:
        return False
    moment, office_id, helper_id = parsed
    try:
        check_day(moment.date())
    except ValidationError:
        return False
    return 0 < office_id <= MAX_ID and 0 < helper_id <= MAX_ID


class _CrispyMixin:
    """Crispy renders the fields; the views write the <form> tag and the buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named `crispy`, not crispy's default `helper`: here a helper is a volunteer.
        self.crispy = FormHelper()
        self.crispy.form_tag = False
        # The templates add the CSRF token to POST forms; GET forms must not carry it.
        self.crispy.disable_csrf = True


class _LoadedOnce(forms.models.ModelChoiceIterator):
    """The choices of a `LoadedChoiceField`, from its one list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects())


class LoadedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its few rows (topics, offices) once per form: Django's
    own asks the database to validate, again to decide the `required` attribute and a
    third time to render the options, on the desk's most used page."""

    iterator = _LoadedOnce
    _objects: list | None = None

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied._objects = None
        return copied

    def objects(self) -> list:
        # Fields are copied for each form, so the list lives as long as one request.
        if self._objects is None:
            self._objects = list(self.queryset)
        return self._objects

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        wanted = str(value.pk if isinstance(value, self.queryset.model) else value)
        for obj in self.objects():
            if str(obj.pk) == wanted:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class SeniorSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name oder Telefonnummer"),
        max_length=80,
        required=False,
        help_text=_("Ein paar Ziffern der Nummer (auch die letzten) oder ein Teil des Namens."),
    )


class SeniorForm(_CrispyMixin, forms.ModelForm):
    phone = PhoneFormField(label=_("Telefon"))
    preferred_channel = forms.ChoiceField(
        label=_("Erinnerung per"),
        required=False,
        choices=[
            ("", _("automatisch: Handy per SMS, Festnetz per Anruf")),
            *Senior.Channel.choices,
        ],
    )

    class Meta:
        model = Senior
        fields = [
            "first_name",
            "last_name",
            "phone",
            "district",
            "preferred_channel",
            "reminder_consent",
        ]


class ContactPersonForm(_CrispyMixin, forms.ModelForm):
    """The senior's contact person; saved through `services.contact_person_save`. Bind it
    to `ContactPerson(senior=…)` so that the senior's own number is refused."""

    phone = PhoneFormField(label=_("Telefon"))

    class Meta:
        model = ContactPerson
        fields = ["name", "relation", "phone", "consent", "copies_wished"]
        help_texts = {"name": _("Vor- und Nachname, so wie die Person sich am Telefon meldet.")}


class SlotSearchForm(_CrispyMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Art des Termins"),
        required=False,
        choices=AppointmentKind.choices,
        initial=AppointmentKind.OFFICE,
        widget=forms.RadioSelect,
        help_text=_(
            "Telefonsprechstunde: Die/der Ehrenamtliche ruft an, auch außerhalb der "
            "Öffnungszeiten. Videogespräch: im Büro, Angehörige kommen per Link dazu."
        ),
    )
    topic = LoadedChoiceField(
        label=_("Thema"), queryset=Topic.objects.filter(active=True), empty_label=None
    )
    device = forms.ChoiceField(
        label=_("Gerät"),
        required=False,
        choices=[
            ("", _("bringt eigenes Gerät mit")),
            *(
                (kind, format_lazy("{}: {}", _("braucht Leihgerät"), label))
                for kind, label in DeviceKind.choices
            ),
        ],
    )
    office = LoadedChoiceField(
        label=_("Büro"),
        required=False,
        queryset=Office.objects.filter(active=True),
        empty_label=_("alle Büros (eigener Stadtteil zuerst)"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Wochentage"),
        required=False,
        coerce=int,
        choices=Weekday.choices[:6],
        widget=forms.CheckboxSelectMultiple,
    )
    part_of_day = forms.ChoiceField(
        label=_("Tageszeit"),
        required=False,
        choices=[("", _("egal")), (MORNING, _("vormittags")), (AFTERNOON, _("nachmittags"))],
    )
    first_day = forms.DateField(
        label=_("frühestens am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Set by the "show more" links: continue after this slot, only outside the home district.
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    others = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "after" and "others" come only from the "show more" links; a new search starts over.
        self.crispy.layout = Layout(
            "kind",
            "topic",
            "device",
            "office",
            InlineCheckboxes("weekdays"),
            "part_of_day",
            "first_day",
        )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or AppointmentKind.OFFICE

    def rendered(self) -> str:
        """The fields as crispy renders them, kept per process under everything they show.

        Every slot search renders this form again, and crispy's templates take several ms
        of CPU for its seven fields, while the desks of a town send the same few searches
        all day. The key holds the language, the data and errors, the fields' state and
        the topics and offices offered, so a changed topic or office shows at once."""
        shown = (
            get_language(),
            sorted(getattr(self.data, "lists", self.data.items)()) if self.is_bound else None,
            self.errors.get_json_data() if self.is_bound else None,
            sorted((name, getattr(value, "pk", value)) for name, value in self.initial.items()),
            [(name, f.disabled, sorted(f.widget.attrs.items())) for name, f in self.fields.items()],
            [
                (obj.pk, str(obj))
                for name in ("topic", "office")
                for obj in self.fields[name].objects()
            ],
        )
        key = "desk.slot-form." + hashlib.sha256(repr(shown).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = render_crispy_form(self, self.crispy)
            cache.set(key, html, timeout=RENDERED_FORM_SECONDS)
        return mark_safe(html)  # crispy's own output, escaped when it was rendered

    def clean(self):
        data = super().clean()
        if data.get("kind") == AppointmentKind.PHONE and data.get("device"):
            self.add_error(
                "device",
                _("Bei einer Telefonsprechstunde nutzt die Person ihr eigenes Gerät zu Hause."),
            )
        return data

    def clean_first_day(self) -> datetime.date | None:
        first_day = self.cleaned_data["first_day"]
        check_day(first_day, years_back=1)
        return first_day

    def clean_after(self) -> str:
        # A cursor comes only from a "show more" link; one that is no slot (edited, or out
        # of the range dates can be computed in) starts the list from the beginning.
        after = self.cleaned_data["after"]
        return after if _slot_in_range(parse_cursor(after)) else ""

    def query(
        self,
        *,
        offices: tuple[int, ...] = (),
        skip: tuple[int, ...] = (),
        senior_id: int | None = None,
        moving_id: int | None = None,
    ) -> SlotQuery:
        """The search as asked; `offices` narrows it (to the home offices), `skip` leaves
        offices out (the home offices, when listing the others), `senior_id` leaves out
        times at which the caller is already busy (but for `moving_id`, being moved)."""
        data = self.cleaned_data
        chosen = (data["office"].pk,) if data.get("office") else offices
        return SlotQuery(
            topic=data["topic"],
            kind=data["kind"],
            first_day=data.get("first_day") or timezone.localdate(),
            offices=chosen,
            skip_offices=() if data.get("office") else skip,
            weekdays=tuple(data.get("weekdays") or ()),
            part_of_day=data.get("part_of_day") or "",
            loan_device_kind=data.get("device") or "",
            after=parse_cursor(data.get("after") or ""),
            senior_id=senior_id,
            moving_id=moving_id,
        )


class VideoRelativeForm(_CrispyMixin, forms.ModelForm):
    """The relative who joins a video appointment from afar; asked after the slot is
    chosen, by POST, so their number never lands in a URL."""

    relative_phone = PhoneFormField(label=_("Handynummer der/des Angehörigen"), required=False)

    class Meta:
        model = VideoCall
        fields = ["relative_name", "relative_phone", "relative_email"]
        help_texts = {
            "relative_email": _(
                "Nur, wenn es kein Handy gibt: Die Einladung kommt dann per E-Mail."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative_phone"].help_text = _(
            "Die Einladung mit dem Link kommt per SMS. Mit Vorwahl, z. B. 0171 1234567."
        )
        if not self.is_bound:
            self.fields["relative_name"].widget.attrs["autofocus"] = True


class SlotChoiceForm(forms.Form):
    """The slot a "Buchen" button stands for: helper, office and start time."""

    slot = forms.CharField(widget=forms.HiddenInput)

    def clean_slot(self) -> tuple[datetime.datetime, int, int]:
        parsed = parse_cursor(self.cleaned_data["slot"])
        if not _slot_in_range(parsed):
            raise ValidationError(_("Bitte wählen Sie einen Termin aus der Liste."))
        return parsed


class CancelForm(_CrispyMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Grund der Absage"),
        choices=CancellationReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Anmerkung"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        # Shares a page with the NoteForm: own ids, so each label names its own field.
        kwargs.setdefault("auto_id", "id_cancel_%s")
        super().__init__(*args, **kwargs)


class NoteForm(_CrispyMixin, forms.Form):
    note = forms.CharField(
        label=_("Notiz für die Ehrenamtlichen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DayListForm(forms.Form):
    """Rendered field by field in one row (desk/_daylist_form.html)."""

    office = forms.ModelChoiceField(
        label=_("Büro"),
        queryset=Office.objects.filter(active=True),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    day = forms.DateField(
        label=_("Tag"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def clean_day(self) -> datetime.date:
        day = self.cleaned_data["day"]
        check_day(day)
        return day


class WorkshopRegisterForm(forms.Form):
    """The senior a "Anmelden" button on the senior's page stands for."""

    senior = forms.ModelChoiceField(
        queryset=Senior.objects.filter(anonymised_at__isnull=True),
        widget=forms.HiddenInput,
    )
    no_senior = _("Bitte wählen Sie eine Person aus, die Sie anmelden möchten.")
