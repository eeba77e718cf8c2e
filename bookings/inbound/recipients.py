"""Who a reply comes from: the outbox rows that went to a phone number.

A number may be a senior's own and, at the same time, the contact person's of another
senior (a married couple): a reply answers the newest message that reached the number,
whoever's appointment it was about.
"""

from __future__ import annotations

from django.db.models import Q

from bookings.models import ContactPerson, Reminder, Senior


def sent_to(number: str) -> Q:
    """Outbox rows addressed to `number`: the senior's own, copies to their contact, and
    the invitations to the relative of a video call."""
    return (
        Q(addressee=Reminder.Addressee.SELF, senior__phone=number)
        | Q(addressee=Reminder.Addressee.CONTACT, senior__contact_person__phone=number)
        | Q(addressee=Reminder.Addressee.RELATIVE, appointment__video__relative_phone=number)
    )


def sender_of(number: str, answered: Reminder | None) -> tuple[Senior | None, str]:
    """The senior a reply from `number` is about, and whether they or their contact
    person sent it: that of the message it answers, else the senior with this number,
    else the senior whose contact person has it."""
    if answered is not None:
        return answered.senior, answered.addressee
    senior = Senior.objects.filter(phone=number).first()
    if senior is not None:
        return senior, Reminder.Addressee.SELF
    contact = ContactPerson.objects.filter(phone=number).select_related("senior").first()
    if contact is not None:
        return contact.senior, Reminder.Addressee.CONTACT
    return None, Reminder.Addressee.SELF
