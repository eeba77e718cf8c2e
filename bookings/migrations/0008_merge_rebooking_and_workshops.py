# The branches "world" (0006, held messages) and workshop changes (0007) both followed
# 0004; neither touches what the other changes, so the merge has no operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_rebooking_holds_reminders"),
        ("bookings", "0007_workshop_changes"),
    ]

    operations = []
