"""What the paper terminal waits for, and for how long (issue 14).

A real trade server refuses, drops the connection and publishes a position a
moment after its deal; the terminal answers each with a bounded wait, never
past the command's `expires_at`:

- a refusal that proves nothing executed (RETRYABLE) is tried again at a
  fresh price, at most TRIES sends in all, RETRY_PAUSE apart;
- while the terminal is disconnected it claims no command (terminal.py);
  one already in hand waits to send, and if its time runs out first it
  ends `expired`, never used up blind;
- a lookup waits LOOKUP_WAIT for the positions this terminal opened lately
  to show; a request that needs a price (an opening order, each close, a
  MODIFY's stops check) waits TICK_WAIT for a valid tick.

Every wait reads the broker's clock and sleeps through `Patience.sleep`, so
a test moves time by hand and waits on no wall clock. Every loop is also
bounded by its count, so a clock that never moves cannot hold a command.
"""

import time

from ea.paper.rules import DONE_PARTIAL

# Codes that prove the order was not executed (docs/mt5.md §6): requote,
# prices changed, no quotes, too many requests, no connection; the EA sends
# the same set again.
RETRYABLE = frozenset({10004, 10020, 10021, 10024, 10031})
# Answers that do not say whether the request executed, never retried and
# reported unknown: 10012, the request timed out (the server may still have
# executed it), and 10028, the request is locked for processing (on request
# or instant execution a dealer may be handling it; MT5 does not say it had
# no effect).
UNSURE = frozenset({10012, 10028})
TRIES = 4
RETRY_PAUSE = 0.25
OFFLINE_PAUSE = 0.5
LOOKUP_WAIT = 1.0
TICK_WAIT = 2.0
STEP = 0.05
MOST_STEPS = 10000


class Patience:
    """The terminal's sleep, and the positions it opened whose deal it has
    not yet seen published: one per terminal, shared by its commands."""

    def __init__(self, sleep=time.sleep):
        self.sleep = sleep
        self.opened = {}  # position ticket -> broker time of its deal

    def wait(self, clock, deadline, ready, step=STEP):
        """Call `ready` until it is true (True) or the next sleep would pass
        `deadline` (False)."""
        steps = min(MOST_STEPS, max(0, int((deadline - clock()) / step)) + 1)
        for _ in range(steps):
            if ready():
                return True
            if clock() + step >= deadline:
                return False
            self.sleep(step)
        return bool(ready())

    def pause(self, clock, deadline, seconds):
        """Sleep `seconds` unless that reaches `deadline`; whether it slept."""
        if clock() + seconds >= deadline:
            return False
        self.sleep(seconds)
        return True

    def opening(self, ticket, now):
        if ticket:
            self.opened[ticket] = now

    def forget_shown(self, broker):
        """Forget the positions listed now: seen once, they need no wait,
        and a later deal may close them (netting one away) so they never
        show again."""
        for ticket in [t for t in self.opened if broker.seen_position(t)]:
            del self.opened[ticket]

    def settle(self, broker, deadline):
        """Wait (bounded) until the positions opened lately show in the
        terminal's lookups, so a close right after an open finds them. One
        the server closed before it ever showed (a stop hit at once) costs
        at most LOOKUP_WAIT."""

        def shown():
            now = broker.clock()
            for ticket, at in list(self.opened.items()):
                if broker.seen_position(ticket) or now - at >= LOOKUP_WAIT:
                    del self.opened[ticket]
            return not self.opened

        if self.opened:
            self.wait(broker.clock, min(deadline, broker.clock() + LOOKUP_WAIT), shown)

    def quote(self, broker, name, deadline):
        """(bid, ask) once the symbol has a valid tick, or None after
        TICK_WAIT (a freshly selected symbol's first tick is 0/0)."""
        tick = [broker.tick(name)]

        def valid():
            tick[0] = broker.tick(name)
            return 0 < tick[0][0] <= tick[0][1]

        limit = min(deadline, broker.clock() + TICK_WAIT)
        return tick[0] if self.wait(broker.clock, limit, valid) else None


def merge_close(results, asked):
    """One answer for a close sent in pieces after partial fills: DONE with
    the whole volume when the pieces add up to it, else DONE_PARTIAL with
    what was closed, `left` the volume still open of the `asked`, and a
    comment naming the remainder (PROTOCOL.md §4, `partial_close:`)."""
    accepted = [r for r in results if r["retcode"] in (10009, DONE_PARTIAL)]
    if not accepted:
        return results[-1]
    closed = round(sum(r["volume"] for r in accepted), 8)
    first = accepted[0]
    if results[-1]["retcode"] == 10009:
        if len(results) == 1:
            return first
        pieces = len(accepted)
        return {**first, "retcode": 10009, "volume": closed,
                "comment": f"done in {pieces} deals after partial fills"}  # fmt: skip
    left = round(asked - closed, 8)
    comment = (f"partial_close: {closed:g} of {asked:g} lots closed, {left:g} still "
               f"open on #{first['position']}")  # fmt: skip
    return {**first, "retcode": DONE_PARTIAL, "volume": closed, "left": left,
            "comment": comment}  # fmt: skip
