from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def make_roles(sender, using="default", **kwargs):
    """After a migrate, once every app's permissions exist (auth makes them
    per app, in INSTALLED_APPS order), the role groups get theirs: a fresh
    database has the roles without `manage.py setup`."""
    with_models = [c for c in apps.get_app_configs() if c.models_module]
    if with_models and sender is with_models[-1]:
        from mt5bot import roles

        roles.ensure_groups()


class Mt5botConfig(AppConfig):
    name = "mt5bot"
    verbose_name = "mt5bot"

    def ready(self):
        from mt5bot import checks  # noqa: F401  (registers the system checks)

        post_migrate.connect(make_roles, dispatch_uid="mt5bot-roles")
