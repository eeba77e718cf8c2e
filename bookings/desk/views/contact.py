"""The senior's contact person: name, change or remove them (and so their copies)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import services
from bookings.desk.forms import ContactPersonForm
from bookings.models import ContactPerson, Senior
from bookings.roles import desk_view


def _senior(pk: int) -> Senior:
    return get_object_or_404(Senior, pk=pk, anonymised_at__isnull=True)


@desk_view
@require_http_methods(["GET", "POST"])
def contact_person(request: HttpRequest, pk: int) -> HttpResponse:
    senior = _senior(pk)
    contact = ContactPerson.objects.filter(senior=senior).first()
    data = request.POST if request.method == "POST" else None
    form = ContactPersonForm(data, instance=contact or ContactPerson(senior=senior))
    if form.is_bound and form.is_valid():
        services.contact_person_save(senior=senior, **form.cleaned_data)
        messages.success(request, _("Die Kontaktperson ist gespeichert."))
        return redirect("desk:senior", senior.pk)
    context = {"senior": senior, "contact": contact, "form": form}
    return render(request, "desk/contact_person.html", context, status=422 if form.errors else 200)


@desk_view
@require_POST
def contact_person_remove(request: HttpRequest, pk: int) -> HttpResponse:
    senior = _senior(pk)
    services.contact_person_remove(senior=senior)
    messages.success(request, _("Die Kontaktperson ist entfernt. Sie bekommt keine Kopien mehr."))
    return redirect("desk:senior", senior.pk)
