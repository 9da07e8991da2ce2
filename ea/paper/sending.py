"""Sending a command's trade requests and turning the answers into a result.

Refusals split in two. Retcode 0: the terminal could not build a request
(unknown symbol, unknown ticket, no volume, risk sizing without a stop loss)
or knew the server would refuse it (limits.py: volume limits, stops level)
and sent nothing. Any other retcode: the trade server answered it.
"""

from ea.paper.limits import NO_LIMITS
from ea.paper.patience import (
    OFFLINE_PAUSE,
    RETRY_PAUSE,
    RETRYABLE,
    TICK_WAIT,
    TRIES,
    UNSURE,
    Patience,
    merge_close,
)
from ea.paper.rules import ACCEPTED, DONE_PARTIAL, answer
from ea.paper.symbols import EXPIRATIONS, FILLING_FOK, FILLING_IOC


class Run:
    """One command's execution: what was sent and answered, for the journal;
    which answers were lost (timeouts: reported unknown); and whether it ran
    out of time waiting for a connection."""

    def __init__(self, command, broker, patience=None, limits=NO_LIMITS):
        self.command = command
        self.broker = broker
        self.patience = patience or Patience()
        self.limits = limits  # the terminal's own (limits.TerminalLimits)
        self.deadline = command["expires_at"]
        self.sent = []
        self.lost = []
        self.offline = False
        self.no_quote = False  # a request was not sent for want of a tick
        # Tickets listed before the last opening request, and what a lost
        # one left that was not (trading.lost reads them).
        self.before = set()
        self.new_items = []

    def send(self, request, rebuild=None):
        """Send `request`; on a refusal that proves nothing executed, send
        again (`rebuild()` gives it a fresh price) while tries and time
        last. Never sends while disconnected, never resends a timeout."""
        result = None
        for attempt in range(TRIES):
            if attempt:
                if not self.patience.pause(
                    self.broker.clock, self.deadline, RETRY_PAUSE
                ):
                    break
                request = rebuild() if rebuild else request
                if not isinstance(request, dict):
                    break  # the fresh price cannot be had: the last refusal stands
            if not self.await_connection():
                return result or self.not_sent()
            result = self._send_once(request)
            if result["retcode"] not in RETRYABLE:
                break
        if result["retcode"] in UNSURE or not result["retcode"]:
            self.lost.append((self.sent[-1][0], result))
        return result

    def close(self, request):
        """A closing deal; after a partial fill the remainder is sent again
        at a fresh price while tries and time last (patience.merge_close)."""
        asked, results = request["volume"], []
        for _ in range(TRIES):
            result = self.send(request)
            results.append(result)
            if result["retcode"] != DONE_PARTIAL:
                break
            left = round(request["volume"] - result["volume"], 8)
            if left <= 0 or not self.patience.pause(
                self.broker.clock, self.deadline, RETRY_PAUSE
            ):
                break
            request = {**request, "volume": left}
        return merge_close(results, asked)

    def _send_once(self, request):
        if not request.get("position") and request["action"] in ("deal", "pending"):
            listed = [*self.broker.seen_positions(), *self.broker.orders]
            self.before = {item["ticket"] for item in listed}
            self.patience.forget_shown(self.broker)
        request = {
            **request,
            "magic": self.command["magic"],
            "comment": self.command["comment"],
        }
        result = self.broker.send(request)
        self.sent.append((request, result))
        # A position listed before the deal is not new: on a netting account
        # the deal may even have closed it, and it would never show.
        position = result.get("position")
        opening = not request.get("position") and position not in self.before
        if result["retcode"] in ACCEPTED and opening:
            self.patience.opening(position, self.broker.clock())
        return result

    def await_connection(self):
        """Wait while the terminal is offline; False when `expires_at` comes
        first (nothing was sent)."""
        broker = self.broker
        if broker.connected():
            return True
        wait = self.patience.wait
        if wait(broker.clock, self.deadline, broker.connected, OFFLINE_PAUSE):
            return True
        self.offline = True
        return False

    def not_sent(self):
        return answer(
            0, f"no connection to the trade server before {self.deadline}; not sent"
        )

    def settle(self):
        """Positions this terminal opened lately show before a lookup."""
        self.patience.settle(self.broker, self.deadline)

    def quote(self, name):
        tick = self.patience.quote(self.broker, name, self.deadline)
        self.no_quote = self.no_quote or tick is None
        return tick

    def ours(self, item):
        return self.command["include_manual"] or item["magic"] == self.command["magic"]


def market_filling(spec):
    """docs/mt5.md §4: FOK on request and instant execution, whatever the
    flags; otherwise FOK if the symbol allows it, else IOC, else RETURN."""
    if spec.execution in ("request", "instant") or spec.filling_modes & FILLING_FOK:
        return "fok"
    return "ioc" if spec.filling_modes & FILLING_IOC else "return"


def pending_time(spec):
    """docs/mt5.md §14: a pending order stays until cancelled (GTC) where the
    symbol allows it; where it allows DAY and not GTC, it lasts the day."""
    if spec.expiration_modes & EXPIRATIONS["gtc"]:
        return "gtc"
    return "day" if spec.expiration_modes & EXPIRATIONS["day"] else "gtc"


