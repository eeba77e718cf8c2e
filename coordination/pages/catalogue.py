"""Topics and loan devices: list, add, change, through `topic_save` and
`loan_device_save` (a device switched off hands its reservations on or flags them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from bookings import services
from bookings.models import LoanDevice, Topic
from bookings.roles import coordinator_view
from coordination.pages.forms import LoanDeviceForm, TopicForm
from coordination.pages.notices import tell_flagged


def _save_topic(request: HttpRequest, topic: Topic) -> None:
    services.topic_save(topic=topic)


def _save_device(request: HttpRequest, device: LoanDevice) -> None:
    tell_flagged(request, services.loan_device_save(device=device))


# What each kind of entry needs: its form, its service, its list and its words.
KINDS = {
    "topic": {
        "model": Topic,
        "form": TopicForm,
        "save": _save_topic,
        "list": "coordinator:topics",
        "change": "coordinator:topic",
        "add": "coordinator:topic_add",
        "plural": gettext_lazy("Themen"),
        "new": gettext_lazy("Neues Thema"),
    },
    "device": {
        "model": LoanDevice,
        "form": LoanDeviceForm,
        "save": _save_device,
        "list": "coordinator:devices",
        "change": "coordinator:device",
        "add": "coordinator:device_add",
        "plural": gettext_lazy("Leihgeräte"),
        "new": gettext_lazy("Neues Leihgerät"),
    },
}


def _list(request: HttpRequest, kind: str, template: str, rows) -> HttpResponse:
    return render(request, template, {"kind": KINDS[kind], "rows": rows})


def _form(request: HttpRequest, kind: str, instance=None) -> HttpResponse:
    spec = KINDS[kind]
    form = spec["form"](request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        spec["save"](request, form.instance)
        messages.success(request, _("„%(entry)s“ ist gespeichert.") % {"entry": form.instance})
        return redirect(spec["list"])
    return render(
        request,
        "coordination/pages/catalogue_form.html",
        {"kind": spec, "form": form, "entry": instance},
        status=422 if form.errors else 200,
    )


@coordinator_view
@require_safe
def topics(request: HttpRequest) -> HttpResponse:
    return _list(request, "topic", "coordination/pages/topics.html", Topic.objects.all())


@coordinator_view
def topic_add(request: HttpRequest) -> HttpResponse:
    return _form(request, "topic")


@coordinator_view
def topic(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, "topic", get_object_or_404(Topic, pk=pk))


@coordinator_view
@require_safe
def devices(request: HttpRequest) -> HttpResponse:
    rows = LoanDevice.objects.select_related("office")
    return _list(request, "device", "coordination/pages/devices.html", rows)


@coordinator_view
def device_add(request: HttpRequest) -> HttpResponse:
    return _form(request, "device")


@coordinator_view
def device(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, "device", get_object_or_404(LoanDevice, pk=pk))
