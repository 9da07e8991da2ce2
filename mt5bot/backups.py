"""
Backups of an install: the database, `.env`, the symbol mappings, the logs
and the tunnel's config folder, in one timestamped folder under BACKUP_DIR,
made while the bot runs.

The database copy is consistent without stopping anything:
- SQLite: the online backup API copies every page inside one read
  transaction, so the copy is the database as of one instant; WAL lets the
  bot keep writing meanwhile.
- Anything else (PostgreSQL): `dumpdata` with natural keys inside one
  REPEATABLE READ transaction, a single snapshot. Chosen over `pg_dump`
  because it needs no client binaries of the server's version (rarely on a
  trader's Windows PC), restores through the app's own connection with
  `loaddata` after `migrate`, and even moves an install between engines.
  The price is speed on very large histories.

A backup is written to a hidden `.partial-` folder and renamed when complete,
so a crash never leaves something that looks like a backup.

The logs (`logs/`) and the tunnel's folder (`tunnel/`, TUNNEL_CONFIG_DIR) are
copied file by file, when present: a log rotated away mid-copy, or a file the
bot's user may not read, is skipped and named, never a failed backup. Restore
leaves both to the person: they belong on the machine, not in the database.
"""

import http.client
import json
import os
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from accounts.models import Supervisor
from mapping.models import SymbolMapping
from mt5bot import envfile, filemodes

NAME = re.compile(r"\Amt5bot-\d{8}-\d{6}(-\d+)?\Z")
SQLITE_FILE = "database.sqlite3"
JSON_FILE = "database.json"
ENV_FILE = "env"
LOGS = "logs"
TUNNEL = "tunnel"
# The log's lock file (mt5bot/logs.py): not a log, and held by the writers.
NOT_COPIED = (".__trading_bot.lock",)
# Rebuilt by migrate (content types, permissions) or worthless once restored
# (sessions); natural keys let the rest point at the rebuilt rows.
NOT_DUMPED = ["contenttypes", "auth.permission", "sessions"]
# Models that moved to another app: a JSON backup made before names the old.
MOVED = {
    "mt5bot.notification": "notifications.notification",
    "mapping.symbollist": "accounts.symbollist",
    "signals.signal": "history.signal",
}
# Values renamed since: (model, field) -> {old: new}.
RENAMED = {("history.signal", "outcome"): {"rejected": "refused"}}
# dumpdata's json, with timestamps to the microsecond (mt5bot.exactjson).
EXACT_JSON = "mt5bot-exact-json"
ANY_ADDRESS = ("", "0.0.0.0", "::")  # noqa: S104 (compared with, never bound)


def on_sqlite():
    return connection.vendor == "sqlite"


def create(folder=None, skipped=None):
    """Make a backup under `folder` (BACKUP_DIR); returns its path. The files
    of the logs and the tunnel's folder that could not be copied go into
    `skipped` (a list), as (path, why)."""
    root = Path(folder or settings.BACKUP_DIR)
    filemodes.make_private_dir(root)
    name = free_name(root)
    partial = root / f".partial-{name}"
    # Owner-only: it holds the whole database and .env's secrets.
    filemodes.make_private_dir(partial)
    try:
        if on_sqlite():
            copy_sqlite(settings.DATABASES["default"]["NAME"], partial / SQLITE_FILE)
        else:
            dump_json(partial / JSON_FILE)
        copy_env(partial)
        export_mappings(partial / "mappings")
        copied = copy_extras(partial, [] if skipped is None else skipped)
        write_manifest(partial, copied)
        partial.rename(root / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return root / name


def free_name(root):
    stamp = f"mt5bot-{timezone.localtime():%Y%m%d-%H%M%S}"
    name, n = stamp, 1
    while (root / name).exists():
        n += 1
        name = f"{stamp}-{n}"
    return name


def copy_sqlite(source, target):
    """source -> target through SQLite's online backup, then checked."""
    filemodes.create_private(target)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        # The check evaluates CHECK constraints, and the account login's
        # uses Django's REGEXP, which a plain connection lacks.
        dst.create_function("REGEXP", 2, regexp, deterministic=True)
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise RuntimeError(f"the copy of {source} fails its check: {verdict}")
    finally:
        src.close()
        dst.close()


def regexp(pattern, value):
    return value is not None and re.search(pattern, str(value)) is not None


def dump_json(path):
    serializers.register_serializer(EXACT_JSON, "mt5bot.exactjson")
    filemodes.create_private(path)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every table: a command never outlives its signal.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            format=EXACT_JSON,
            natural_foreign=True,
            natural_primary=True,
            exclude=NOT_DUMPED,
            output=str(path),
            verbosity=0,
        )


