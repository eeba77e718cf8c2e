"""The helpers' own pages, included under "ehrenamt/"."""

from __future__ import annotations

from django.urls import path

from bookings.schedule.views import absences as helper_absences
from bookings.schedule.views import appointments as helper_appointments
from bookings.schedule.views import availability as helper_availability
from bookings.schedule.views import feed as helper_feed
from coordination.views import walk_ins

app_name = "helpers"

urlpatterns = [
    path("", helper_appointments.upcoming, name="appointments"),
    path("vergangene/", helper_appointments.past, name="appointments_past"),
    path("sprechzeiten/", helper_availability.availability_list, name="availability"),
    path("sprechzeiten/neu/", helper_availability.availability_edit, name="availability_add"),
    path(
        "sprechzeiten/<int:pk>/",
        helper_availability.availability_edit,
        name="availability_change",
    ),
    path(
        "sprechzeiten/<int:pk>/beenden/",
        helper_availability.availability_end,
        name="availability_end",
    ),
    path("abwesenheiten/", helper_absences.absences, name="absences"),
    path("besuch-ohne-termin/", walk_ins.helper_walk_in, name="walk_in"),
    path("kalender/", helper_feed.feed_settings, name="feed_settings"),
    path("kalender/neu/", helper_feed.feed_renew, name="feed_renew"),
    path("kalender/<str:token>.ics", helper_feed.feed, name="feed"),
]
