# Takes the Signal model over from the signals app without touching the
# database: the table keeps its first name (db_table) and every row, and the
# commands' foreign key already points at it. signals' 0002 then drops the
# model from its own state. The content type follows, so admin log entries
# and permissions keep pointing at it.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="history", model="signal").exists():
        ContentType.objects.filter(app_label="signals", model="signal").update(
            app_label="history"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("history", "0002_delivery"),
        ("signals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Signal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('received_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('source_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('content_type', models.CharField(blank=True, max_length=200)),
                        ('raw_body', models.TextField(blank=True)),
                        ('body_hash', models.CharField(blank=True, max_length=64)),
                        ('format', models.CharField(blank=True, max_length=20)),
                        ('idempotency_key', models.CharField(blank=True, max_length=200, null=True)),
                        ('outcome', models.CharField(choices=[('accepted', 'Accepted'), ('duplicate', 'Duplicate (re-send)'), ('rejected', 'Rejected')], max_length=10)),
                        ('http_status', models.PositiveSmallIntegerField()),
                        ('rejection_code', models.CharField(blank=True, max_length=40)),
                        ('rejection_reason', models.TextField(blank=True)),
                        ('rejection_field', models.CharField(blank=True, max_length=100)),
                        ('parsed', models.JSONField(blank=True, null=True)),
                        ('duplicate_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='history.signal')),
                    ],
                    options={
                        'db_table': 'signals_signal',
                        'ordering': ['-received_at', '-id'],
                        'indexes': [models.Index(fields=['body_hash', 'received_at'], name='signal_dedupe')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', 'accepted')), fields=('idempotency_key',), name='signal_one_accepted_per_key')],
                    },
                ),
                migrations.AlterField(
                    model_name='command',
                    name='signal',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commands', to='history.signal'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
