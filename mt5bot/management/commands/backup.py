"""`manage.py backup`: a consistent copy of the install while it runs."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mt5bot import backups

logger = logging.getLogger("mt5bot.backup")


class Command(BaseCommand):
    help = (
        "Back up the database, .env, the symbol mappings, the logs and the "
        "tunnel's config folder (TUNNEL_CONFIG_DIR) into a timestamped folder "
        "under BACKUP_DIR, then keep only the newest BACKUP_KEEP backups. Safe "
        "while the bot runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="Backups to keep, this one included (default BACKUP_KEEP).",
        )
        parser.add_argument("--dir", help="Where to write (default BACKUP_DIR).")

    def handle(self, *args, keep, dir, **options):
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        skipped = []
        path = backups.create(dir, skipped)
        logger.info("Backup written to %s", path)
        self.stdout.write(f"Backup written to {path}")
        for file, why in skipped:
            logger.warning("Backup %s: %s not copied (%s)", path.name, file, why)
            self.stderr.write(f"Not copied: {file} ({why})")
        for old in backups.prune(keep, dir):
            self.stdout.write(f"Deleted old backup {old.name}")
