"""The three roles, kept as Django groups so coordinators can manage them in the admin."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COORDINATOR = "Koordination"
OFFICE_STAFF = "Büro"
HELPER = "Ehrenamtliche"


def _in_group(user: AbstractBaseUser | AnonymousUser, name: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=name).exists()


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
        "view_loanreservation",
    ],
}
_COORDINATOR_EXTRA = {"auth": ["view_user", "add_user", "change_user", "view_group"]}


def ensure_role_groups(**kwargs) -> None:
    """Create the role groups with their permissions; safe to run after every migrate."""
    from django.contrib.auth.models import Group, Permission

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
