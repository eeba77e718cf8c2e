"""Load a small demo city: three district offices, helpers, seniors and bookings.

Idempotent: every object is found by its natural key first, and bookings are made only
once, so running it again changes nothing. Development only: it creates logins with a
published password.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bookings import roles, services
from bookings.availability import senior_clashes
from bookings.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Assignment,
    Availability,
    ContactPerson,
    DeviceKind,
    Helper,
    LoanDevice,
    Senior,
    Topic,
    VideoCall,
    Workshop,
)
from neighborhoods.models import District, Office, OpeningHours

DEMO_PASSWORD = "demo-digitale-hilfe"

OFFICES = [
    ("Grübentälchen", "Stadtteilbüro Grübentälchen", "Am Grübentälchen 12"),
    ("Innenstadt-West", "Stadtteilbüro Innenstadt-West", "Pariser Straße 23"),
    ("Bännjerrück", "Stadtteilbüro Bännjerrück", "Karl-Peters-Straße 4"),
]
TOPICS = [
    ("Smartphone (Android)", 60),
    ("iPhone und iPad", 60),
    ("Tablet", 60),
    ("Videotelefonie", 45),
    ("Messenger (WhatsApp und Co.)", 45),
    ("E-Mail", 45),
    ("Online-Dienste der Verwaltung", 60),
    ("Sicherheit im Netz", 60),
]
HELPERS = [
    "Sabine Becker",
    "Klaus Wagner",
    "Monika Schäfer",
    "Jürgen Koch",
    "Ursula Richter",
    "Peter Klein",
    "Renate Wolf",
    "Hans Neumann",
    "Brigitte Schwarz",
    "Wolfgang Zimmermann",
    "Christa Krüger",
    "Dieter Hartmann",
]
# Mostly at the office; now and then by phone or a video call with a relative.
KINDS = [AppointmentKind.OFFICE] * 8 + [AppointmentKind.PHONE, AppointmentKind.VIDEO]
SENIOR_FIRST = [
    "Gertrud",
    "Helmut",
    "Irmgard",
    "Heinz",
    "Hildegard",
    "Günter",
    "Elfriede",
    "Horst",
    "Ingeborg",
    "Manfred",
    "Waltraud",
    "Gerhard",
    "Edith",
    "Werner",
    "Lieselotte",
    "Karl",
    "Rosemarie",
    "Rudolf",
    "Erna",
    "Kurt",
]
SENIOR_LAST = [
    "Müller",
    "Schmitt",
    "Weber",
    "Fischer",
    "Meyer",
    "Hofmann",
    "Schulz",
    "Bauer",
    "Lehmann",
    "Krause",
    "Walter",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
]


def _time(hour: int) -> datetime.time:
    return datetime.time(hour)


class Command(BaseCommand):
    help = "Lädt Demodaten (nur für die Entwicklung); mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Auch ohne DEBUG laden (nie in Produktion)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demodaten nur mit DEBUG=true: sie enthalten bekannte Passwörter.")
        rng = random.Random(2026)
        # One transaction: all or nothing, and one disk sync instead of hundreds on SQLite.
        with transaction.atomic():
            self._load(rng)

    def _load(self, rng: random.Random) -> None:
        self._password = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: once
        offices = self._offices()
        topics = self._topics()
        coordinator = self._user("koordination", "Karin", "Lang", roles.COORDINATOR)
        staff = []
        for office in offices:
            name = office.district.name.lower().replace("ä", "ae").replace("ü", "ue")
            user = self._user(f"buero-{name}", "Petra", office.district.name, roles.OFFICE_STAFF)
            office.staff.add(user)
            staff.append(user)
        helpers = self._helpers(offices, topics, rng)
        seniors = self._seniors(offices, rng)
        self._loan_devices(offices)
        if not Appointment.objects.exists():
            self._appointments(helpers, seniors, topics, staff[0], rng)
        if not Workshop.objects.exists():
            self._workshop(offices[0], topics, helpers, seniors, staff[0])
        transaction.on_commit(lambda: self._print_logins(coordinator, staff, helpers[:2]))

    def _user(self, username, first_name, last_name, group) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": group == roles.COORDINATOR,
            },
        )
        if created:
            user.password = self._password
            user.save(update_fields=["password"])
        elif user.is_staff != (group == roles.COORDINATOR):
            # Older demo data let office staff into the admin; only coordinators go there.
            user.is_staff = group == roles.COORDINATOR
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=group))
        return user

    def _offices(self) -> list[Office]:
        offices = []
        for district_name, office_name, street in OFFICES:
            district, _ = District.objects.get_or_create(name=district_name)
            office, created = Office.objects.get_or_create(
                name=office_name,
                defaults={
                    "district": district,
                    "street": street,
                    "postal_code": "67655",
                    "city": "Kaiserslautern",
                    "phone": "+4930123456",
                },
            )
            if created:
                hours = [(day, 10, 12) for day in range(5)] + [(day, 14, 16) for day in range(5)]
                hours.append((3, 16, 18))
                OpeningHours.objects.bulk_create(
                    OpeningHours(office=office, weekday=d, opens=_time(a), closes=_time(b))
                    for d, a, b in hours
                )
            offices.append(office)
        return offices

    def _topics(self) -> list[Topic]:
        return [
            Topic.objects.get_or_create(name=name, defaults={"duration_minutes": minutes})[0]
            for name, minutes in TOPICS
        ]

    def _helpers(self, offices, topics, rng) -> list[Helper]:
        helpers = []
        for index, full_name in enumerate(HELPERS):
            first, last = full_name.split()
            username = f"helfer-{first.lower().replace('ü', 'ue')}"
            user = self._user(username, first, last, roles.HELPER)
            helper, created = Helper.objects.get_or_create(user=user)
            if created:
                home = offices[index % len(offices)]
                helper.offices.add(home)
                helper.topics.add(*rng.sample(topics, 4))
                for weekday in rng.sample(range(5), 2):
                    Availability.objects.create(
                        helper=helper,
                        office=home,
                        weekday=weekday,
                        starts=_time(10),
                        ends=_time(12),
                        valid_from=timezone.localdate() - datetime.timedelta(days=30),
                    )
                afternoon = rng.choice(range(5))
                Availability.objects.create(
                    helper=helper,
                    office=home,
                    weekday=afternoon,
                    starts=_time(14),
                    ends=_time(16),
                    valid_from=timezone.localdate() - datetime.timedelta(days=30),
                )
            helpers.append(helper)
        return helpers

    def _seniors(self, offices, rng) -> list[Senior]:
        seniors = []
        for index in range(40):
            first = SENIOR_FIRST[index % len(SENIOR_FIRST)]
            last = SENIOR_LAST[(index * 7 + index // 20) % len(SENIOR_LAST)]
            # Numbers from the example ranges of phonenumbers: they reach nobody.
            phone = f"+49151234567{index:02d}" if index % 3 else f"+4930123456{index % 10}"
            senior, _ = Senior.objects.get_or_create(
                first_name=first,
                last_name=last,
                defaults={
                    "phone": phone,
                    "district": offices[index % len(offices)].district,
                    "reminder_consent": index % 5 != 0,
                },
            )
            if index % 8 == 1:
                # Some have a daughter who gets copies (written before any booking exists).
                ContactPerson.objects.get_or_create(
                    senior=senior,
                    defaults={
                        "name": f"Monika {last}",
                        "relation": "Tochter",
                        "phone": f"+49151234568{index:02d}",
                        "consent": True,
                        "copies_wished": True,
                    },
                )
            seniors.append(senior)
        return seniors

    def _loan_devices(self, offices) -> None:
        for office in offices:
            kinds = [DeviceKind.ANDROID_TABLET] * 3 + [DeviceKind.IPAD] * 2
            for number, kind in enumerate(kinds, start=1):
                label = f"{'Tablet' if kind == DeviceKind.ANDROID_TABLET else 'iPad'} {number}"
                LoanDevice.objects.get_or_create(
                    office=office, label=label, defaults={"kind": kind}
                )

    def _appointments(self, helpers, seniors, topics, booked_by, rng) -> None:
        """Three weeks ahead through the booking service; two weeks back as history."""
        today = timezone.localdate()
        for offset in range(-14, 22):
            day = today + datetime.timedelta(days=offset)
            for helper in helpers:
                for availability in helper.availabilities.filter(weekday=day.weekday()):
                    if rng.random() < 0.45:
                        continue
                    starts_at = timezone.make_aware(
                        datetime.datetime.combine(day, availability.starts)
                    )
                    topic = rng.choice(list(helper.topics.all()))
                    senior = rng.choice(seniors)
                    if offset < 0:
                        self._past_appointment(helper, availability, senior, topic, starts_at, rng)
                        continue
                    kind = rng.choice(KINDS)
                    lends = kind != AppointmentKind.PHONE and rng.random() < 0.2
                    video = self._relative(senior, rng) if kind == AppointmentKind.VIDEO else None
                    try:
                        services.appointment_book(
                            senior=senior,
                            helper=helper,
                            office=availability.office,
                            topic=topic,
                            starts_at=starts_at,
                            loan_device_kind=DeviceKind.IPAD if lends else None,
                            note=rng.choice(["", "möchte Fotos an die Enkel schicken", ""]),
                            booked_by=booked_by,
                            kind=kind,
                            video=video,
                        )
                    except services.BookingError:
                        continue  # a holiday, a closure, the past or a busy senior: skip

    def _relative(self, senior, rng) -> VideoCall:
        """A relative for a video call, with a number built like the example numbers,
        which reach nobody."""
        return VideoCall(
            relative_name=f"{rng.choice(SENIOR_FIRST)} {senior.last_name}",
            relative_phone=f"+49176123456{rng.randrange(100):02d}",
        )

    def _past_appointment(self, helper, availability, senior, topic, starts_at, rng) -> None:
        # Bookings in the past cannot go through the service; history is written directly.
        ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
        if availability.office.closure_reason(starts_at.date()) or senior_clashes(
            senior=senior, starts_at=starts_at, ends_at=ends_at
        ):
            return
        appointment = Appointment.objects.create(
            office=availability.office,
            helper=helper,
            senior=senior,
            topic=topic,
            starts_at=starts_at,
            ends_at=ends_at,
            status=AppointmentStatus.ATTENDED if rng.random() < 0.85 else AppointmentStatus.NO_SHOW,
        )
        Assignment.objects.create(
            helper=helper,
            appointment=appointment,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
        )

    def _workshop(self, office, topics, helpers, seniors, booked_by) -> None:
        day = timezone.localdate() + datetime.timedelta(days=10)
        day += datetime.timedelta(days=(3 - day.weekday()) % 7)  # a Thursday, open till 18:00
        starts_at = timezone.make_aware(datetime.datetime.combine(day, _time(16)))
        workshop = Workshop.objects.create(
            office=office,
            title="WhatsApp für Einsteiger",
            topic=topics[4],
            description="Nachrichten, Fotos und Sprachnachrichten an die Familie schicken.",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            seats=8,
        )
        Assignment.objects.create(helper=helpers[0], workshop=workshop)
        for senior in seniors[:10]:  # two more than seats: a waiting list
            services.workshop_register(workshop=workshop, senior=senior, booked_by=booked_by)

    def _print_logins(self, coordinator, staff, helpers) -> None:
        self.stdout.write(
            self.style.SUCCESS("Demodaten bereit. Anmeldung unter http://127.0.0.1:8000/")
        )
        rows = [("Koordination", coordinator.username)]
        rows += [(f"Büro {user.last_name}", user.username) for user in staff]
        rows += [
            (f"Ehrenamtliche/r {helper.first_name}", helper.user.username) for helper in helpers
        ]
        for role, username in rows:
            self.stdout.write(f"  {role:<32} {username:<26} Passwort: {DEMO_PASSWORD}")
