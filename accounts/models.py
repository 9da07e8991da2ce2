import functools
import hashlib
import hmac
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.books import AccountBook, DailyPnl, EquityPoint  # noqa: F401
from accounts.supervisors import Supervisor, SupervisorQuerySet  # noqa: F401
from accounts.symbol_list import SymbolList  # noqa: F401
from accounts.validators import (
    LOGIN_PATTERN,
    parse_symbol_list,
    validate_fault_profile,
    validate_login,
)
from ea import protocol
from mt5bot.bounds import plain

DEFAULT_MAGIC = 20250929
# The magic numbers an account may carry: the range both terminals accept
# (ea/PROTOCOL.md 3). 0 is what manual trades carry, so with it every manual
# position would count as the bot's own (CLOSE_ALL would close them); the EA
# reads integers of at most 18 digits. The column itself may be narrower (32
# bits on PostgreSQL); its own range validator then says so.
MIN_MAGIC, MAX_MAGIC = protocol.MAGIC_MIN, protocol.MAGIC_MAX
# An alert's volume is multiplied by at most this; a larger factor is a typo
# (1000 for 1.000), not a sizing decision.
MAX_MULTIPLIER = Decimal(1000)
# Validated on every save as well as in forms: the settings that decide what
# is traded, and the fault profile a paper terminal is started with.
BOUNDED_FIELDS = ("volume_multiplier", "max_volume", "magic", "paper_faults")
# Compared against when there is no key: as long as a digest, so a missing
# key takes the same time as a wrong one, and matches no hex digest.
NO_KEY = "-" * 64
# What the trader sets on an account, in the order the admin and the API show
# it; the terminal's own fields are written by the supervisor.
SETTINGS_FIELDS = (
    "nickname",
    "enabled",
    "trading_paused",
    "volume_multiplier",
    "max_volume",
    "allowed_symbols",
    "contract_kind",
    "magic",
)


class Kind(models.TextChoices):
    PAPER = "paper", "paper terminal"
    MT5 = "mt5", "MetaTrader 5"


class MarginMode(models.TextChoices):
    HEDGING = "hedging"
    NETTING = "netting"


class Transport(models.TextChoices):
    FILE = "file", "files in the terminal's MQL5/Files folder"
    HTTP = "http", "HTTP (the EA fetches commands)"


class ContractKind(models.TextChoices):
    """Which contract an alert trades where the broker lists an instrument
    both ways (mapping/kinds.py)."""

    CASH = "cash", "cash CFD"
    FUTURES = "futures", "futures contract"
    ASK = "ask", "neither: refuse as ambiguous"


class Desired(models.TextChoices):
    RUNNING = "running"
    STOPPED = "stopped"


class TerminalStatus(models.TextChoices):
    STOPPED = "stopped"
    STARTING = "starting"
    ONLINE = "online"
    DEGRADED = "degraded"
    OFFLINE = "offline"


def validate_order_volume(value):
    """An account's max_volume is at most the global hard limit, read when
    validating: a changed MAX_ORDER_VOLUME needs no migration."""
    limit = settings.MAX_ORDER_VOLUME
    if value is not None and value > limit:
        raise ValidationError(
            "Ensure this value is at most MAX_ORDER_VOLUME (%(limit)s lots).",
            code="max_value",
            params={"limit": limit},
        )


def files_dir(login):
    """<MT5_INSTANCES_DIR>/<login>/MQL5/Files, the folder the bridge writes
    commands into and reads results, heartbeats and symbol lists from; raises
    ProtocolError for a login that would lead outside the root. The one place
    the running bridge names a terminal's folder (`Account.files_dir`); the
    install checks of accounts.instances build on the same rule."""
    return _files_dir(str(settings.MT5_INSTANCES_DIR), login)


@functools.lru_cache(maxsize=4096)
def _files_dir(root, login):
    # Resolving the path (and so checking it stays inside the root) costs a
    # few system calls; the supervisor asks for the same folders every pass.
    # Cached, so it proves nothing about later writes: those check again
    # (`inside.write_inside` with `instances_root()`).
    return protocol.files_dir(root, login)


def instances_root():
    """MT5_INSTANCES_DIR resolved: the folder every write into a terminal's
    folder is checked against at the moment of writing."""
    return _resolved(str(settings.MT5_INSTANCES_DIR))


@functools.lru_cache(maxsize=16)
def _resolved(root):
    return Path(root).resolve()