def stop_levels(spec, side, base, command):
    """SL/TP prices: absolute prices first, else points, else pips measured
    from `base` (the fill price, the order price, or the open price)."""
    sign = 1 if side == "buy" else -1
    sl = _level(
        spec, base, -sign, *(command[k] for k in ("stop_loss", "sl_points", "sl_pips"))
    )
    tp = _level(
        spec, base, sign, *(command[k] for k in ("take_profit", "tp_points", "tp_pips"))
    )
    return sl, tp


def _level(spec, base, direction, absolute, points, pips):
    # A price of 0 is MQL5's "no stop", as in MqlTradeRequest.sl.
    if absolute is not None and absolute != 0:
        return spec.normalize_price(absolute)
    if points is not None:
        return spec.normalize_price(base + direction * points * spec.point)
    if pips is not None:
        return spec.normalize_price(base + direction * pips * spec.pip)
    return None


# --- result fields ---------------------------------------------------------


def no_tick(symbol):
    """Why a request was not sent for want of a tick; the result then starts
    `no_quote:` and carries `code` (trading.execute)."""
    return f"no valid tick for {symbol} within {TICK_WAIT:g} s"


def refused(message, **extra):
    return {
        "status": "rejected",
        "retcode": 0,
        "ticket": None,
        "price": None,
        "volume": None,
        "message": f"{message} (not sent)",
        **extra,
    }


def nothing_to_do(message, **extra):
    """PROTOCOL.md section 4: an action that found nothing to do is executed,
    with retcode 0 because nothing was sent."""
    return {
        "status": "executed",
        "retcode": 0,
        "ticket": None,
        "price": None,
        "volume": None,
        "message": message,
        **extra,
    }


def answered(result, what, ticket=None, **extra):
    if result["retcode"] not in ACCEPTED:
        return {
            "status": "rejected",
            "retcode": result["retcode"],
            "ticket": None,
            "price": None,
            "volume": None,
            "message": f"{what}: {result['comment']}",
            **extra,
        }
    return {
        "status": "executed",
        "retcode": result["retcode"],
        "ticket": ticket or result["position"] or result["order"] or None,
        "price": result["price"] or None,
        "volume": result["volume"] or None,
        "message": f"{what}: {result['comment']}",
        "order": result["order"],
        "deal": result["deal"],
        **extra,
    }


# --- several requests ------------------------------------------------------


class Unsent:
    """One request of a batch the terminal refused to send (limits.py): it
    counts as failed, with the reason, and has no retcode."""

    def __init__(self, ticket, reason):
        self.request = {"position": ticket}
        self.result = {"retcode": 0, "comment": f"{reason} (not sent)"}


def run_batch(run, items, build, counter, empty):
    done, failed = [], []
    for item in items:
        request = item if isinstance(item, Unsent) else build(item)
        if isinstance(request, Unsent):
            failed.append((request.request, request.result))
            continue
        if request["action"] == "deal":
            request["type_filling"] = market_filling(run.broker.spec(request["symbol"]))
        result = (
            run.close(request) if request["action"] == "deal" else run.send(request)
        )
        (done if result["retcode"] in ACCEPTED else failed).append((request, result))
    return summarize(done, failed, counter, empty)


def summarize(done, failed, counter, empty):
    """One result for several requests: executed when at least one was
    accepted (with `failed` and the reasons when others were not), rejected
    when none was, with the server's first refusal's retcode, or 0 when the
    terminal sent none of them."""
    if not done and not failed:
        return nothing_to_do(empty, **{counter: 0})
    notes = [_note(request, result) for request, result in failed]
    if not done:
        return {
            "status": "rejected",
            "retcode": next((res["retcode"] for _, res in failed if res["retcode"]), 0),
            "ticket": None,
            "price": None,
            "volume": None,
            "message": "; ".join(notes),
            counter: 0,
        }
    request, result = done[0]
    noun = "order(s)" if counter == "cancelled" else "position(s)"
    fields = answered(
        result,
        f"{counter} {len(done)} {noun}",
        ticket=_ticket(request),
        **{counter: len(done)},
    )
    if counter == "closed":
        fields["volume"] = round(sum(res["volume"] for _, res in done), 8)
    else:
        fields["price"], fields["volume"] = None, None
    partial = [res for _, res in done if res["retcode"] == DONE_PARTIAL]
    if counter == "closed" and partial:
        # A remainder is still open: history must say so (the first
        # request's comment is in the message already), and machines too.
        fields["retcode"] = DONE_PARTIAL
        more = [res["comment"] for _, res in done[1:] if res["retcode"] == DONE_PARTIAL]
        fields["message"] += "".join("; " + note for note in more)
        fields["closed_volume"] = fields["volume"]
        fields["remaining_volume"] = round(sum(res["left"] for res in partial), 8)
    if failed:
        fields["failed"] = len(failed)
        fields["message"] += "; not " + counter + ": " + "; ".join(notes)
    return fields


def _note(request, result):
    if not result["retcode"]:
        return f"#{_ticket(request)}: {result['comment']}"
    return f"#{_ticket(request)}: {result['comment']} ({result['retcode']})"


def _ticket(request):
    return request.get("position") or request.get("order")
