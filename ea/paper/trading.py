"""What a terminal does with a command: the trade requests it sends and the
result it reports. The MQL5 EA implements the same rules; ea/vectors/ pins them.
"""

from ea.paper import closing, opening
from ea.paper.limits import NO_LIMITS
from ea.paper.patience import LOOKUP_WAIT
from ea.paper.rules import ACCEPTED
from ea.paper.sending import Run

HANDLERS = {
    "BUY": opening.open_order,
    "SELL": opening.open_order,
    "CLOSE": closing.close_ticket,
    "CLOSE_SYMBOL": closing.close_symbol,
    "CLOSE_LONG": lambda run: closing.close_symbol(run, "buy"),
    "CLOSE_SHORT": lambda run: closing.close_symbol(run, "sell"),
    "CLOSE_ALL": closing.close_all,
    "MODIFY": closing.modify,
    "CANCEL": closing.cancel,
}


def execute(command, broker, patience=None, limits=NO_LIMITS):
    """(result fields, [(request, result), ...]) for a checked command;
    `limits` are the terminal's own (limits.TerminalLimits)."""
    run = Run(command, broker, patience, limits)
    fields = HANDLERS[command["action"]](run)
    if run.lost:
        fields = lost(run, fields)
    elif run.offline and fields["status"] == "rejected" and not _accepted(run):
        # Nothing was sent: the command's time ran out while the terminal
        # waited for its connection (PROTOCOL.md §4, `expired`).
        fields = {**fields, "status": "expired", "retcode": 0}
    elif run.no_quote and fields["status"] == "rejected" and not fields["retcode"]:
        # PROTOCOL.md §4: a refusal for want of a tick says so for machines.
        fields = {
            **fields,
            "code": "no_quote",
            "message": "no_quote: " + fields["message"],
        }
    return fields, run.sent


def _accepted(run):
    return any(result["retcode"] in ACCEPTED for _, result in run.sent)


def lost(run, fields):
    """PROTOCOL.md §4: a request whose answer was lost (10012, or no
    retcode) may have executed, so the command is `unknown`, never retried;
    the message says what the terminal sees now, re-read after the loss,
    and `ticket` names what the lost request was about (for a lost opening
    order, the new position or order of ours if one showed)."""
    request, result = run.lost[0]
    code = result["retcode"]
    what = f"{result['comment']} ({code})" if code else "no answer from the server"
    seen = "; ".join(reread(run, req) for req, _ in run.lost)
    message = f"{what}: outcome unknown, not retried; now {seen}; {fields['message']}"
    ticket = request.get("position") or request.get("order") or fields.get("ticket")
    if not ticket and run.new_items:
        ticket = run.new_items[0]["ticket"]
    return {**fields, "status": "unknown", "retcode": code, "ticket": ticket,
            "message": message}  # fmt: skip


def reread(run, request):
    """The state a lost request touched, as the terminal sees it now."""
    broker = run.broker
    if request.get("position"):
        position = broker.seen_position(request["position"])
        if position is None:
            return f"position #{request['position']} is not listed (closed?)"
        return f"position #{position['ticket']} is still listed: {_describe(position)}"
    if request.get("order"):
        order = broker.order(request["order"])
        if order is None:
            return f"order #{request['order']} is not listed"
        return f"order #{order['ticket']} is still listed"
    return _new_on(run, request["symbol"])


def _new_on(run, symbol):
    """After a lost opening order: the positions and orders of ours on its
    symbol that were not there before the send, waited for a moment (a
    broker may publish a position after its deal)."""
    magic, broker = run.command["magic"], run.broker

    def new():
        items = [*broker.seen_positions(), *broker.orders]
        ours = [i for i in items if i["symbol"] == symbol and i["magic"] == magic]
        run.new_items = [i for i in ours if i["ticket"] not in run.before]
        return run.new_items

    run.patience.wait(broker.clock, broker.clock() + LOOKUP_WAIT, new)
    if not run.new_items:
        return f"no new position or order of ours on {symbol} after {LOOKUP_WAIT:g} s"
    listed = ", ".join(f"#{i['ticket']} {_describe(i)}" for i in run.new_items)
    return f"new of ours on {symbol}: {listed}"


def _describe(item):
    # Words the EA writes alike (MT5Bot_Batch.mqh), so both read the same.
    return f"{item['type']} {item['volume']:g} lots"
