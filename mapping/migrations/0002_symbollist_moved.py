# SymbolList moved to the accounts app (the terminal reports it). Only the
# state changes: the table keeps its name and every row. accounts' 0005 takes
# the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mapping", "0001_symbol_mapping"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SymbolList")],
            database_operations=[],
        ),
    ]
