from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = "Symbol mapping"

    def ready(self):
        from mapping import catalog

        catalog.connect()
