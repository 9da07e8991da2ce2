"""What resolving needs per account, kept in this process.

`resolve` runs on the webhook's hot path once per target account, so it must
not cost a query per account per alert. Each account's entry (its broker list,
indexed, and its aliases over the global ones) is loaded on first use with two
queries, then answers from memory, memoising each symbol it has seen.

Changes are seen two ways:
- in this process, at once: saving or deleting a mapping, a list or an
  account drops the entries it affects (and again after commit, so that a
  thread that reloaded from the old rows meanwhile does not keep them);
- from other processes (the supervisor storing a list, `manage.py mappings`),
  within CHECK_EVERY seconds: when an entry older than that is used, two
  queries read every list's `stored_at` and every account's mapping count and
  latest `updated_at`, and drop the entries whose stamps moved.

The trade-off: another process's change can go unseen for up to CHECK_EVERY
seconds, in exchange for no per-alert query at all and two queries per
CHECK_EVERY however many accounts there are. A stamp row read on every alert
would cost a query per alert (~5 % of intake), and this app cannot add a
version column to the account row that intake already reads. Writes that skip
`save()` (`QuerySet.update`) bump no `updated_at` and are not seen elsewhere.

Dict operations are atomic under the GIL; two threads loading one account at
once both load it, and one of the equal entries wins. No lock is needed.
"""

from time import monotonic

from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save

from accounts.limits import broker_limits
from accounts.models import Account, SymbolList
from mapping.matching import BrokerIndex, Unresolvable, settled
from mapping.models import SymbolMapping

CHECK_EVERY = 2.0
MEMO_SIZE = 4096  # symbols remembered per account; alerts send a handful

_entries = {}  # account pk -> Entry


class Entry:
    """One account's broker list and aliases, and the answers given so far."""

    def __init__(self, index, aliases, list_stamp, mapping_stamp, listed=None):
        self.index = index  # None: the broker's list is not known yet
        self.listed = listed or {}  # broker name -> its entry in the list
        self.aliases = aliases  # upper alias -> symbol, the account's winning
        self.list_stamp = list_stamp
        self.mapping_stamp = mapping_stamp
        self.checked_at = monotonic()
        self.memo = {}

    def resolve(self, symbol, threshold, wanted=""):
        """`wanted`: the account's contract_kind (mapping.kinds)."""
        key = (symbol, threshold, wanted)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= MEMO_SIZE:
                self.memo.clear()  # junk symbols must not grow it forever
            try:
                found = settled(self.index, symbol, self.aliases, threshold, wanted)
            except Unresolvable as exc:
                found = (exc.detail, exc.code)
            self.memo[key] = found
        if isinstance(found, tuple):
            raise Unresolvable(*found)
        return found

    def volume_limits(self, name):
        """(min, step, max) of broker symbol `name` as its terminal listed
        them (accounts.limits.broker_limits), or None when not listed."""
        found = self.listed.get(name)
        return broker_limits(found) if found is not None else None


def entry(account):
    """The account's entry, loaded on first use and re-checked when stale."""
    found = _entries.get(account.pk)
    if found is not None and monotonic() - found.checked_at >= CHECK_EVERY:
        check_stamps()
        found = _entries.get(account.pk)
    if found is None:
        found = _entries[account.pk] = load(account.pk)
    return found


def load(pk):
    """A fresh entry for account `pk`, straight from the database."""
    return load_many([pk])[pk]


def load_many(pks):
    """Fresh entries for these account ids, in two queries whatever their
    number (the admin's "try a symbol" shows every account)."""
    rows = (
        SymbolMapping.objects.filter(Q(account_id__in=pks) | Q(account=None))
        .order_by()
        .values_list("account_id", "alias", "symbol", "updated_at")
    )
    by_account, shared = {pk: [] for pk in pks}, []
    for row in rows:
        (by_account[row[0]] if row[0] else shared).append(row)
    lists = {
        pk: (stamp, symbols)
        for pk, stamp, symbols in SymbolList.objects.filter(
            account_id__in=pks, stored_at__isnull=False
        )
        .order_by()
        .values_list("account_id", "stored_at", "symbols")
    }
    return {
        pk: build(by_account[pk], shared, *lists.get(pk, (None, None))) for pk in pks
    }


def build(own, shared, stamp, symbols):
    # The account's own aliases come last, so they win over the global ones.
    aliases = {alias: symbol for _, alias, symbol, _ in shared + own}
    index = BrokerIndex(symbols) if symbols is not None else None
    listed = {
        e["name"]: e
        for e in symbols or ()
        if isinstance(e, dict) and isinstance(e.get("name"), str)
    }
    stamps = (mapping_stamp(own), mapping_stamp(shared))
    return Entry(index, aliases, stamp, stamps, listed)


def mapping_stamp(rows):
    """(count, latest updated_at): moves on every save, add and delete."""
    return (len(rows), max((row[3] for row in rows), default=None))


def check_stamps():
    """Drop every entry whose list or mappings changed; mark the rest fresh."""
    lists = dict(
        SymbolList.objects.filter(stored_at__isnull=False)
        .order_by()
        .values_list("account_id", "stored_at")
    )
    counted = (
        SymbolMapping.objects.order_by()
        .values("account_id")
        .annotate(n=Count("id"), last=Max("updated_at"))
    )
    mappings = {row["account_id"]: (row["n"], row["last"]) for row in counted}
    shared = mappings.get(None, (0, None))
    now = monotonic()
    for pk, found in list(_entries.items()):
        stamps = (lists.get(pk), (mappings.get(pk, (0, None)), shared))
        if stamps != (found.list_stamp, found.mapping_stamp):
            _entries.pop(pk, None)
        else:
            found.checked_at = now


def forget(pk=None):
    """Drop one account's entry, or all of them."""
    if pk is None:
        _entries.clear()
    else:
        _entries.pop(pk, None)


def changed(pk=None):
    forget(pk)
    transaction.on_commit(lambda: forget(pk))


def on_mapping(sender, instance, **kwargs):
    changed(instance.account_id)  # None: a global alias, every account's


def on_list(sender, instance, update_fields=None, **kwargs):
    # A refresh asked for, or the same list listed again, changes no answer.
    if update_fields is None or {"symbols", "stored_at"} & set(update_fields):
        changed(instance.account_id)


def on_account(sender, instance, created=False, **kwargs):
    """A new account may reuse the id of a deleted one (SQLite reuses them
    after a rollback): its entry must not be the old account's."""
    if created or kwargs.get("signal") is post_delete:
        changed(instance.pk)


def connect():
    """Called from MappingConfig.ready(). Receivers name their senders:
    `fastsql.save_new` takes the slow path for any model with save listeners."""
    for signal in (post_save, post_delete):
        signal.connect(on_mapping, sender=SymbolMapping, dispatch_uid="mapping-m")
        signal.connect(on_list, sender=SymbolList, dispatch_uid="mapping-l")
        signal.connect(on_account, sender=Account, dispatch_uid="mapping-a")
