from django.apps import AppConfig


class Mt5botConfig(AppConfig):
    name = "mt5bot"
    verbose_name = "mt5bot"

    def ready(self):
        from mt5bot import checks  # noqa: F401  (registers the system checks)
