"""What the desk asks the slot search (`SlotQuery`) and what it answers (`Slot`), with the
cursor that lets a "show more" link go on after the last slot shown."""

from __future__ import annotations

import dataclasses
import datetime

from bookings.models import AppointmentKind, Topic


@dataclasses.dataclass(frozen=True)
class Slot:
    """A bookable time: one helper at one office; ordered by time, office, helper."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    office_id: int
    office_name: str
    helper_id: int
    helper_first_name: str

    @property
    def key(self) -> tuple[datetime.datetime, int, int]:
        return (self.starts_at, self.office_id, self.helper_id)

    @property
    def cursor(self) -> str:
        """The key as text, for a "show more" link that continues after this slot."""
        return f"{int(self.starts_at.timestamp())}-{self.office_id}-{self.helper_id}"


def parse_cursor(text: str) -> tuple[datetime.datetime, int, int] | None:
    try:
        stamp, office_id, helper_id = (int(part) for part in text.split("-"))
        moment = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return (moment, office_id, helper_id)


@dataclasses.dataclass(frozen=True)
class SlotQuery:
    """What staff asked for; empty offices or weekdays mean "any"."""

    topic: Topic
    first_day: datetime.date
    kind: str = AppointmentKind.OFFICE  # by phone: the office's opening hours do not apply
    offices: tuple[int, ...] = ()
    skip_offices: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    part_of_day: str = ""
    loan_device_kind: str = ""
    after: tuple[datetime.datetime, int, int] | None = None
    senior_id: int | None = None  # leave out times at which this senior is already busy
    moving_id: int | None = None  # except for the appointment that is being moved
