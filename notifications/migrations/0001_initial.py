# Takes over the Notification model (and its table, renamed by mt5bot's
# 0002) from the mt5bot app, where it was created; its content type follows,
# so admin log entries and permissions keep pointing at it.

import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.filter(app_label="mt5bot", model="notification")
    if not ContentType.objects.filter(
        app_label="notifications", model="notification"
    ).exists():
        moved.update(app_label="notifications")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mt5bot", "0002_notification_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('startup', 'Startup'), ('account_online', 'Account Online'), ('account_offline', 'Account Offline'), ('account_degraded', 'Account Degraded'), ('validation_error', 'Validation Error'), ('unauthorized', 'Unauthorized'), ('login_failed', 'Login Failed'), ('trade_executed', 'Trade Executed'), ('trade_failed', 'Trade Failed')], max_length=30)),
                        ('key', models.CharField(blank=True, max_length=100)),
                        ('channel', models.CharField(max_length=200)),
                        ('subject', models.CharField(max_length=200)),
                        ('body', models.TextField(blank=True)),
                        ('repeats', models.PositiveIntegerField(default=0)),
                        ('status', models.CharField(choices=[('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='sending', max_length=10)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
