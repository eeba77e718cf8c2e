"""Office pages about messages: replies to read and seniors not reached.

Office staff and coordinators only; helpers get 403, anonymous visitors the login.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from bookings import roles
from bookings.models import AppointmentStatus, InboundMessage, Reminder
from bookings.roles import desk_view
from helpdesk.localtime import local_midnight


def _visible_offices(user) -> Q:
    """Coordinators see every office, office staff the offices they work in."""
    if roles.is_coordinator(user):
        # Not an empty Q(): `Q() | other` is just `other`, which would hide every office.
        return Q(pk__isnull=False)
    return Q(appointment__office__staff=user)


@desk_view
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """Replies the system did not act on, cancellations and opt-outs by seniors, until
    read."""
    unread = (
        InboundMessage.objects.filter(
            read_at__isnull=True,
            action__in=[
                InboundMessage.Action.TO_READ,
                InboundMessage.Action.CANCELLED,
                InboundMessage.Action.OPTED_OUT,
            ],
        )
        .filter(_visible_offices(request.user) | Q(appointment__isnull=True))
        .select_related("senior__contact_person", "appointment__office")
        .distinct()
    )
    return render(request, "desk/inbox.html", {"unread": unread})


@require_POST
@desk_view
def inbox_mark_read(request: HttpRequest, message_id: int) -> HttpResponse:
    # Only replies the user may see in the inbox, so no one marks another office's as read.
    visible = InboundMessage.objects.filter(
        _visible_offices(request.user) | Q(appointment__isnull=True)
    ).distinct()
    message = get_object_or_404(visible, pk=message_id, read_at__isnull=True)
    message.read_at, message.read_by = timezone.now(), request.user
    message.save(update_fields=["read_at", "read_by"])
    return redirect("reminders_inbox")


@desk_view
@require_safe
def not_reached(request: HttpRequest) -> HttpResponse:
    """Seniors whose message failed or who did not pick up, for upcoming appointments."""
    day = timezone.localdate()
    start = local_midnight(day)
    reminders = (
        Reminder.objects.filter(
            senior__isnull=False,
            # A copy to the contact person that failed leaves the senior's own reach as is.
            addressee=Reminder.Addressee.SELF,
            status__in=[Reminder.Status.NO_ANSWER, Reminder.Status.FAILED],
            appointment__starts_at__gte=start,
            appointment__status=AppointmentStatus.BOOKED,
        )
        .filter(_visible_offices(request.user))
        .select_related("senior", "appointment__office")
        .order_by("appointment__starts_at")
        .distinct()
    )
    return render(request, "desk/not_reached.html", {"reminders": reminders, "day": day})
