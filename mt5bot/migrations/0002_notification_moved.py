# The Notification model moved to the notifications app. Its table is renamed
# here and the model leaves this app's state; notifications' first migration
# takes it over without touching the database, so no row is lost.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mt5bot", "0001_notification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(
                    name="notification", table="notifications_notification"
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="notification"),
            ],
        ),
    ]
