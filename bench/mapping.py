"""Symbol resolution benchmark: a 1,000-symbol broker list, as intake calls it.

    .venv/bin/python bench/mapping.py [--calls 20000]

Builds a broker list in the style of a large retail server (currencies,
metals, indices, energies and coins with a `.r` tail, ~850 shares), stores it
for one account in a fresh SQLite database, and times:
- `resolve()` once the list is loaded: what each alert pays per account
  (every symbol after its first sight is a memo hit);
- the first sight of a symbol of each kind (the matching itself, no memo);
- loading the account's entry cold (two queries and the index), with names
  not parsed before (the first account on a broker) and already parsed;
- intake.receive() for an alert to two such accounts, with resolve() and with
  the pass-through it replaced.
Target: p50 <= 50 us per resolve once the list is loaded.
"""

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P50_US = 50.0
CURRENCIES = "EUR GBP USD JPY CHF CAD AUD NZD SEK NOK PLN TRY ZAR MXN SGD HKD"
OTHERS = (
    "XAUUSD XAGUSD XPTUSD XPDUSD US30 US500 USTEC US2000 DE40 UK100 JP225 FRA40 "
    "EU50 AUS200 HK50 XTIUSD XBRUSD XNGUSD BTCUSD ETHUSD LTCUSD XRPUSD SOLUSD "
    "DOGEUSD ADAUSD DOTUSD LINKUSD BNBUSD"
)
# symbol as alerts send it -> what resolve() should answer (None: refused)
ALERTS = {
    "exact": ("EURUSD.r", "EURUSD.r"),
    "rule": ("EURUSD", "EURUSD.r"),
    "alias": ("GOLD", "XAUUSD.r"),
    "fuzzy": ("EURUSD.abc", "EURUSD.r"),
    "refused": ("USDCNH", None),
}


def broker_list(size=1000):
    """A deterministic list of `size` names (the same on every run)."""
    currencies = CURRENCIES.split()
    names = [f"{a}{b}.r" for a in currencies for b in currencies if a != b][:120]
    names += [f"{name}.r" for name in OTHERS.split()]
    rng = random.Random(1)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while len(names) < size:
        ticker = "".join(rng.choice(letters) for _ in range(rng.randint(2, 4)))
        name = f"{ticker}.{rng.choice(['NAS', 'NYSE'])}"
        if name not in names:
            names.append(name)
    return [{"name": n, "trade_mode": "full"} for n in names]


def setup_django(tmp):
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "mt5bot.test_settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def percentiles(samples_ns):
    """(p50, p99) in microseconds."""
    ordered = sorted(samples_ns)
    last = len(ordered) - 1
    return tuple(ordered[min(last, int(q * len(ordered)))] / 1000 for q in (0.5, 0.99))


def timed(func, calls):
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        func()
        samples.append(time.perf_counter_ns() - start)
    return percentiles(samples)


def bench_warm(account, calls):
    """resolve() as intake calls it, once the account's entry is loaded."""
    from mapping.resolver import Unresolvable, resolve

    def attempt(symbol):
        try:
            return resolve(account, symbol).symbol
        except Unresolvable:
            return None

    rows = []
    for kind, (symbol, expected) in ALERTS.items():
        assert attempt(symbol) == expected, (kind, symbol)
        label = f"resolve() {kind} {symbol}"
        rows.append((label, *timed(lambda s=symbol: attempt(s), calls)))
    return rows


def bench_first_sight(entries, calls):
    """match() without memo: what the first alert with a new symbol pays."""
    from django.conf import settings

    from mapping.matching import BrokerIndex, Unresolvable, match

    index = BrokerIndex(entries)
    threshold = settings.FUZZY_MATCH_THRESHOLD
    rows = []
    for kind, (symbol, _) in ALERTS.items():

        def once(s=symbol):
            with contextlib.suppress(Unresolvable):
                match(index, s, {}, threshold)

        rows.append((f"first sight {kind} {symbol}", *timed(once, calls // 10)))
    return rows


def bench_cold(account, calls):
    """Loading an entry: after a start, or when the list or mappings change.
    Accounts on one broker share parsed names; the first pays for them."""
    from mapping import catalog
    from mapping.names import parse

    def first():
        parse.cache_clear()
        catalog.load(account.pk)

    runs = max(20, calls // 500)
    return [
        ("cold load, names new (2 queries + index)", *timed(first, runs)),
        (
            "cold load, names seen (2 queries + index)",
            *timed(lambda: catalog.load(account.pk), runs),
        ),
    ]


def bench_intake(account, entries, calls):
    """intake.receive() for an alert to two accounts with 1,000-symbol lists,
    with resolve() and with the old pass-through, interleaved call by call so
    that the machine's drift hits both alike."""
    from accounts.bridge import symbols
    from accounts.models import Account
    from mapping.resolver import Resolution
    from signals import fitting, intake

    second = Account.objects.create(login="7891011")
    symbols.store(second, {"time": time.time()}, entries)
    real = fitting.resolve
    samples = {real: [], None: []}

    def passthrough(account, symbol):
        return Resolution(symbol, "unchecked")

    for i in range(max(200, calls // 20)):
        which = real if i % 2 else None
        fitting.resolve = real if which else passthrough
        alert = {"accounts": ["1123456", "7891011"], "symbol": "EURUSD"}
        body = json.dumps({**alert, "action": "BUY", "volume": 0.1, "id": f"b{i}"})
        start = time.perf_counter_ns()
        status, _ = intake.receive(body.encode(), "application/json", "127.0.0.1")
        samples[which].append(time.perf_counter_ns() - start)
        assert status == 200, status
    fitting.resolve = real
    return [
        ("intake, 2 accounts, mapping on", *percentiles(samples[real])),
        ("intake, 2 accounts, pass-through", *percentiles(samples[None])),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mt5bot-bench-") as tmp:
        setup_django(tmp)
        from accounts.bridge import symbols
        from accounts.models import Account

        entries = broker_list()
        account = Account.objects.create(login="1123456")
        symbols.store(account, {"time": time.time()}, entries)
        print(f"broker list: {len(entries)} symbols; {args.calls} calls per row")
        rows = bench_warm(account, args.calls)
        rows += bench_first_sight(entries, args.calls)
        rows += bench_cold(account, args.calls)
        rows += bench_intake(account, entries, args.calls)
    print(f"{'case':44} {'p50 us':>9} {'p99 us':>9}")
    for label, p50, p99 in rows:
        print(f"{label:44} {p50:9.1f} {p99:9.1f}")
    worst = max(p50 for label, p50, _ in rows if label.startswith("resolve()"))
    verdict = "PASS" if worst <= TARGET_P50_US else "FAIL"
    print(f"target resolve() p50 <= {TARGET_P50_US:.0f} us: {verdict} ({worst:.1f} us)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
