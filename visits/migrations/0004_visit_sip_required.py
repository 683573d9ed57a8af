# The SIP who logged each visit is filled in by 0003; from here every visit names one.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0003_handover_year_end_and_ticked_steps"),
    ]

    operations = [
        migrations.AlterField(
            model_name="visit",
            name="sip",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits_logged",
                to=settings.AUTH_USER_MODEL,
                verbose_name="SIP",
            ),
        ),
    ]
