from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bookings.desk.urls import message_patterns
from helpdesk import health, views
from helpdesk.security import LoginForm

admin.site.site_header = _("Digitale Hilfe – Verwaltung")
admin.site.site_title = _("Digitale Hilfe")
admin.site.index_title = _("Koordination")

urlpatterns = [
    path("", views.home, name="home"),
    path("gesundheit/", health.health, name="health"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("buero/", include("bookings.desk.urls")),
    path("koordination/", include("coordination.pages.urls")),
    path("", include(message_patterns)),
    path("ehrenamt/", include("bookings.schedule.urls")),
    path("angebot/", include("bookings.public.urls")),
    path("koordination/ratsuchende/", include("coordination.privacy.urls")),
    path("datenschutz/", views.privacy_notice, name="privacy_notice"),
    path("koordination/", include("coordination.urls")),
    path("", include("bookings.inbound.urls")),
]
