"""The office staff's side: finding the caller, booking by phone, the day list, workshops
and the message lists. Forms, views, URLs and the read-back sentence live here; every write
goes through `bookings.services`."""
