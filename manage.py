#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

HELP = {"-h", "--help"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mt5bot.settings")
    command, options = sys.argv[1:2], set(sys.argv[2:])
    if command == ["setup"] and options & HELP:
        # The help needs the settings loaded, and they refuse to load without
        # SECRET_KEY; asking for the help must not write .env, and the help
        # uses no secret: this one lives as long as the process.
        os.environ.setdefault("SECRET_KEY", "unused-setup-help")
    elif command == ["setup"]:
        # The settings refuse to load without SECRET_KEY, and writing it is
        # setup's job: on a fresh clone the secrets go into .env first.
        from mt5bot import envfile

        written = envfile.ensure_secrets(envfile.location())
        if written:
            print(f"Wrote {', '.join(written)} to {envfile.location()}.")
    if command == ["webhookurl"]:
        return settings_only("webhookurl")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def settings_only(name):
    """Run a command that reads settings only, without django.setup(): no
    app registry, models, admin, logging or system checks to load first.
    `webhookurl` answers in about 0.1 s this way, where setup and checks
    took 0.7 s here and several seconds on a slow disk (the README pipes it
    into curl)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import load_command_class

    try:
        command = load_command_class("mt5bot", name)
        command.run_from_argv(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"The settings cannot load: {exc}. `python3 run.py` sets up.")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # Ctrl-C before the command set its own handler (serve's, the
        # supervisor's): one line, not a traceback.
        print("\nStopped (Ctrl-C).", file=sys.stderr)
        sys.exit(130)