def copy_env(folder):
    env = Path(settings.ENV_FILE)
    if env.is_file() and env.stat().st_size:
        filemodes.create_private(folder / ENV_FILE)
        shutil.copyfile(env, folder / ENV_FILE)


def copy_extras(folder, skipped):
    """The logs and the tunnel's folder, each when it exists; returns
    {name in the backup: the folder copied}."""
    copied = {}
    sources = {LOGS: settings.LOG_DIR, TUNNEL: settings.TUNNEL_CONFIG_DIR}
    for name, source in sources.items():
        if source and Path(source).is_dir():
            skipped += copy_tree(Path(source), folder / name)
            copied[name] = str(source)
    return copied


def copy_tree(source, target):
    """Copy every file under `source`; returns [(path, why)] of those that
    vanished (a log rotated away) or could not be read. Links are not
    followed: a backup holds the install's own files only."""
    skipped = []
    for parent, dirs, names in os.walk(source):
        here = Path(parent)
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        place = target / here.relative_to(source)
        filemodes.make_private_dir(place)
        for name in names:
            path = here / name
            if name in NOT_COPIED or path.is_symlink():
                continue
            try:
                # Opened first: a file rotated away leaves no empty copy.
                with path.open("rb") as original:
                    filemodes.create_private(place / name)
                    with (place / name).open("wb") as copy:
                        shutil.copyfileobj(original, copy)
            except OSError as exc:
                skipped.append((path, exc.strerror or str(exc)))
    return skipped


def export_mappings(folder):
    """The mappings again, in the seed's format (`mappings import` reads it):
    one file for the global ones and one per account that has its own."""
    folder.mkdir()
    scopes = {None} | set(
        SymbolMapping.objects.exclude(account=None).values_list(
            "account__login", flat=True
        )
    )
    for login in scopes:
        args = ["--account", login] if login else []
        call_command(
            "mappings", "export", str(folder / f"{login or 'global'}.json"), *args
        )


