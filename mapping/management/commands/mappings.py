"""
`manage.py mappings import|export|resolve|refresh`.

import/export read and write the seed's `data/custom_mappings.json` format, a
JSON object of alias -> broker symbol (`{"goldspot": "XAUUSD"}`): the global
mappings, or one account's with --account. `resolve` shows what an alert's
symbol becomes on each account, and why, before the alert goes live.
"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account, SymbolList
from ea import protocol
from mapping.models import SymbolMapping
from mapping.resolver import explain
from mapping.seedfile import SEED_FILE, SeedError, read_pairs, save_pairs


class Command(BaseCommand):
    help = "Import, export and try symbol mappings; ask terminals for their lists."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("import", f"read mappings from FILE (default DATA_DIR/{SEED_FILE})"),
            ("export", f"write mappings to FILE (default DATA_DIR/{SEED_FILE})"),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("file", nargs="?", help='a path, or "-" for stdin/out')
            sub.add_argument("--account", help="one account's mappings, not global")
        actions.choices["import"].add_argument(
            "--replace",
            action="store_true",
            help="also delete the mappings (in that scope) the file leaves out",
        )
        sub = actions.add_parser("resolve", help="what SYMBOL becomes on each account")
        sub.add_argument("symbol")
        sub.add_argument("--account", help="only this account")
        sub = actions.add_parser("refresh", help="ask terminals for a fresh list")
        sub.add_argument("--account", help="only this account")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def account(self, login):
        if login is None:
            return None
        account = Account.objects.filter(login=login).first()
        if account is None:
            raise CommandError(f"No account {login}.")
        return account

    def path(self, file):
        return Path(file) if file else Path(settings.DATA_DIR) / SEED_FILE

    def do_import(self, file=None, account=None, replace=False, **options):
        account = self.account(account)
        try:
            pairs = read_pairs(sys.stdin.read() if file == "-" else self.load(file))
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        created, changed, deleted = save_pairs(pairs, account, replace)
        scope = f"account {account.login}" if account else "all accounts"
        self.stdout.write(
            f"{len(pairs)} mapping(s) for {scope}: {created} new, {changed} "
            f"changed, {deleted} deleted."
        )

    def load(self, file):
        try:
            return self.path(file).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {self.path(file)}: {exc}") from None

    def do_export(self, file=None, account=None, **options):
        account = self.account(account)
        rows = SymbolMapping.objects.filter(account=account).order_by("alias")
        text = json.dumps({m.alias.lower(): m.symbol for m in rows}, indent=2) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
            return
        path = self.path(file)
        protocol.write_atomic(path.parent, path.name, text)
        self.stdout.write(f"Wrote {rows.count()} mapping(s) to {path}.")

    def do_resolve(self, symbol, account=None, **options):
        accounts = [self.account(account)] if account else Account.objects.all()
        for row in explain(symbol, accounts):
            listed = "list unknown" if row.listed is None else f"{row.listed} symbols"
            if row.refused:
                answer = f"REFUSED  {row.refused}"
            else:
                answer = f"{row.symbol}  ({row.how})"
            self.stdout.write(f"{row.account.login}  [{listed}]  {answer}")

    def do_refresh(self, account=None, **options):
        accounts = [self.account(account)] if account else Account.objects.all()
        SymbolList.request_refresh(accounts)
        note = (
            ""
            if settings.SYMBOL_FETCH_ENABLED
            else (" SYMBOL_FETCH_ENABLED is off: no supervisor will pass it on.")
        )
        self.stdout.write(f"Asked for {len(accounts)} fresh list(s).{note}")
