# A reminder can be held while its appointment must be rebooked.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_reminders_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "wartet"),
                    ("sending", "wird gesendet"),
                    ("sent", "gesendet"),
                    ("delivered", "zugestellt"),
                    ("answered", "beantwortet"),
                    ("no_answer", "nicht erreicht"),
                    ("failed", "fehlgeschlagen"),
                    ("cancelled", "hinfällig"),
                    ("held", "zurückgehalten"),
                ],
                db_index=True,
                default="pending",
                max_length=10,
                verbose_name="Status",
            ),
        ),
    ]
