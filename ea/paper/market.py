"""Quotes for the paper broker: a bounded random walk that moves with wall time.

The walk is deterministic: step k of every symbol comes from a generator seeded
with (seed, k), so the same seed gives the same prices step by step, and a
restart continues from the saved step instead of starting over. Tests and
golden vectors pin quotes with `set_quote`, which stops that symbol moving.
"""

import random

from ea.paper.symbols import BY_NAME

STEP_SECONDS = 0.25
# After a long stop the feed does not replay hours of steps at start-up: it
# walks at most a minute's worth and then jumps to now.
MAX_CATCH_UP = 240
# Mean reversion per step, so the walk hovers around a realistic level.
PULL = 0.001


class Market:
    def __init__(self, seed, now, specs=BY_NAME, snapshot=None):
        self.specs = specs
        self.seed = int(seed)
        self.fixed = {}  # symbol -> (bid, ask) pinned by a test
        self._walkers_of, self._walkers_cached = None, []
        if snapshot:
            self.step = snapshot["step"]
            self.time = snapshot["time"]
            self.mids = {n: snapshot["mids"].get(n) for n in specs}
            self._fill_missing_mids()
        else:
            self.step, self.time, self.mids = 0, now, {}
            self._fill_missing_mids()

    def _fill_missing_mids(self):
        rng = random.Random(self.seed)  # noqa: S311 - prices, not secrets
        for name, spec in self.specs.items():
            start = spec.base_price * (1 + spec.band * (rng.random() - 0.5))
            if self.mids.get(name) is None:
                self.mids[name] = start

    def snapshot(self):
        return {
            "seed": self.seed,
            "step": self.step,
            "time": self.time,
            "mids": dict(self.mids),
        }

    # --- prices -------------------------------------------------------------

    def quote(self, name):
        """(bid, ask) of `name`, normalised to its tick size."""
        if name in self.fixed:
            return self.fixed[name]
        spec = self.specs[name]
        spread = spec.spread * spec.point
        bid = spec.normalize_price(self.mids[name] - spread / 2)
        return bid, spec.normalize_price(bid + spread)

    def set_quote(self, name, bid, ask):
        self.fixed[name] = (float(bid), float(ask))

    def advance(self, now):
        """Walk every unpinned symbol to `now`; True when any price moved."""
        due = int((now - self.time) / STEP_SECONDS)
        if due <= 0:
            return False
        for _ in range(min(due, MAX_CATCH_UP)):
            self._walk_one_step()
        self.time = now if due > MAX_CATCH_UP else self.time + due * STEP_SECONDS
        return len(self.fixed) < len(self.specs)

    def _walk_one_step(self):
        """Four steps a second in every terminal, idle or not: kept lean,
        with the same arithmetic in the same order, so the same prices."""
        self.step += 1
        gauss = random.Random(self.seed * 1_000_003 + self.step).gauss  # noqa: S311
        mids = self.mids
        for name, volatility, base, low, high in self._walkers():
            mid = mids[name] * (1 + gauss(0.0, volatility))
            mid += (base - mid) * PULL
            mids[name] = min(max(mid, low), high)

    def _walkers(self):
        """(name, volatility, base price, low, high) of each symbol, worked
        out once per list of specifications (a fault profile replaces it)."""
        if self._walkers_of is not self.specs:
            self._walkers_of = self.specs
            self._walkers_cached = [
                (name, spec.volatility, spec.base_price,
                 spec.base_price * (1 - spec.band), spec.base_price * (1 + spec.band))
                for name, spec in self.specs.items()
            ]  # fmt: skip
        return self._walkers_cached

    # --- money --------------------------------------------------------------

    def rate(self, source, target):
        """Units of `target` for one unit of `source`, through the FX pairs
        (bid for a direct pair, 1/ask for an inverse one, via USD otherwise)."""
        if source == target:
            return 1.0
        direct = self._pair_rate(source, target)
        if direct is not None:
            return direct
        if "USD" not in (source, target):
            via = self._pair_rate(source, "USD"), self._pair_rate("USD", target)
            if None not in via:
                return via[0] * via[1]
        raise ValueError(f"no exchange rate from {source} to {target}")

    def _pair_rate(self, source, target):
        if source == target:
            return 1.0
        if source + target in self.specs:
            return self.quote(source + target)[0]
        if target + source in self.specs:
            return 1.0 / self.quote(target + source)[1]
        return None

    def tick_value(self, spec, currency):
        """Value of one tick for one lot in `currency` (SYMBOL_TRADE_TICK_VALUE)."""
        profit = spec.tick_size * spec.contract_size
        return round(profit * self.rate(spec.currency_profit, currency), 8)

    def margin(self, spec, volume, price, currency):
        """Initial margin of `volume` lots (retail Forex and CFD formulas)."""
        if spec.calc_mode in ("forex", "forex_no_leverage"):
            amount = volume * spec.contract_size / spec.leverage
            return amount * self.rate(spec.currency_margin, currency)
        amount = volume * spec.contract_size * price / spec.leverage
        return amount * self.rate(spec.currency_profit, currency)
