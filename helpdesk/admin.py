"""The user admin: a coordinator never hands out rights they do not hold themselves.

The site that lets only coordinators in is `helpdesk.admin_site` (its own module, because
django.contrib.auth.admin needs the site while it is imported)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db.models import QuerySet
from django.http import HttpRequest

# Fields only a superuser may see or set: each grants rights outside the role groups.
SUPERUSER_ONLY_FIELDS = {"is_superuser", "user_permissions"}


def groups_within(user: User) -> QuerySet[Group]:
    """The groups whose every permission `user` holds; a superuser may give any."""
    if user.is_superuser:
        return Group.objects.all()
    held = Permission.objects.filter(user=user) | Permission.objects.filter(group__user=user)
    foreign = Permission.objects.exclude(pk__in=held.values("pk"))
    return Group.objects.exclude(permissions__in=foreign)


class CoordinatorUserAdmin(UserAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Fields left out of the fieldsets are left out of the form, so a POST of
        # is_superuser or user_permissions is ignored, not only hidden.
        return [
            (name, {**options, "fields": _without(options["fields"], SUPERUSER_ONLY_FIELDS)})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = groups_within(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


def _without(fields, names: set[str]) -> tuple:
    return tuple(field for field in fields if field not in names)


def register_user_admin(site: admin.AdminSite) -> None:
    if site.is_registered(User):
        site.unregister(User)
    site.register(User, CoordinatorUserAdmin)
