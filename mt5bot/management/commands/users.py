"""
`manage.py users list|add|role|deactivate`: the logins and their roles.

A password is never an argument (it would sit in the shell's history and the
process list): `add` asks for it at a terminal, or reads the environment
variable `--password-env` names.
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mt5bot import roles


class Command(BaseCommand):
    help = "List the logins with their roles, add one, change its role, deactivate it."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Every login, its role and whether active.")
        add = actions.add_parser("add", help="Add a login with a role.")
        add.add_argument("username")
        add.add_argument("--role", choices=list(roles.ROLES), required=True)
        add.add_argument(
            "--password-env",
            metavar="NAME",
            help="Read the password from this environment variable "
            "(default: ask at the terminal).",
        )
        role = actions.add_parser("role", help="Give a login another role.")
        role.add_argument("username")
        role.add_argument("role", choices=list(roles.ROLES))
        off = actions.add_parser("deactivate", help="Refuse a login from now on.")
        off.add_argument("username")

    def handle(self, *args, action, **options):
        roles.ensure_groups()
        getattr(self, f"do_{action}")(**options)

    def do_list(self, **options):
        users = get_user_model().objects.order_by("username")
        for user in users.prefetch_related("groups"):
            state = "active" if user.is_active else "inactive"
            role = roles.role_of(user) or "no role"
            self.stdout.write(f"{user.get_username():<24} {role:<10} {state}")

    def do_add(self, username, role, password_env=None, **options):
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"{username!r} exists: `users role` changes its role.")
        password = self.password(password_env)
        try:
            validate_password(password, users(username=username))
        except ValidationError as exc:
            raise CommandError(f"Password refused: {' '.join(exc)}") from None
        with transaction.atomic():
            user = users.objects.create_user(username=username, password=password)
            roles.assign(user, role)
        self.stdout.write(f"Added {username!r} as {role}.")

    def do_role(self, username, role, **options):
        user = self.user(username)
        roles.assign(user, role)
        note = " (a superuser keeps every permission)" if user.is_superuser else ""
        self.stdout.write(f"{username!r} is now {role}{note}.")

    def do_deactivate(self, username, **options):
        user = self.user(username)
        user.is_active = False
        user.save(update_fields=["is_active"])
        self.stdout.write(f"{username!r} is deactivated: its logins are refused.")

    def user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No login {username!r}.") from None

    def password(self, variable):
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"{variable} is not set or empty.")
            return password
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask at: use --password-env NAME.")
        password = getpass.getpass("Password: ")
        if not password or password != getpass.getpass("Again: "):
            raise CommandError("The passwords differ or are empty.")
        return password
