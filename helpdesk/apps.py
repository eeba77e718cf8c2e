from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class CoordinatorAdminConfig(AdminConfig):
    """Django's admin with the coordinators' site and user admin (helpdesk/admin.py)."""

    default_site = "helpdesk.admin_site.CoordinatorAdminSite"

    def ready(self) -> None:
        super().ready()  # registers every app's admin.py
        from django.contrib import admin

        from helpdesk.admin import register_user_admin

        register_user_admin(admin.site)
