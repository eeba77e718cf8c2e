"""The coordinator's pages, under /koordination/."""

from __future__ import annotations

from django.urls import path

from coordination.pages import catalogue, closures, roster, trail, workshops

app_name = "coordinator"

urlpatterns = [
    path("protokoll/", trail.audit_trail, name="audit_trail"),
    path("schliesstage/", closures.closures, name="closures"),
    path("schliesstage/<int:pk>/entfernen/", closures.closure_remove, name="closure_remove"),
    path("ehrenamtliche/", roster.helpers, name="helpers"),
    path("ehrenamtliche/<int:pk>/", roster.helper, name="helper"),
    path("workshops/", workshops.workshops, name="workshops"),
    path("workshops/neu/", workshops.workshop_create, name="workshop_add"),
    path("workshops/<int:pk>/", workshops.workshop, name="workshop"),
    path("workshops/<int:pk>/absagen/", workshops.workshop_cancel, name="workshop_cancel"),
    path("themen/", catalogue.topics, name="topics"),
    path("themen/neu/", catalogue.topic_add, name="topic_add"),
    path("themen/<int:pk>/", catalogue.topic, name="topic"),
    path("leihgeraete/", catalogue.devices, name="devices"),
    path("leihgeraete/neu/", catalogue.device_add, name="device_add"),
    path("leihgeraete/<int:pk>/", catalogue.device, name="device"),
]