class Account(models.Model):
    """One MT5 account, traded through its own portable terminal."""

    login = models.CharField(
        "account number",
        max_length=20,
        unique=True,
        validators=[validate_login],
        help_text="The MT5 login: digits only.",
    )
    nickname = models.CharField(max_length=100, blank=True)
    enabled = models.BooleanField(
        default=True, help_text="Disabled accounts refuse every alert."
    )
    trading_paused = models.BooleanField(
        default=False,
        help_text="Paused accounts refuse every alert, with that reason in history.",
    )
    volume_multiplier = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=Decimal(1),
        validators=[
            MinValueValidator(Decimal("0.0001")),
            MaxValueValidator(MAX_MULTIPLIER),
        ],
        help_text="Each alert's volume is multiplied by this for this account "
        "(above 0, at most 1000).",
    )
    max_volume = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.0001")),
            validate_order_volume,
        ],
        help_text="Orders that open positions are capped at this volume "
        "(at most MAX_ORDER_VOLUME).",
    )
    allowed_symbols = models.TextField(
        blank=True,
        help_text="Comma-separated; when set, other symbols are refused.",
    )
    contract_kind = models.CharField(
        max_length=7,
        choices=ContractKind.choices,
        default=ContractKind.CASH,
        help_text="Where the broker lists an instrument both as a cash CFD and "
        "as a futures contract (US100Cash and US100), which one alerts trade; "
        "ask: refuse them as ambiguous. A symbol mapping overrides it.",
    )
    magic = models.PositiveIntegerField(
        "magic number",
        default=DEFAULT_MAGIC,
        validators=[MinValueValidator(MIN_MAGIC), MaxValueValidator(MAX_MAGIC)],
        help_text="Marks the positions the bot opens; it only touches those. "
        "Not 0: manual trades carry 0.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The terminal. The supervisor owns the process: commands and the admin
    # set `desired`, the supervisor starts or stops the terminal to match and
    # records what it sees in the fields below.
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PAPER)
    host = models.CharField(
        max_length=100,
        blank=True,
        help_text="The supervisor that minds this account and its terminal: "
        "the one started with `manage.py supervise --host NAME`; empty means "
        "the one on the server's machine.",
    )
    margin_mode = models.CharField(
        max_length=7,
        choices=MarginMode.choices,
        default=MarginMode.HEDGING,
        help_text="Paper terminals only; a real account reports its own.",
    )
    # Read by the supervisor when it starts the paper terminal (passed as
    # --faults), so a change waits for the next start.
    paper_faults = models.CharField(
        "paper broker faults",
        max_length=300,
        default="perfect",
        validators=[validate_fault_profile],
        help_text="Paper terminals only, ignored for MT5 accounts: how the paper "
        "broker misbehaves. perfect (none), realistic[:SEED] or KEY=VALUE,... "
        "(ea/README.md). Applies from the terminal's next start or restart.",
    )
    transport = models.CharField(
        max_length=4,
        choices=Transport.choices,
        default=Transport.FILE,
        help_text="How commands reach the terminal (ea/PROTOCOL.md).",
    )
    desired = models.CharField(
        max_length=7, choices=Desired.choices, default=Desired.RUNNING
    )
    restart_requested_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=TerminalStatus.choices, default=TerminalStatus.STOPPED
    )
    status_reason = models.CharField(max_length=200, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # A PID alone is not an identity: the OS reuses it. The process is ours
    # only when its creation time and executable match too.
    pid = models.PositiveIntegerField(null=True, blank=True)
    pid_created = models.FloatField(null=True, blank=True)
    pid_exe = models.CharField(max_length=500, blank=True)
    heartbeat = models.JSONField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # sha256 of the key the EA sends over HTTP; the key itself is shown once.
    ea_key_hash = models.CharField(max_length=64, blank=True)
    # The key it replaced, still accepted until then: time to paste the new
    # key into the EA without a moment when neither works.
    ea_key_previous_hash = models.CharField(max_length=64, blank=True)
    ea_key_previous_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["login"]
        # The roles (mt5bot.roles): a trader controls terminals, only an
        # admin sees what lets someone trade (the webhook URL).
        permissions = [
            ("control_account", "Can start, stop and restart terminals"),
            ("view_secrets", "Can see the webhook URL"),
        ]
        constraints = [
            # The model validator guards forms and the admin; this guards
            # everything else (bulk writes, raw SQL, another client).
            models.CheckConstraint(
                condition=models.Q(login__regex=rf"^{LOGIN_PATTERN.pattern}$"),
                name="account_login_digits_only",
            ),
        ]

    def __str__(self):
        return f"{self.login} ({self.nickname})" if self.nickname else self.login

    def save(self, *args, **kwargs):
        validate_login(self.login)
        written = kwargs.get("update_fields")
        self.check_bounds(BOUNDED_FIELDS if written is None else written)
        super().save(*args, **kwargs)

    def check_bounds(self, names):
        """Raise ValidationError unless the bounded settings among `names`
        are within their validators: the admin and the API validate through
        the same validators; this catches every other writer (shell,
        commands, scripts) before the row is written."""
        names = set(names) & set(BOUNDED_FIELDS)
        self.clean_settings({n: getattr(self, n) for n in names}, self)

    @classmethod
    def clean_settings(cls, values, instance=None):
        """`values` ({field name: raw value}) converted and validated by the
        fields themselves; raise ValidationError naming each bad one."""
        cleaned, errors = {}, {}
        for name, value in values.items():
            field = cls._meta.get_field(name)
            if value is None and field.null:
                cleaned[name] = None
                continue
            try:
                cleaned[name] = field.clean(value, instance)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return cleaned

    def instance_dir(self):
        validate_login(self.login)
        return settings.MT5_INSTANCES_DIR / self.login

    def files_dir(self):
        return files_dir(self.login)

    def set_ea_key(self, grace=timedelta(0)):
        """Make a new EA key, store its hash, return the key (shown once).
        With a `grace`, the old key keeps working that long."""
        key = secrets.token_urlsafe(32)
        keep = bool(self.ea_key_hash) and grace > timedelta(0)
        self.ea_key_previous_hash = self.ea_key_hash if keep else ""
        self.ea_key_previous_until = timezone.now() + grace if keep else None
        self.ea_key_hash = hashlib.sha256(key.encode()).hexdigest()
        self.save(
            update_fields=[
                "ea_key_hash",
                "ea_key_previous_hash",
                "ea_key_previous_until",
            ]
        )
        return key

    def ea_key_matches(self, key, now=None):
        if not key:
            return False
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        # Both compared every time, in constant time: which one matched, or
        # whether an old one exists, shows in no timing.
        current = hmac.compare_digest(digest, self.ea_key_hash or NO_KEY)
        previous = hmac.compare_digest(digest, self.ea_key_previous_hash or NO_KEY)
        until = self.ea_key_previous_until
        in_grace = until is not None and (now or timezone.now()) < until
        return current or (previous and in_grace)

    def symbol_allowed(self, *symbols):
        allowed = parse_symbol_list(self.allowed_symbols)
        return not allowed or any(s and s.upper() in allowed for s in symbols)

    def refusal(self):
        """Why this account takes no alert now, as (code, reason), or None."""
        if not self.enabled:
            return ("account_disabled", "Account is disabled.")
        if self.trading_paused:
            return ("account_paused", "Trading is paused on this account.")
        # Stopped by the trader: an order would only wait out its TTL. A
        # terminal that restarts (or died) keeps `running` and still queues.
        if self.desired == Desired.STOPPED:
            return ("account_stopped", "The account's terminal is stopped; start it.")
        return self.settings_refusal()

    def settings_refusal(self):
        """Settings no entry accepts any more but an older row may still hold
        (written before these bounds, or by a bulk update): refuse rather
        than trade with them. max_volume is not checked: above
        MAX_ORDER_VOLUME it is harmless, the global limit applies anyway."""
        if not MIN_MAGIC <= self.magic <= MAX_MAGIC:
            return (
                "account_magic_invalid",
                f"The account's magic number {self.magic} is outside 1 to "
                f"{MAX_MAGIC}: 0 would make manual trades the bot's own, and the "
                "EA refuses larger ones. Set another magic number.",
            )
        if not 0 < self.volume_multiplier <= MAX_MULTIPLIER:
            return (
                "account_multiplier_invalid",
                f"The account's volume multiplier {self.volume_multiplier} is "
                f"outside (0, {MAX_MULTIPLIER}]. Set another multiplier.",
            )
        return None


def volume_for(account, volume, opening):
    """The alert's volume on this account: multiplied, and capped when it opens
    a position. Returns (volume, note); note is "" when nothing was capped."""
    if volume is None:
        return None, ""
    adjusted = plain(volume * account.volume_multiplier)
    if opening and account.max_volume is not None and adjusted > account.max_volume:
        cap = plain(account.max_volume)
        return cap, f"volume {adjusted:f} capped at this account's maximum {cap:f}"
    return adjusted, ""
