"""`make run` loads the demo city; loading it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.models import (
    Appointment,
    Helper,
    LoanDevice,
    Registration,
    RegistrationStatus,
    Reminder,
    Senior,
)
from neighborhoods.models import Office


def _counts() -> dict[str, int]:
    models = [Office, Helper, Senior, LoanDevice, Appointment, Registration, Reminder]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db(transaction=True)
def test_it_loads_a_demo_city_once(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    first = _counts()

    call_command("demo_data", stdout=StringIO())

    assert _counts() == first
    assert first["Office"] == 3
    assert first["Helper"] == 12
    assert first["Senior"] == 40
    assert first["LoanDevice"] == 15
    assert first["Appointment"] > 30
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count() == 2
    assert "koordination" in out.getvalue()
    assert "helfer-sabine" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data", stdout=StringIO())
