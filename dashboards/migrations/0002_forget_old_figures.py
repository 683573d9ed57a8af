from django.db import migrations


def forget_old_figures(apps, schema_editor):
    # Figures computed before LA totals existed would read as zeros: drop them, and the next
    # refresh (every few minutes) computes them again; pages say the figures are not ready meanwhile.
    apps.get_model("dashboards", "FiguresRefresh").objects.all().delete()


class Migration(migrations.Migration):
    # On its own: PostgreSQL refuses to alter a table in the transaction that deleted its rows.
    dependencies = [("dashboards", "0001_national_figures")]

    operations = [migrations.RunPython(forget_old_figures, migrations.RunPython.noop)]
