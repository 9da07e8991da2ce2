# Takes SymbolList over from the mapping app without touching its table
# (db_table keeps the first name); its content type follows, so admin log
# entries and permissions keep pointing at it.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="symbollist").exists():
        ContentType.objects.filter(app_label="mapping", model="symbollist").update(
            app_label="accounts"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_host_and_key_rotation"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mapping", "0002_symbollist_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SymbolList',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('symbols', models.JSONField(blank=True, default=list)),
                        ('count', models.PositiveIntegerField(default=0)),
                        ('listed_at', models.DateTimeField(blank=True, help_text='When the terminal wrote the list.', null=True)),
                        ('stored_at', models.DateTimeField(blank=True, null=True)),
                        ('refresh_requested_at', models.DateTimeField(blank=True, help_text='Set to ask the supervisor for a fresh list; cleared when one is stored.', null=True)),
                        ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='symbol_list', to='accounts.account')),
                    ],
                    options={
                        'db_table': 'mapping_symbollist',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
