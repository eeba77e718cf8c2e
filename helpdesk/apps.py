from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class CoordinatorAdminConfig(AdminConfig):
    """Django's admin with the coordinators' site and user admin (helpdesk/admin.py)."""

    default_site = "helpdesk.admin_site.CoordinatorAdminSite"

    def ready(self) -> None:
        super().ready()  # registers every app's admin.py
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from helpdesk.admin import register_user_admin
        from helpdesk.postgres import read_timestamps_compiled
        from helpdesk.security import note_login

        register_user_admin(admin.site)
        # The project has no app of its own; its start-up hooks live here too.
        user_logged_in.connect(note_login, dispatch_uid="helpdesk.idle_timeout")
        connection_created.connect(read_timestamps_compiled, dispatch_uid="helpdesk.postgres")
