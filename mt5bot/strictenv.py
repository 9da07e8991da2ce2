"""
django-environ's `Env`, refusing a value it cannot read instead of guessing.

Stock, `PORT=50OO` stops the settings with "invalid literal for int()" and
no variable named, and `DEBUG=ture` quietly reads as False. Here both stop
the settings with ImproperlyConfigured naming the variable, before any
command runs. Values that read but make no sense (a port of 70000, an
unknown TRADING_METHOD) are the system checks' (mt5bot/checks.py).
"""

import environ
from django.core.exceptions import ImproperlyConfigured

BOOLEAN_FALSE_STRINGS = ("false", "off", "no", "n", "0", "")


class Env(environ.Env):
    def get_value(self, var, cast=None, default=environ.Env.NOTSET, **kwargs):
        if var in self.ENVIRON and cast in CHECKS:
            CHECKS[cast](var, self.ENVIRON[var])
        try:
            return super().get_value(var, cast=cast, default=default, **kwargs)
        except ValueError as exc:
            # Only typed values land here (numbers, booleans): no secret.
            value = self.ENVIRON.get(var, "")
            raise ImproperlyConfigured(
                f"{var}={value!r} cannot be read: {exc}"
            ) from None

    def db_url(
        self,
        var=environ.Env.DEFAULT_DATABASE_ENV,
        default=environ.Env.NOTSET,
        engine=None,
    ):
        try:
            return super().db_url(var, default=default, engine=engine)
        except ValueError as exc:
            # The URL may hold a password: name the variable, not its value.
            raise ImproperlyConfigured(f"{var} cannot be read: {exc}") from None

    db = db_url

    def choice(self, var, choices, default):
        """One of `choices` (compared upper-case): for values read before
        the system checks can run, such as the logging level."""
        value = self.str(var, default=default).strip().upper()
        if value not in choices:
            raise ImproperlyConfigured(
                f"{var}={value!r} is not one of {', '.join(choices)}."
            )
        return value


def check_bool(var, text):
    word = str(text).strip().lower()
    if word not in (*environ.Env.BOOLEAN_TRUE_STRINGS, *BOOLEAN_FALSE_STRINGS):
        raise ImproperlyConfigured(
            f"{var}={text!r} is neither true nor false: write True or False."
        )


def check_float(var, text):
    # Stock, every character but digits, dots, commas and dashes is dropped
    # first: COMMAND_TTL=30s read as 30, and "1e-3" was refused.
    try:
        float(text)
    except ValueError:
        raise ImproperlyConfigured(f"{var}={text!r} is not a number.") from None


CHECKS = {bool: check_bool, float: check_float}