def write_manifest(folder, copied=None):
    applied = MigrationRecorder(connection).applied_migrations()
    manifest = {
        "created": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": sorted(f"{app}.{name}" for app, name in applied),
        # Which folders of the machine the backup's logs/ and tunnel/ hold.
        "copied": copied or {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def existing(folder=None):
    """Backups under `folder`, oldest first (the names sort by time)."""
    root = Path(folder or settings.BACKUP_DIR)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and NAME.match(p.name))


def prune(keep, folder=None):
    """Delete all but the newest `keep` backups; returns the deleted ones."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    old = existing(folder)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


class BackupError(Exception):
    pass


def find(name=None, folder=None):
    """The backup `name` (a folder under BACKUP_DIR, or a path); without a
    name, the newest."""
    root = Path(folder or settings.BACKUP_DIR)
    if name is None:
        found = existing(root)
        if not found:
            raise BackupError(f"No backup in {root}.")
        return found[-1]
    path = Path(name) if Path(name).is_dir() else root / name
    if not (path / "manifest.json").is_file():
        raise BackupError(f"{name} is not a backup (no manifest.json in {path}).")
    return path


def running_install():
    """Why this install looks like it runs, or None. A supervisor that beats
    in this database (serve runs one inside unless told not to), or anything
    answering the health check on HOST:PORT (serve --no-supervisor)."""
    try:
        supervisor = Supervisor.objects.alive().first()
    except DatabaseError:  # no tables yet: nothing has run on this database
        supervisor = None
    if supervisor:
        return f"{supervisor} beat at {supervisor.beat_at:%H:%M:%S}"
    # A server listening on every interface answers on loopback.
    host = "127.0.0.1" if settings.HOST in ANY_ADDRESS else settings.HOST
    # http.client, not urllib: a proxy from the environment must not answer.
    server = http.client.HTTPConnection(host, settings.PORT, timeout=1)
    try:
        server.request("GET", "/webhook/health")
        status = server.getresponse().status
    except OSError:
        return None
    finally:
        server.close()
    return f"a server answers on {host}:{settings.PORT} ({status})"


def restore(path):
    """Bring this install's database and .env back to the backup at `path`.
    The caller has made sure the install is stopped."""
    path = Path(path)
    if (path / SQLITE_FILE).is_file():
        if not on_sqlite():
            raise BackupError(
                f"{path} holds a SQLite database; this install runs on "
                f"{connection.vendor}. Restore it on SQLite (no DATABASE_URL)."
            )
        connection.close()
        copy_sqlite(path / SQLITE_FILE, settings.DATABASES["default"]["NAME"])
        # A backup made by an older version gets this version's schema.
        call_command("migrate", interactive=False, verbosity=0)
    else:
        load_json(path / JSON_FILE)
    return restore_env(path / ENV_FILE)


def load_json(file):
    call_command("migrate", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as scratch:
        file = relabelled(file, Path(scratch))
        with transaction.atomic():
            # flush empties every table and lets migrate's signal rebuild the
            # content types and permissions the dump refers to by natural key.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(file), verbosity=0)


def relabelled(file, scratch):
    """`file`, or a copy in `scratch` whose rows of a model that has moved to
    another app since the backup (MOVED) carry its label of today, as do the
    permissions that name it, and whose renamed values (RENAMED) their name
    of today: loaddata knows only today's labels and migrates nothing."""
    rows = json.loads(Path(file).read_text(encoding="utf-8"))
    text = json.dumps([relabel(row) for row in rows])
    if text == json.dumps(rows):
        return file
    copy = scratch / Path(file).name
    copy.write_text(text, encoding="utf-8")
    return copy


def relabel(row):
    row = {**row, "model": MOVED.get(row.get("model"), row.get("model"))}
    fields = dict(row.get("fields") or {})
    for name in ("permissions", "user_permissions"):
        if isinstance(fields.get(name), list):
            fields[name] = [relabel_key(key) for key in fields[name]]
    for (model, name), values in RENAMED.items():
        if row["model"] == model and fields.get(name) in values:
            fields[name] = values[fields[name]]
    return {**row, "fields": fields} if "fields" in row else row


def relabel_key(key):
    """A permission's natural key, [codename, app label, model]."""
    if isinstance(key, list) and len(key) == 3:
        app, _, model = MOVED.get(f"{key[1]}.{key[2]}", f"{key[1]}.{key[2]}").partition(
            "."
        )
        return [key[0], app, model]
    return key


def restore_env(saved):
    """Put the backup's .env in place, the current one kept beside it as
    `.env.pre-restore`. Returns the kept file, or None."""
    target = Path(settings.ENV_FILE)
    if not saved.is_file() or str(target) == os.devnull:
        return None
    text = saved.read_text(encoding="utf-8")
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return None
    kept = None
    if target.is_file():
        kept = target.with_name(f"{target.name}.pre-restore")
        filemodes.create_private(kept)
        shutil.copyfile(target, kept)
        filemodes.tighten([kept])  # one an older version left
    envfile.write_atomic(target, text)
    return kept
