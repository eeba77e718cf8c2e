"""The coordinator's data-protection pages, under /koordination/ratsuchende/."""

from __future__ import annotations

from django.urls import path

from coordination.privacy import views

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/auskunft/", views.information, name="information"),
    path("<int:pk>/auskunft.json", views.information_json, name="information_json"),
    path("<int:pk>/loeschen/", views.erase, name="erase"),
]
