# Signal moved to the history app (history's 0003 took it over, table and
# rows untouched); only this app's state lets it go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("history", "0003_signal"),
        ("signals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Signal")],
            database_operations=[],
        ),
    ]
