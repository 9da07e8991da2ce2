#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mt5bot.settings")
    if sys.argv[1:2] == ["setup"]:
        # The settings refuse to load without SECRET_KEY, and writing it is
        # setup's job: on a fresh clone the secrets go into .env first.
        from mt5bot import envfile

        written = envfile.ensure_secrets(envfile.location())
        if written:
            print(f"Wrote {', '.join(written)} to {envfile.location()}.")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
