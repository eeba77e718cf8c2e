"""The staff desk under /buero/."""

from __future__ import annotations

from django.urls import path

from bookings.views import (
    desk_appointment,
    desk_booking,
    desk_daylist,
    desk_search,
    desk_workshops,
)

app_name = "desk"

urlpatterns = [
    path("", desk_daylist.dashboard, name="dashboard"),
    path("suche/", desk_search.search, name="search"),
    path("ratsuchende/neu/", desk_search.senior_create, name="senior_create"),
    path("ratsuchende/<int:pk>/", desk_booking.senior, name="senior"),
    path("ratsuchende/<int:pk>/buchen/", desk_booking.book, name="book"),
    path("termine/<int:pk>/", desk_appointment.appointment, name="appointment"),
    path("termine/<int:pk>/bestaetigung/", desk_booking.confirmation, name="confirmation"),
    path("termine/<int:pk>/verlegen/", desk_appointment.move, name="move"),
    path("termine/<int:pk>/absagen/", desk_appointment.cancel, name="cancel"),
    path("termine/<int:pk>/abhaken/", desk_appointment.mark, name="mark"),
    path("termine/<int:pk>/notiz/", desk_appointment.note, name="note"),
    path("tagesliste/", desk_daylist.day_list, name="day_list"),
    path("tagesliste/drucken/", desk_daylist.day_list_print, name="day_list_print"),
    path("workshops/", desk_workshops.workshops, name="workshops"),
    path("workshops/<int:pk>/", desk_workshops.workshop, name="workshop"),
    path("workshops/<int:pk>/anmelden/", desk_workshops.register, name="workshop_register"),
    path(
        "anmeldungen/<int:pk>/stornieren/",
        desk_workshops.registration_cancel,
        name="registration_cancel",
    ),
]
