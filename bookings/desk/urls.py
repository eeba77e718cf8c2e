"""The office staff's pages: the desk under /buero/, and the message lists (replies, people
not reached) at the top level, where staff have them bookmarked."""

from __future__ import annotations

from django.urls import path

from bookings.desk.views import appointment as desk_appointment
from bookings.desk.views import booking as desk_booking
from bookings.desk.views import contact as desk_contact
from bookings.desk.views import daylist as desk_daylist
from bookings.desk.views import messages as message_views
from bookings.desk.views import search as desk_search
from bookings.desk.views import workshops as desk_workshops
from coordination.views import walk_ins

app_name = "desk"

urlpatterns = [
    path("", desk_daylist.dashboard, name="dashboard"),
    path("suche/", desk_search.search, name="search"),
    path("ratsuchende/neu/", desk_search.senior_create, name="senior_create"),
    path("ratsuchende/<int:pk>/", desk_booking.senior, name="senior"),
    path("ratsuchende/<int:pk>/buchen/", desk_booking.book, name="book"),
    path("ratsuchende/<int:pk>/kontaktperson/", desk_contact.contact_person, name="contact_person"),
    path(
        "ratsuchende/<int:pk>/kontaktperson/entfernen/",
        desk_contact.contact_person_remove,
        name="contact_person_remove",
    ),
    path("termine/<int:pk>/", desk_appointment.appointment, name="appointment"),
    path("termine/<int:pk>/bestaetigung/", desk_booking.confirmation, name="confirmation"),
    path("termine/<int:pk>/verlegen/", desk_appointment.move, name="move"),
    path("termine/<int:pk>/absagen/", desk_appointment.cancel, name="cancel"),
    path("termine/<int:pk>/uebergeben/", desk_appointment.hand_over, name="hand_over"),
    path("termine/<int:pk>/abhaken/", desk_appointment.mark, name="mark"),
    path("termine/<int:pk>/notiz/", desk_appointment.note, name="note"),
    path("tagesliste/", desk_daylist.day_list, name="day_list"),
    path("tagesliste/drucken/", desk_daylist.day_list_print, name="day_list_print"),
    path("besuch-ohne-termin/", walk_ins.desk_walk_in, name="walk_in"),
    path("workshops/", desk_workshops.workshops, name="workshops"),
    path("workshops/<int:pk>/", desk_workshops.workshop, name="workshop"),
    path("workshops/<int:pk>/anmelden/", desk_workshops.register, name="workshop_register"),
    path(
        "anmeldungen/<int:pk>/stornieren/",
        desk_workshops.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "anmeldungen/<int:pk>/nachruecken/",
        desk_workshops.registration_promote,
        name="registration_promote",
    ),
]

# Included without a namespace: their names predate the desk's.
message_patterns = [
    path("nachrichten/", message_views.inbox, name="reminders_inbox"),
    path(
        "nachrichten/<int:message_id>/gelesen/",
        message_views.inbox_mark_read,
        name="reminders_mark_read",
    ),
    path("nicht-erreicht/", message_views.not_reached, name="reminders_not_reached"),
]
