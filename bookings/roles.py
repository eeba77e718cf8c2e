"""The three roles, kept as Django groups so coordinators can manage them in the admin,
and the view decorators that let each role in.

Anonymous users go to the login page; logged-in people without the role get 403. Views
behind `helper_required` find the helper as `request.user.helper` and must still filter
every object by it: a helper sees only their own data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

COORDINATOR = "Koordination"
OFFICE_STAFF = "Büro"
HELPER = "Ehrenamtliche"


def _in_group(user: AbstractBaseUser | AnonymousUser, name: str) -> bool:
    if not user.is_authenticated:
        return False
    # One query for every role check of a request (a desk page asks twice), or none when
    # RoleBackend read the groups with the user: the user object lives for one request,
    # so a change of groups counts from the next one.
    names = getattr(user, "_role_group_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._role_group_names = names
    return name in names


@functools.cache
def _user_with_roles_sql() -> str:
    """RoleBackend's query, built once: it runs on every request of a signed-in person."""
    user_model = get_user_model()
    users, groups = user_model._meta.db_table, Group._meta.db_table
    memberships = user_model.groups.through._meta.db_table
    member_of = f"""EXISTS(SELECT 1 FROM {memberships} m JOIN {groups} g ON g.id = m.group_id
                    WHERE m.user_id = u.id AND g.name = %s)"""
    # The columns by name, not `u.*`: a prepared statement (settings) must not change its
    # result's columns when a migration adds one to the table.
    columns = ", ".join(f"u.{field.column}" for field in user_model._meta.concrete_fields)
    return (
        f"SELECT {columns}, {member_of} AS in_coordinators, {member_of} AS in_office_staff "
        f"FROM {users} u WHERE u.id = %s"
    )


class RoleBackend(ModelBackend):
    """Django's ModelBackend, but the user of each request comes with the answer to what
    the role checks ask on every page: are they in the coordinators' or the office staff's
    group. One query instead of two. It is SQL because the same question through the ORM
    (two annotated subqueries) cost more CPU to compile than the query it saved."""

    def get_user(self, user_id):
        found = get_user_model()._default_manager.raw(
            _user_with_roles_sql(), [COORDINATOR, OFFICE_STAFF, user_id]
        )
        user = next(iter(found), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        # Only the groups _in_group is asked about (the helper role is the profile).
        user._role_group_names = frozenset(
            name
            for name, member in (
                (COORDINATOR, user.in_coordinators),
                (OFFICE_STAFF, user.in_office_staff),
            )
            if member
        )
        return user


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _in_group(user, COORDINATOR))


def is_office_staff(user) -> bool:
    """Office staff and coordinators may book; helpers may not."""
    return is_coordinator(user) or _in_group(user, OFFICE_STAFF)


def is_helper(user) -> bool:
    return user.is_authenticated and hasattr(user, "helper")


# Codenames per group; coordinators get every permission of both apps.
_OFFICE_STAFF_PERMISSIONS = {
    "neighborhoods": ["view_district", "view_office", "view_openinghours", "view_closure"],
    "bookings": [
        "view_topic",
        "view_helper",
        "view_availability",
        "view_absence",
        "view_loandevice",
        "view_workshop",
        "view_reminder",
        "view_assignment",
        "view_senior",
        "add_senior",
        "change_senior",
        "view_appointment",
        "add_appointment",
        "change_appointment",
        "view_registration",
        "add_registration",
        "change_registration",
        "view_seatoffer",
        "view_loanreservation",
    ],
}
_COORDINATOR_EXTRA = {"auth": ["view_user", "add_user", "change_user", "view_group"]}


def ensure_role_groups(**kwargs) -> None:
    """Create the role groups with their permissions; safe to run after every migrate."""
    from django.contrib.auth.models import Permission

    def permissions(by_app: dict[str, list[str]]):
        wanted = Permission.objects.none()
        for app_label, codenames in by_app.items():
            wanted |= Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        return wanted

    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR)
    coordinator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["neighborhoods", "bookings"])
        | permissions(_COORDINATOR_EXTRA)
    )
    office_staff, _ = Group.objects.get_or_create(name=OFFICE_STAFF)
    office_staff.permissions.set(permissions(_OFFICE_STAFF_PERMISSIONS))
    Group.objects.get_or_create(name=HELPER)


def role_required(allowed: Callable[..., bool]):
    """A view decorator that lets in users for whom `allowed(user)` is true."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


# Office staff and coordinators: the desk and the message lists.
desk_view = role_required(is_office_staff)
# Users with a Helper profile: their own pages.
helper_required = role_required(is_helper)
# Coordinators only: their pages under /koordination/ and the data-protection duties
# (information, erasure).
coordinator_view = role_required(is_coordinator)


def role_context(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """`user_is_coordinator` for the navigation; a callable, so pages that never show it
    pay no query."""
    return {"user_is_coordinator": lambda: is_coordinator(request.user)}
