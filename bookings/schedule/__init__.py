"""The helpers' side, made for their phones: their appointments, weekly availability,
absences and the calendar feed."""
