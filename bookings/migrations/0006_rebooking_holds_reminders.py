# A reminder can be held while its appointment must be rebooked (closure, helper gone).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_senior_no_overlap"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="needs_rebooking",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Das Büro ist geschlossen oder die/der Ehrenamtliche fällt aus; bitte die "
                    "Person anrufen. Nachrichten werden bis zur Verlegung zurückgehalten."
                ),
                verbose_name="muss neu vereinbart werden",
            ),
        ),
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
