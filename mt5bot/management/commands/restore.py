"""`manage.py restore`: put a backup back, on a stopped install."""

import logging

from django.core.management.base import BaseCommand, CommandError

from mt5bot import backups

logger = logging.getLogger("mt5bot.backup")


class Command(BaseCommand):
    help = (
        "Replace this install's database and .env with a backup's (the newest "
        "under BACKUP_DIR unless named). Refuses while the bot runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="A backup's name or path.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the install seems to be running.",
        )

    def handle(self, *args, backup, force, **options):
        try:
            path = backups.find(backup)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        running = backups.running_install()
        if running and not force:
            raise CommandError(
                f"The install seems to be running: {running}. Stop it first "
                "(restoring under a running bot loses what it writes), or pass "
                "--force."
            )
        try:
            kept = backups.restore(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        logger.warning("Restored the backup %s", path)
        self.stdout.write(f"Restored {path}.")
        if kept:
            self.stdout.write(f"The previous .env is in {kept}.")
        tunnel = path / backups.TUNNEL
        if tunnel.is_dir():
            self.stdout.write(
                f"The tunnel's config folder is in {tunnel}, not restored: on a "
                "new machine, copy it to TUNNEL_CONFIG_DIR (~/.cloudflared)."
            )
        self.stdout.write("Start the bot again: `python3 run.py`.")
