"""The public pages, under /angebot/ (no login)."""

from __future__ import annotations

from django.urls import path

from bookings.public import views

app_name = "public"

urlpatterns = [
    path("", views.start, name="start"),
    path("bueros/", views.offices, name="offices"),
    path("bueros/<int:pk>/", views.office, name="office"),
    path("bueros/<int:pk>/aushang/", views.poster, name="poster"),
    path("workshops/", views.workshops, name="workshops"),
    path("sprache/", views.language, name="language"),
]
