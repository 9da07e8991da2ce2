"""python -m ea.paper --files <MQL5/Files> --login <digits> [options]

Wiring only: arguments, logging, the saved state; terminal.py holds the loop.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from ea import protocol
from ea.paper import guard, opening, waiting
from ea.paper.broker import Broker
from ea.paper.faults import Faults, FaultsError
from ea.paper.limits import TerminalLimits
from ea.paper.market import Market
from ea.paper.state import ExecutedIds, Journal, Store
from ea.paper.terminal import Terminal

log = logging.getLogger("ea.paper")

# The profile of a terminal started without --faults (by hand, by a test).
# The supervisor always passes the account's own (`Account.paper_faults`).
FAULTS_ENV = "MT5BOT_PAPER_FAULTS"
# The terminal's own limits (limits.TerminalLimits), as the EA's inputs.
MAX_LOTS_ENV = "MT5BOT_PAPER_MAX_LOTS"
MAX_POSITIONS_ENV = "MT5BOT_PAPER_MAX_POSITIONS"


def manual_position(text):
    """SYMBOL:buy|sell:VOLUME, a position opened by hand (magic 0)."""
    try:
        symbol, side, volume = text.split(":")
        volume = float(volume)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SYMBOL:buy|sell:VOLUME"
        ) from None
    if side not in ("buy", "sell"):
        raise argparse.ArgumentTypeError(f"{text!r}: the side is buy or sell")
    return symbol, side, volume


def login(text):
    try:
        return protocol.check_login(text)
    except protocol.ProtocolError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def faults(text):
    """A fault profile (ea/paper/faults.py); its seed defaults to 0 here and
    to the login once the login is known (see open_terminal)."""
    try:
        Faults.parse(text)
    except FaultsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def not_negative(kind):
    def read(text):
        try:
            value = kind(text)
        except ValueError:
            value = -1
        if not value >= 0:  # NaN too
            raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
        return value

    return read


def parser():
    p = argparse.ArgumentParser(
        prog="python -m ea.paper", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--files", required=True, type=Path, help="the account's MQL5/Files folder"
    )
    p.add_argument("--login", required=True, type=login, help="the account number")
    p.add_argument("--margin-mode", choices=("hedging", "netting"), default="hedging")
    p.add_argument("--balance", type=float, default=10000.0, help="opening balance")
    p.add_argument("--currency", default="USD", help="account currency")
    p.add_argument(
        "--poll",
        type=float,
        default=0.02,
        help="seconds between passes without file events, and before a retry",
    )
    p.add_argument(
        "--idle-poll",
        type=float,
        default=waiting.IDLE_POLL,
        help="seconds between passes while no file event comes (a lost "
        "event's longest delay; ea/paper/waiting.py)",
    )
    p.add_argument(
        "--heartbeat", type=float, default=2.0, help="seconds between heartbeats"
    )
    p.add_argument("--seed", type=int, help="price feed seed (default: the login)")
    p.add_argument("--server", default="Paper-Server", help="trade server name")
    p.add_argument(
        "--manual-position",
        action="append",
        type=manual_position,
        default=[],
        metavar="SYMBOL:buy|sell:VOLUME",
        help="open at first start (magic 0); repeatable",
    )
    p.add_argument(
        "--market-closed",
        action="append",
        default=[],
        metavar="SYMBOL",
        help="this symbol's session is closed: requests get 10018; repeatable",
    )
    p.add_argument(
        "--faults",
        type=faults,
        default=os.environ.get(FAULTS_ENV, "perfect"),
        metavar="PROFILE",
        help=f"broker faults for tests and soak runs: perfect (default), "
        f"realistic[:SEED] or KEY=VALUE,...; default from ${FAULTS_ENV}",
    )
    p.add_argument(
        "--max-lots",
        type=not_negative(float),
        default=os.environ.get(MAX_LOTS_ENV, "0"),
        help="refuse an opening order above this many lots, whatever the "
        f"server allows (0: off; default from ${MAX_LOTS_ENV})",
    )
    p.add_argument(
        "--max-positions",
        type=not_negative(int),
        default=os.environ.get(MAX_POSITIONS_ENV, "0"),
        help="refuse an opening order while this many positions and pending "
        f"orders of ours are open (0: off; default from ${MAX_POSITIONS_ENV})",
    )
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--log-level", default="INFO")
    return p


def open_broker(args, store, journal):
    """The saved broker, or a new one on a first start."""
    saved = store.load()
    if saved is None:
        market = Market(
            args.seed if args.seed is not None else int(args.login), time.time()
        )
        broker = Broker(market, args.margin_mode, args.balance, args.currency)
        broker.market.rate("USD", args.currency)  # an unknown currency fails here
        for symbol, side, volume in args.manual_position:
            opening.seed_manual(broker, symbol, side, volume)
        store.save(args.login, broker, market, [])
        return broker
    if saved["login"] != args.login:
        raise ValueError(
            f"{store.path} belongs to account {saved['login']}, not {args.login}"
        )
    market = Market(saved["market"]["seed"], time.time(), snapshot=saved["market"])
    broker = Broker.restore(market, saved["broker"])
    if broker.margin_mode != args.margin_mode:
        log.warning(
            "the saved account is %s; --margin-mode %s ignored",
            broker.margin_mode,
            args.margin_mode,
        )
    for line in journal.recover(saved["journal_tail"]):
        log.warning("journal line %s restored from the state", line["jseq"])
    return broker


def main(argv=None):
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    args.files.mkdir(parents=True, exist_ok=True)
    # The guard before the saved state is even read: a second terminal on
    # this folder must touch nothing (guard.py).
    try:
        with guard.only_terminal(args.files):
            return run_terminal(args)
    except guard.Busy as exc:
        log.error("cannot start: %s", exc)
        return 2


def run_terminal(args):
    try:
        terminal = open_terminal(args)
    except ValueError as exc:
        log.error("cannot start: %s", exc)
        return 2
    waiting.renames_at_once()
    terminal.run(once=args.once)
    return 0


def open_terminal(args):
    folder = args.files
    store, journal = Store(folder), Journal(folder)
    broker = open_broker(args, store, journal)
    broker.closed_symbols = set(args.market_closed)
    # After open_broker: the manual positions of a first start are not faulted.
    broker.use_faults(Faults.parse(args.faults, default_seed=int(args.login)))
    if broker.faults is not None:
        log.warning("broker faults on: %s", broker.faults.describe())
    log.info(
        "paper terminal %s (%s, %s %.2f) on %s",
        args.login,
        broker.margin_mode,
        broker.currency,
        broker.balance,
        folder,
    )
    return Terminal(
        folder,
        args.login,
        broker,
        store,
        journal,
        ExecutedIds(folder),
        poll=args.poll,
        idle_poll=args.idle_poll,
        heartbeat=args.heartbeat,
        server=args.server,
        limits=TerminalLimits(args.max_lots, args.max_positions),
    )


if __name__ == "__main__":
    sys.exit(main())
