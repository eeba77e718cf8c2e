"""The day list of an office (screen and A4 print) and the dashboard staff land on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bookings.desk import selectors
from bookings.desk.forms import DayListForm, SeniorSearchForm
from bookings.roles import desk_view
from neighborhoods.models import Office


def own_office(user) -> Office | None:
    """The first office the user staffs; else the first active office."""
    return (
        user.staffed_offices.filter(active=True).first()
        or Office.objects.filter(active=True).first()
    )


def day_list_context(request: HttpRequest) -> dict:
    data = request.GET.copy()
    if not data.get("office"):
        office = own_office(request.user)
        data["office"] = str(office.pk) if office else ""
    data.setdefault("day", f"{timezone.localdate():%Y-%m-%d}")
    form = DayListForm(data)
    if not form.is_valid():
        return {"day_form": form, "office": None}
    office, day = form.cleaned_data["office"], form.cleaned_data["day"]
    return {
        "day_form": form,
        "office": office,
        "day": day,
        "appointments": selectors.day_list(office, day),
        "workshops": selectors.day_workshops(office, day),
        # Attended / no-show buttons only from that day on.
        "can_mark": day <= timezone.localdate(),
    }


@desk_view
@require_safe
def day_list(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/daylist.html", day_list_context(request))


@desk_view
@require_safe
def day_list_print(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/daylist_print.html", day_list_context(request))


@desk_view
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Today's day list of the user's office, the caller search focused, and the
    appointments to rebook by phone."""
    context = day_list_context(request)
    context["search_form"] = SeniorSearchForm()
    context["rebooking"] = selectors.rebooking_list()
    return render(request, "desk/dashboard.html", context)
